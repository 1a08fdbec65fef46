// A sealed share in Chromium: the page decrypts with the link's key and renders what the service
// renders for the same content unsealed (every view, the details, a language, dark); navigation keeps
// the key; the key is in no request the page makes; a missing or wrong key, an envelope changed after
// sealing, a ciphertext that does not authenticate and an insecure origin each get their message and
// no calendar.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { launchBrowser, openPage, publish, rotaEvents, root, screenshot, seriousViolations, sharePath, startApi } from './support.mjs';

const sealTool = resolve(dirname(resolve(root, process.env.LOCAL_API_BIN || 'target/debug/local-api')), 'share-seal');

const BODY = {
  visibility: 'public',
  format: 'normalized',
  title: 'Support rota',
  detail: 'full',
  view: 'month',
  timeZone: 'America/New_York',
  range: { start: '2026-12-01', end: '2027-01-01' },
  events: rotaEvents(),
};

/** `share-seal`'s answer for a publish body: `{body, key, fragment}`. */
function seal(body) {
  return JSON.parse(execFileSync(sealTool, [], { input: JSON.stringify(body), encoding: 'utf8' }));
}

let api;
let browser;
let plain;
let sealed;
let link;

before(async () => {
  api = await startApi();
  browser = await launchBrowser();
  plain = await publish(api.base, BODY);
  sealed = seal(BODY);
  const share = await publish(api.base, sealed.body);
  assert.equal(share.sealed, true);
  link = `${api.base}${sharePath(share)}`;
  sealed.share = share;
});

after(async () => {
  await browser?.close();
  await api?.stop();
});

/** Opens a sealed page and waits until its script settles (rendered or a message). */
async function openSealed(page, url) {
  const response = await page.goto(url);
  await page.waitForFunction(() => ['rendered', 'no-key', 'wrong-key', 'unreadable', 'insecure'].includes(document.documentElement.dataset.sealedPage));
  return { response, state: await page.evaluate(() => document.documentElement.dataset.sealedPage) };
}

/** What a reader sees of the page, and its structure: the text of the header and the calendar,
 * and every element's tag and class in them (links compared by their query alone), but for what
 * only a share with a feed offers. */
async function seen(page) {
  return page.evaluate(() => {
    // What only a share with a feed offers (a sealed share has none): "Add to my calendar".
    for (const feedOnly of document.querySelectorAll('.add-event')) feedOnly.remove();
    const parts = [...document.querySelectorAll('header.top h1, header.top .tzline, main')];
    const shape = (element) =>
      [...element.querySelectorAll('*')].map((e) => `${e.tagName}.${e.className}${e.tagName === 'A' ? search(e) : ''}`);
    // Event keys derive from uids, which sealing keys with a secret of its own: compared by presence.
    const search = (link) => new URL(link.href).search.replace(/event=[0-9a-f]+/, 'event=…');
    return {
      title: document.title,
      lang: document.documentElement.lang,
      text: parts.map((part) => part.innerText),
      structure: parts.flatMap(shape),
    };
  });
}

