// The sealing module (browser/seal: share-seal's Rust as WebAssembly, behind seal.mjs), in Node and
// in Chromium: what it seals opens with its key (WebCrypto) into what share-seal seals, the local
// runner takes it (201), and a body the service would refuse is refused with the runner's own
// problem+json.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, resolve } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { launchBrowser, root, startApi, token } from './support.mjs';
import { SealRefused, loadSealer } from '../../browser/seal/seal.mjs';

const binDir = dirname(resolve(root, process.env.LOCAL_API_BIN || 'target/debug/local-api'));
const shareSealBin = resolve(binDir, 'share-seal');

/** The module as scripts/build-seal-wasm.sh builds it next to the runner (built here if missing). */
function wasmPath() {
  if (process.env.SEAL_WASM) return process.env.SEAL_WASM;
  const built = resolve(binDir, '../wasm32-unknown-unknown/browser/share_seal_wasm.wasm');
  if (existsSync(built)) return built;
  const env = { ...process.env, CARGO_TARGET_DIR: dirname(binDir) };
  return execFileSync(resolve(root, 'scripts/build-seal-wasm.sh'), { env, encoding: 'utf8' }).trim();
}

function fixture(name) {
  return JSON.parse(readFileSync(resolve(root, 'tests/fixtures', name), 'utf8'));
}

const graphBody = {
  title: 'Regulations MARKER-GRAPH',
  visibility: 'public',
  detail: 'full',
  view: 'week',
  timeZone: 'America/New_York',
  locale: 'de-DE',
  password: 'correct horse battery',
  format: 'msgraph',
  events: fixture('msgraph/calendar_view.json'),
};

const refusedBodies = {
  'a group bookmark': { ...graphBody, visibility: 'group' },
  'a zone that is none': { ...graphBody, timeZone: 'Mars/Olympus_Mons' },
  'a title of the wrong type': { ...graphBody, title: 5 },
  'JSON that is not': '{"title": "x",',
};

let api;
let sealer;
let wasm;

before(async () => {
  wasm = readFileSync(wasmPath());
  api = await startApi();
  sealer = await loadSealer(wasm);
});

after(async () => {
  await api?.stop();
});

