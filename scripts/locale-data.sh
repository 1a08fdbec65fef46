#!/usr/bin/env bash
# Regenerates shared/src/render/locale/data: the CLDR data the share page's languages need, baked
# into Rust for those languages and the data markers the page uses only (ICU4X's `compiled_data`
# would bake every locale into view-share). Offline apart from the two registries: CLDR's JSON from
# npm and the ICU4X data generator from crates.io, both at pinned versions.
#
#   bash scripts/locale-data.sh
#
# A new language: add it to LOCALES (with the region its week data comes from), to `Language`, and
# a file of strings; a new formatter in render/locale/formats.rs may need more MARKERS (the compiler
# names the missing ones).
set -euo pipefail

ICU4X_VERSION=2.4.0
CLDR_VERSION=48.2.0
LOCALES=(en en-US en-GB de de-DE fr fr-FR es es-ES it it-IT nl nl-NL pt pt-BR)
MARKERS=(
  CalendarWeekV1
  DatetimeNamesDayperiodV1
  DatetimeNamesMonthGregorianV1
  DatetimeNamesYearGregorianV1
  DatetimeNamesWeekdayV1
  DatetimePatternsDateGregorianV1
  DatetimePatternsGlueV1
  DatetimePatternsTimeV1
  DecimalDigitsV1
  DecimalSymbolsV1
)

root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/shared/src/render/locale/data"
tools="${LOCALE_DATA_TOOLS:-$HOME/.cache/share-service/locale-data}"
mkdir -p "$tools/cldr"

datagen="$tools/datagen-$ICU4X_VERSION/bin/icu4x-datagen"
if [[ ! -x "$datagen" ]]; then
  cargo install icu4x-datagen --version "$ICU4X_VERSION" --locked --no-default-features \
    --features provider,baked_exporter --root "$tools/datagen-$ICU4X_VERSION"
fi

cldr="$tools/cldr/$CLDR_VERSION"
if [[ ! -d "$cldr/node_modules/cldr-dates-full" ]]; then
  mkdir -p "$cldr"
  npm install --prefix "$cldr" --no-save --no-audit --no-fund \
    "cldr-core@$CLDR_VERSION" "cldr-dates-full@$CLDR_VERSION" "cldr-numbers-full@$CLDR_VERSION"
  # ICU4X 2.4's generator is tested with CLDR 49, and npm has 48 at most. Two shims: CLDR 49's
  # `intervalFormatRanges` (which it does not use) beside each calendar's interval formats, added
  # empty; and the Japanese eras before Meiji, whose start dates it cannot read (it makes only the
  # modern ones, and the pages use the Gregorian calendar alone), left out.
  node -e '
    const fs = require("fs"), path = require("path");
    const at = path.join(process.argv[1], "node_modules/cldr-core/supplemental/calendarData.json");
    const json = JSON.parse(fs.readFileSync(at, "utf8"));
    const eras = json.supplemental.calendarData.japanese.eras;
    for (const [key, era] of Object.entries(eras)) if (!era._code) delete eras[key];
    fs.writeFileSync(at, JSON.stringify(json));' "$cldr"
  node -e '
    const fs = require("fs"), path = require("path");
    const main = path.join(process.argv[1], "node_modules/cldr-dates-full/main");
    for (const locale of fs.readdirSync(main)) {
      for (const file of fs.readdirSync(path.join(main, locale)).filter((f) => f.startsWith("ca-"))) {
        const at = path.join(main, locale, file);
        const json = JSON.parse(fs.readFileSync(at, "utf8"));
        for (const calendar of Object.values(json.main[locale].dates.calendars)) {
          const intervals = calendar.dateTimeFormats && calendar.dateTimeFormats.intervalFormats;
          if (intervals && !intervals.intervalFormatRanges) intervals.intervalFormatRanges = {};
        }
        fs.writeFileSync(at, JSON.stringify(json));
      }
    }' "$cldr"
fi

"$datagen" --format baked --use-separate-crates --overwrite --pretty --no-internal-fallback --deduplication none \
  --cldr-root "$cldr/node_modules" \
  --markers "${MARKERS[@]}" \
  --locales "${LOCALES[@]}" \
  -o "$out"
echo "wrote $out ($(du -sh "$out" | cut -f1))"