describe('a sealed share in the browser', () => {
  test('renders the page the service renders for the same content, in every view', async () => {
    const { page, problems } = await openPage(browser);
    const other = await openPage(browser);
    for (const query of ['?date=2026-12-01', '?view=week&date=2026-12-03', '?view=day&date=2026-12-03', '?view=agenda&date=2026-12-01', '?date=2026-12-01&lang=de', '?date=2026-12-01&resource=Tier%202']) {
      const { state } = await openSealed(page, `${link}${query}${sealed.fragment}`);
      assert.equal(state, 'rendered', query);
      await other.page.goto(`${api.base}${sharePath(plain)}${query}`);
      assert.deepEqual(await seen(page), await seen(other.page), query);
    }
    // The details of one event, reached by its link on the sealed page.
    await openSealed(page, `${link}?date=2026-12-01${sealed.fragment}`);
    const eventLink = page.locator('a', { hasText: 'Handover' }).first();
    const href = await eventLink.getAttribute('href');
    assert.ok(href.endsWith(sealed.fragment), `links keep the key: ${href}`);
    await Promise.all([page.waitForURL(/event=/), eventLink.click()]);
    await page.waitForFunction(() => document.documentElement.dataset.sealedPage === 'rendered');
    assert.ok(page.url().endsWith(sealed.fragment));
    await other.page.goto(`${api.base}${sharePath(plain)}?date=2026-12-01`);
    await Promise.all([other.page.waitForURL(/event=/), other.page.locator('a', { hasText: 'Handover' }).first().click()]);
    assert.deepEqual(await seen(page), await seen(other.page), 'the details view');
    assert.match(await page.textContent('main'), /Desk 4|Handover/);
    assert.deepEqual(problems, { console: [], errors: [], dialogs: [] });
  });

  test('offers no feed, is axe-clean, and fits a phone and a desktop, light and dark', async () => {
    for (const [width, colorScheme] of [[390, 'light'], [1280, 'dark']]) {
      const { page, problems } = await openPage(browser, { width, height: 900, colorScheme });
      const { response, state } = await openSealed(page, `${link}?date=2026-12-01${sealed.fragment}`);
      assert.equal(state, 'rendered');
      const csp = response.headers()['content-security-policy'];
      assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
      assert.ok(!csp.includes('unsafe-inline') && !/'unsafe-eval'/.test(csp), csp);
      assert.equal(await page.locator('a[href*="calendar.ics"], a[href^="webcal:"], .subscribe').count(), 0);
      assert.deepEqual(await seriousViolations(page), []);
      await screenshot(page, `sealed-${width}-${colorScheme}`);
      assert.deepEqual(problems, { console: [], errors: [], dialogs: [] });
    }
  });

  test('the filters and the language switch keep the key', async () => {
    const { page } = await openPage(browser);
    await openSealed(page, `${link}?date=2026-12-01${sealed.fragment}`);
    await page.selectOption('#f-lang', 'fr');
    await Promise.all([page.waitForURL(/lang=fr/), page.locator('#f-lang').locator('xpath=ancestor::form').locator('button').click()]);
    await page.waitForFunction(() => document.documentElement.dataset.sealedPage === 'rendered');
    assert.ok(page.url().endsWith(sealed.fragment), page.url());
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'fr');
    await page.focus('a.skip');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'cal');
    assert.ok(page.url().endsWith(sealed.fragment), 'the skip link moves focus, not the fragment');
  });

  test('the key is in no request the page makes', async () => {
    const { page, context } = await openPage(browser);
    const seenRequests = [];
    context.on('request', (request) => seenRequests.push(request));
    await openSealed(page, `${link}?view=week&date=2026-12-03${sealed.fragment}`);
    await page.locator('nav.views a').first().click();
    await page.waitForFunction(() => document.documentElement.dataset.sealedPage === 'rendered');
    const paths = seenRequests.map((request) => new URL(request.url()).pathname);
    assert.ok(paths.some((path) => path.endsWith('/sealed')) && paths.some((path) => path.endsWith('.wasm')), paths.join(' '));
    for (const request of seenRequests) {
      const headers = JSON.stringify(await request.allHeaders());
      const body = request.postData() || '';
      for (const where of [request.url(), headers, body]) assert.ok(!where.includes(sealed.key), `${request.url()} carries the key`);
    }
  });

  test('a missing or wrong key, a changed envelope or ciphertext: a message and no calendar', async () => {
    const otherKey = seal(BODY).fragment;
    const changedEnvelope = await publish(api.base, { ...sealed.body, view: 'agenda' });
    const bytes = Buffer.from(sealed.body.sealed.ciphertext, 'base64url');
    bytes[40] ^= 1;
    const changedCiphertext = await publish(api.base, { ...sealed.body, sealed: { ...sealed.body.sealed, ciphertext: bytes.toString('base64url') } });
    const cases = [
      [link, 'no-key'],
      [`${link}#k=short`, 'wrong-key'],
      [`${link}${otherKey}`, 'wrong-key'],
      [`${api.base}${sharePath(changedEnvelope)}${sealed.fragment}`, 'wrong-key'],
      [`${api.base}${sharePath(changedCiphertext)}${sealed.fragment}`, 'wrong-key'],
    ];
    const { page, problems } = await openPage(browser, { locale: 'de-DE' });
    for (const [url, expected] of cases) {
      const { state } = await openSealed(page, url);
      assert.equal(state, expected, url);
      const message = page.locator(`[data-state="${expected}"]`);
      assert.ok(await message.isVisible());
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'de');
      assert.equal(await page.locator('main#cal').count(), 0);
      assert.ok(!(await page.textContent('body')).includes('Handover'));
    }
    await screenshot(page, 'sealed-wrong-key');
    assert.deepEqual(problems.errors, []);
  });

  test('an origin that is not secure cannot decrypt, and says why', async () => {
    const port = new URL(api.base).port;
    const insecure = await launchBrowser({ args: ['--host-resolver-rules=MAP calendar.invalid 127.0.0.1'] });
    try {
      const { page } = await openPage(insecure);
      const { state } = await openSealed(page, `http://calendar.invalid:${port}${sharePath(sealed.share)}${sealed.fragment}`);
      assert.equal(state, 'insecure');
      assert.match(await page.textContent('[data-state="insecure"]'), /https/);
    } finally {
      await insecure.close();
    }
  });
});