async function post(body) {
  const response = await fetch(`${api.base}/shares`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token()}` },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, contentType: response.headers.get('content-type'), json: await response.json() };
}

/** Opens a sealed body with its key as a page would (WebCrypto, then raw DEFLATE). */
async function openSealed({ body, key }, envelope = sealer.boundEnvelope(body)) {
  const ciphertext = Buffer.from(body.sealed.ciphertext, 'base64url');
  const aesKey = await crypto.subtle.importKey('raw', Buffer.from(key, 'base64url'), 'AES-GCM', false, ['decrypt']);
  const plaintext = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: ciphertext.subarray(0, 12), additionalData: envelope },
    aesKey,
    ciphertext.subarray(12),
  );
  return JSON.parse(inflateRawSync(Buffer.from(plaintext)).toString('utf8'));
}

/** share-seal's answer: its output, or its exit status and the problem on stderr. */
function shareSeal(body) {
  const run = spawnSync(shareSealBin, [], { input: JSON.stringify(body), encoding: 'utf8' });
  if (run.error) throw new Error(`share-seal did not run (cargo build --bin share-seal): ${run.error.message}`);
  if (run.status === 0) return { sealed: JSON.parse(run.stdout) };
  return { status: run.status, problem: JSON.parse(run.stderr) };
}

/** A sealed body without its ciphertext (the one part two seals never share). */
function envelopeOf(body) {
  const { sealed, ...clear } = body;
  return { ...clear, sealed: { ...sealed, ciphertext: undefined } };
}

/** Events without their uids (keyed with a secret each seal draws and throws away). */
function withoutUids(content) {
  return { ...content, events: content.events.map(({ uid, ...event }) => event) };
}

describe('the sealing module in Node', () => {
  test('seals a Graph page into a body the runner takes, which opens with its key alone', async () => {
    const sealed = sealer.seal(graphBody);
    assert.deepEqual(Object.keys(sealed).sort(), ['body', 'fragment', 'key']);
    assert.match(sealed.key, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(sealed.fragment, `#k=${sealed.key}`);
    const { body } = sealed;
    assert.equal(body.events, undefined);
    assert.equal(body.format, undefined);
    assert.equal(body.title, undefined, 'no label was asked for');
    assert.deepEqual(
      { visibility: body.visibility, detail: body.detail, view: body.view, timeZone: body.timeZone, locale: body.locale, password: body.password },
      { visibility: 'public', detail: 'full', view: 'week', timeZone: 'America/New_York', locale: 'de-DE', password: 'correct horse battery' },
    );
    assert.match(body.range.start, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(body.sealed.v, 1);
    assert.ok(!JSON.stringify(body).includes('MARKER') && !JSON.stringify(body).includes('Regulations'));

    const content = await openSealed(sealed);
    assert.deepEqual(Object.keys(content).sort(), ['events', 'title', 'v']);
    assert.equal(content.v, 1);
    assert.equal(content.title, 'Regulations MARKER-GRAPH');
    assert.equal(content.events.length, body.sealed.eventCount);
    assert.ok(content.events.length > 0 && content.events.every((event) => event.uid && event.start && !event.source));

    const created = await post(body);
    assert.equal(created.status, 201, JSON.stringify(created.json));
    assert.equal(created.json.sealed, true);
    assert.equal(created.json.eventCount, body.sealed.eventCount);
    assert.ok(!created.json.url.includes('#') && !JSON.stringify(created.json).includes(sealed.key));
  });

  test('an envelope changed after sealing does not open', async () => {
    const sealed = sealer.seal(graphBody);
    const changed = sealer.boundEnvelope({ ...sealed.body, view: 'agenda' });
    await assert.rejects(openSealed(sealed, changed), { name: 'OperationError' });
  });

  test('seals as share-seal does: the same envelope, the same content', async () => {
    const labelled = sealer.seal(JSON.stringify(graphBody), { label: 'My rota' });
    const native = shareSeal(graphBody).sealed;
    assert.ok(native, 'share-seal seals the body');
    assert.deepEqual(envelopeOf(sealer.seal(graphBody).body), envelopeOf(native.body));
    assert.equal(labelled.body.title, 'My rota');
    assert.deepEqual(withoutUids(await openSealed(labelled)), withoutUids(await openSealed(native)));
  });

  test('two seals of one body share no key, nonce or ciphertext', () => {
    const [one, two] = [sealer.seal(graphBody), sealer.seal(graphBody)];
    assert.notEqual(one.key, two.key);
    const [a, b] = [one, two].map((sealed) => Buffer.from(sealed.body.sealed.ciphertext, 'base64url'));
    assert.notDeepEqual(a.subarray(0, 12), b.subarray(0, 12), 'a fresh nonce each time');
    assert.notDeepEqual(a, b);
  });

  test('a body the service would refuse is refused with the runner\'s problem+json', async () => {
    for (const [what, body] of Object.entries(refusedBodies)) {
      const answered = await post(body);
      assert.ok([400, 422].includes(answered.status), `${what}: the runner answered ${answered.status}`);
      assert.equal(answered.contentType, 'application/problem+json');
      let refusal;
      try {
        sealer.seal(body);
      } catch (error) {
        refusal = error;
      }
      assert.ok(refusal instanceof SealRefused && refusal instanceof Error, `${what}: refused`);
      assert.deepEqual(refusal.problem, answered.json, what);
      if (typeof body !== 'string') assert.deepEqual(shareSeal(body), { status: 1, problem: answered.json }, what);
    }
    // The runner takes a sealed body; sealing one again is refused at its pointer.
    assert.throws(() => sealer.seal(sealer.seal(graphBody).body), (error) =>
      error.problem.status === 422 && error.problem.errors[0].pointer === '/sealed');
  });
});

describe('the sealing module in Chromium', () => {
  let browser;
  let site;

  before(async () => {
    browser = await launchBrowser();
    const files = {
      '/': ['text/html', '<!doctype html><html lang="en"><title>Publisher</title><p>publishing app</p></html>'],
      '/seal.mjs': ['text/javascript', readFileSync(resolve(root, 'browser/seal/seal.mjs'))],
      '/share_seal_wasm.wasm': ['application/wasm', wasm],
    };
    site = createServer((request, response) => {
      const file = files[new URL(request.url, 'http://x').pathname];
      if (!file) return response.writeHead(404).end();
      response.writeHead(200, { 'content-type': file[0] }).end(file[1]);
    });
    await new Promise((listening) => site.listen(0, '127.0.0.1', listening));
  });

  after(async () => {
    await browser?.close();
    await new Promise((closed) => (site ? site.close(closed) : closed()));
  });

  test('a page seals with WebCrypto\'s randomness; the runner takes what it sealed', async () => {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(`http://127.0.0.1:${site.address().port}/`);
    const { sealed, problem } = await page.evaluate(async (body) => {
      const { loadSealer, SealRefused } = await import('/seal.mjs');
      const sealer = await loadSealer('/share_seal_wasm.wasm');
      try {
        sealer.seal({ ...body, visibility: 'me' });
        return {};
      } catch (error) {
        return { sealed: sealer.seal(body, { label: 'From the browser' }), problem: error instanceof SealRefused && error.problem };
      }
    }, graphBody);
    assert.deepEqual(errors, []);
    assert.equal(problem.status, 422);
    assert.equal(problem.errors[0].pointer, '/visibility');
    assert.equal(sealed.body.title, 'From the browser');
    assert.equal((await openSealed(sealed)).title, 'Regulations MARKER-GRAPH');
    const created = await post(sealed.body);
    assert.equal(created.status, 201, JSON.stringify(created.json));
    assert.equal(created.json.title, 'From the browser');
    await page.close();
  });
});
