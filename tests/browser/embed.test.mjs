// Embed origins in Chromium: two https sites on loopback (a self-signed certificate, names mapped to
// 127.0.0.1), one listed in the share's `embedOrigins`. The listed site frames the embed page; the
// other cannot; neither can frame the page itself.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser, openPage, publish, rotaEvents, screenshot, seriousViolations, sharePath, startApi } from './support.mjs';

let api;
let browser;
let certDir;
const sites = {};

/** An https site whose page frames `src` (set per test through the query string). */
async function startSite(name, cert) {
  const server = createServer(cert, (request, response) => {
    const query = new URL(request.url, 'https://x').searchParams;
    const src = query.get('src') || 'about:blank';
    const [width, height] = [Number(query.get('w')) || 800, Number(query.get('h')) || 600];
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html><title>${name}</title><h1>${name}</h1><iframe id="f" title="calendar" width="${width}" height="${height}" src="${src.replace(/"/g, '&quot;')}"></iframe>`);
  });
  await new Promise((listening) => server.listen(0, '127.0.0.1', listening));
  return { origin: `https://${name}:${server.address().port}`, server };
}

before(async () => {
  certDir = mkdtempSync(join(tmpdir(), 'embed-cert-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=allowed.test',
    '-addext', 'subjectAltName=DNS:allowed.test,DNS:other.test',
    '-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem')], { stdio: 'ignore' });
  const cert = { key: readFileSync(join(certDir, 'key.pem')), cert: readFileSync(join(certDir, 'cert.pem')) };
  sites.allowed = await startSite('allowed.test', cert);
  sites.other = await startSite('other.test', cert);
  api = await startApi();
  browser = await launchBrowser({ args: ['--host-resolver-rules=MAP allowed.test 127.0.0.1, MAP other.test 127.0.0.1'] });
});

after(async () => {
  await browser?.close();
  await api?.stop();
  for (const site of Object.values(sites)) site.server.close();
  if (certDir) rmSync(certDir, { recursive: true, force: true });
});

/** Opens `site`'s page framing `src` (`size` the frame's); returns the frame's text ('' if it was refused),
 * the console errors and what the frame shows of the page's controls. */
async function framed(site, src, name, size = [800, 600]) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1000, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(`${site.origin}/?src=${encodeURIComponent(src)}&w=${size[0]}&h=${size[1]}`, { waitUntil: 'load' });
  await page.waitForTimeout(300);
  const frame = page.frames().find((f) => f !== page.mainFrame());
  let text = '';
  let shown = {};
  try {
    if (frame && frame.url().startsWith(api.base)) {
      text = await frame.evaluate(() => document.body.innerText);
      shown = await frame.evaluate(() => ({
        zone: !!document.querySelector('.tzline'),
        controls: !!document.querySelector('.pager, .views, form.filters'),
        overflow: document.documentElement.scrollWidth > document.documentElement.clientWidth,
      }));
    }
  } catch {
    text = '';
  }
  await screenshot(page, name);
  await context.close();
  return { text, errors, shown };
}

test('only the listed origin frames the embed page, and nobody frames the page', async () => {
  const share = await publish(api.base, {
    title: 'Embedded rota', detail: 'limited', timeZone: 'America/New_York',
    range: { start: '2026-12-01', end: '2027-01-01' }, events: rotaEvents(), embedOrigins: [sites.allowed.origin],
  });
  assert.deepEqual(share.embedOrigins, [sites.allowed.origin]);
  const embed = `${api.base}${sharePath(share)}?embed=1&date=2026-12-03`;
  const page = `${api.base}${sharePath(share)}?date=2026-12-03`;

  const allowed = await framed(sites.allowed, embed, 'embed-allowed-origin');
  assert.match(allowed.text, /On call: Kim/, 'the listed site shows the calendar');
  assert.deepEqual(allowed.errors, []);

  const other = await framed(sites.other, embed, 'embed-other-origin');
  assert.doesNotMatch(other.text, /On call/, 'another site gets nothing');
  assert.ok(other.errors.some((e) => e.includes('frame-ancestors')), other.errors.join('\n'));

  for (const site of [sites.allowed, sites.other]) {
    const whole = await framed(site, page, `page-framed-by-${site.origin.split('//')[1].split(':')[0]}`);
    assert.doesNotMatch(whole.text, /On call/, 'the page itself is never framed');
  }
});

test('without embedOrigins any site frames the embed page', async () => {
  const share = await publish(api.base, {
    title: 'Open rota', detail: 'limited', timeZone: 'America/New_York',
    range: { start: '2026-12-01', end: '2027-01-01' }, events: rotaEvents(),
  });
  const other = await framed(sites.other, `${api.base}${sharePath(share)}?embed=1&date=2026-12-03`, 'embed-any-origin');
  assert.match(other.text, /On call: Kim/);
});

test('an embed without its header and controls fits a small frame and a large one', async () => {
  const share = await publish(api.base, {
    title: 'Bare rota', detail: 'limited', timeZone: 'America/New_York',
    range: { start: '2026-12-01', end: '2027-01-01' }, events: rotaEvents(),
  });
  const bare = `${api.base}${sharePath(share)}?embed=1&header=0&controls=0&view=agenda&date=2026-12-03`;
  for (const [width, height] of [[320, 480], [800, 600]]) {
    const framedBare = await framed(sites.other, bare, `embed-bare-${width}x${height}`, [width, height]);
    assert.match(framedBare.text, /On call: Kim/);
    assert.deepEqual(framedBare.shown, { zone: false, controls: false, overflow: false }, `${width}x${height}`);
    assert.deepEqual(framedBare.errors, []);
  }
  const withControls = await framed(sites.other, bare.replace('&controls=0', ''), 'embed-no-header-800x600');
  assert.deepEqual({ zone: withControls.shown.zone, controls: withControls.shown.controls }, { zone: false, controls: true });
  const { page } = await openPage(browser, { width: 320, height: 480 });
  await page.goto(bare);
  assert.deepEqual(await seriousViolations(page), []);
  await page.goto(bare.replace('view=agenda', 'view=month'));
  const eventLink = await page.locator('a', { hasText: 'On call: Kim' }).first().getAttribute('href');
  assert.match(eventLink, /embed=1&header=0&controls=0/, 'links inside keep the options');
});
