// A sealed share's page: the key from the link's fragment (never sent anywhere), the ciphertext from
// /s/{id}/sealed, WebCrypto to decrypt it, and the service's own renderer (sealed_page.wasm) to turn
// it into the page the service would render for an unsealed share. Navigation keeps the fragment.

const shell = document.getElementById('sealed');

function show(state) {
  for (const message of shell.querySelectorAll('[data-state]')) message.hidden = message.dataset.state !== state;
  document.documentElement.dataset.sealedPage = state;
}

/** The key in `#k=…` (base64url, 32 bytes), or null. */
function keyFromFragment(fragment) {
  const value = new URLSearchParams(fragment.replace(/^#/, '')).get('k');
  if (!value) return null;
  if (!/^[A-Za-z0-9_-]{43}=?$/.test(value)) return new Uint8Array(0);
  return fromBase64Url(value.replace(/=$/, ''));
}

function fromBase64Url(text) {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The renderer: plain WebAssembly with a C ABI (browser/page/src/lib.rs). */
async function loadRenderer(url) {
  let memory;
  const imports = {
    env: {
      browser_random(pointer, length) {
        crypto.getRandomValues(new Uint8Array(memory.buffer, pointer, length));
      },
    },
  };
  const { instance } = await WebAssembly.instantiateStreaming(fetch(url), imports);
  const wasm = instance.exports;
  memory = wasm.memory;
  const put = (bytes) => {
    const pointer = wasm.alloc(bytes.length);
    new Uint8Array(memory.buffer, pointer, bytes.length).set(bytes);
    return [pointer, bytes.length];
  };
  const output = () => new Uint8Array(memory.buffer, wasm.output_ptr(), wasm.output_len()).slice();
  const utf8 = new TextEncoder();
  return {
    additionalData(envelope) {
      const outcome = wasm.additional_data(...put(utf8.encode(JSON.stringify(envelope))));
      return outcome === 0 ? output() : null;
    },
    render(request, plaintext) {
      const outcome = wasm.render(...put(utf8.encode(JSON.stringify(request))), ...put(plaintext));
      return outcome === 0 ? new TextDecoder().decode(output()) : null;
    },
  };
}

/** Puts the rendered page in place of the shell: its language, title and body. */
function showPage(html) {
  const page = new DOMParser().parseFromString(html, 'text/html');
  document.documentElement.lang = page.documentElement.lang;
  document.title = page.title;
  for (const attribute of page.body.attributes) document.body.setAttribute(attribute.name, attribute.value);
  document.body.replaceChildren(...page.body.childNodes);
  keepTheKey();
}

/** Links and forms to this page keep the fragment, so the next view opens too. */
function keepTheKey() {
  const here = location.pathname;
  for (const link of document.querySelectorAll('a[href]')) {
    const target = new URL(link.getAttribute('href'), location.href);
    if (link.getAttribute('href').startsWith('#')) {
      // In-page links (the skip link) move focus instead of replacing the fragment.
      link.addEventListener('click', (event) => {
        const element = document.getElementById(link.getAttribute('href').slice(1));
        if (!element) return;
        event.preventDefault();
        if (!element.hasAttribute('tabindex')) element.setAttribute('tabindex', '-1');
        element.focus();
      });
    } else if (target.origin === location.origin && target.pathname === here) {
      link.href = target.pathname + target.search + location.hash;
    }
  }
  document.addEventListener('submit', (event) => {
    const form = event.target;
    const action = new URL(form.getAttribute('action') || location.href, location.href);
    if (form.method !== 'get' || action.origin !== location.origin || action.pathname !== here) return;
    event.preventDefault();
    const query = new URLSearchParams(new FormData(form, event.submitter));
    location.assign(`${here}?${query}${location.hash}`);
  });
}

async function open() {
  if (!window.isSecureContext || !crypto.subtle) return show('insecure');
  const keyBytes = keyFromFragment(location.hash);
  if (!keyBytes) return show('no-key');
  show('opening');
  const [answer, renderer] = await Promise.all([
    fetch(`/s/${encodeURIComponent(shell.dataset.share)}/sealed`, { credentials: 'same-origin' }),
    loadRenderer(shell.dataset.renderer),
  ]);
  if (!answer.ok) return show('unreadable');
  const sealed = await answer.json();
  performance.mark('sealed-page:ciphertext');
  const additionalData = renderer.additionalData(sealed.envelope);
  if (!additionalData || keyBytes.length !== 32) return show(additionalData ? 'wrong-key' : 'unreadable');
  const ciphertext = fromBase64Url(sealed.ciphertext);
  let plaintext;
  try {
    const key = await crypto.subtle.importKey('raw', keyBytes, 'AES-GCM', false, ['decrypt']);
    const iv = ciphertext.subarray(0, 12);
    plaintext = await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData }, key, ciphertext.subarray(12));
  } catch {
    return show('wrong-key');
  }
  const html = renderer.render(
    {
      shareId: shell.dataset.share,
      envelope: sealed.envelope,
      display: sealed.display,
      openOn: sealed.openOn,
      query: [...new URLSearchParams(location.search)],
      languages: [...navigator.languages],
      nowMs: Date.now(),
    },
    new Uint8Array(plaintext),
  );
  if (html === null) return show('unreadable');
  showPage(html);
  performance.mark('sealed-page:rendered');
  document.documentElement.dataset.sealedPage = 'rendered';
}

// A key pasted into the address bar after the page opened (a fragment change does not reload).
window.addEventListener('hashchange', () => location.reload());
open().catch(() => show('unreadable'));
