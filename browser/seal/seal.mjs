// Sealing for a publishing web app: `share-seal`'s Rust, compiled to WebAssembly (browser/seal),
// behind one call. An ES module for browsers and Node ≥ 20; the key, nonce and uid secret come
// from WebCrypto (`crypto.getRandomValues`), which the module asks for through `env.browser_random`.
//
//   const sealer = await loadSealer(new URL('share_seal_wasm.wasm', import.meta.url));
//   const { body, key, fragment } = sealer.seal(publishBody); // POST body; link = share.url + fragment

/** Refused as the service would refuse the body: `problem` is its problem+json. */
export class SealRefused extends Error {
  constructor(problem) {
    super(`${problem.title}: ${problem.detail}`);
    this.name = 'SealRefused';
    this.problem = problem;
  }
}

// getRandomValues fills at most 65,536 bytes a call.
const RANDOM_CHUNK = 65536;

/**
 * Loads the module from its bytes (an ArrayBuffer or typed array), a compiled WebAssembly.Module,
 * a fetch Response, or a URL to fetch; resolves to `{ seal, boundEnvelope }`.
 */
export async function loadSealer(source) {
  let memory;
  const imports = {
    env: {
      browser_random(ptr, len) {
        for (let at = 0; at < len; at += RANDOM_CHUNK) {
          globalThis.crypto.getRandomValues(new Uint8Array(memory.buffer, (ptr >>> 0) + at, Math.min(RANDOM_CHUNK, len - at)));
        }
      },
    },
  };
  const instance = await instantiate(source, imports);
  const exports = instance.exports;
  memory = exports.memory;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();

  /** Copies `text` into the module's memory; the caller frees it. */
  function copyIn(text) {
    const bytes = encoder.encode(text);
    const ptr = exports.alloc(bytes.length) >>> 0;
    new Uint8Array(memory.buffer, ptr, bytes.length).set(bytes);
    return [ptr, bytes.length];
  }

  /** An answer's bytes (address low, length high), freed: the JSON, or a SealRefused thrown. */
  function readAnswer(packed) {
    const ptr = Number(packed & 0xffffffffn);
    const len = Number(packed >> 32n);
    const bytes = new Uint8Array(memory.buffer, ptr, len).slice();
    exports.dealloc(ptr, len);
    const content = bytes.subarray(1);
    if (bytes[0] !== 0) throw new SealRefused(JSON.parse(decoder.decode(content)));
    return content;
  }

  function withBody(publishBody, call) {
    const [ptr, len] = copyIn(typeof publishBody === 'string' ? publishBody : JSON.stringify(publishBody));
    try {
      return readAnswer(call(ptr, len));
    } finally {
      exports.dealloc(ptr, len);
    }
  }

  return {
    /**
     * Seals a publish body (an object or its JSON text): `{ body, key, fragment }`, as share-seal
     * prints it. `label` is kept as the share's title in the owner's lists (never on the page).
     * Throws SealRefused (with `problem`) for a body the service would refuse.
     */
    seal(publishBody, { label } = {}) {
      const answer = withBody(publishBody, (ptr, len) => {
        if (label === undefined || label === null) return exports.seal(ptr, len, 0, 0, Date.now());
        const [labelPtr, labelLen] = copyIn(String(label));
        try {
          return exports.seal(ptr, len, labelPtr, labelLen, Date.now());
        } finally {
          exports.dealloc(labelPtr, labelLen);
        }
      });
      return JSON.parse(decoder.decode(answer));
    },
    /** The AES-GCM additional data a sealed body's ciphertext is bound to (a Uint8Array). */
    boundEnvelope(sealedBody) {
      return withBody(sealedBody, (ptr, len) => exports.bound_envelope(ptr, len, Date.now()));
    },
  };
}

async function instantiate(source, imports) {
  if (source instanceof WebAssembly.Module) return WebAssembly.instantiate(source, imports);
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    return (await WebAssembly.instantiate(source, imports)).instance;
  }
  const response = source instanceof Response ? source : await fetch(source);
  if (!response.ok) throw new Error(`the sealing module could not be fetched: ${response.status}`);
  if (response.headers.get('content-type')?.startsWith('application/wasm')) {
    return (await WebAssembly.instantiateStreaming(response, imports)).instance;
  }
  return (await WebAssembly.instantiate(await response.arrayBuffer(), imports)).instance;
}
