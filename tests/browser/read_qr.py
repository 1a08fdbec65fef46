"""Decodes the QR code in a PNG (stdin) with zxing-cpp, a decoder nobody here wrote, and prints its
text, for recipient_files.test.mjs to compare with the share's link."""

import io
import sys

import zxingcpp
from PIL import Image

image = Image.open(io.BytesIO(sys.stdin.buffer.read())).convert("L")
codes = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
if len(codes) != 1:
    sys.exit(f"expected one QR code, found {len(codes)}")
code = codes[0]
print(f"{code.ec_level}\t{code.text}")
