// The console (/console) in Chromium on the real runner: the development sign-in as a publisher and
// as an admin, every task through the page (publish a file, rotate, password, expiry, QR code, copy,
// revoke; the policy, people, disable and re-enable, revoke all of a user's shares), one task by
// keyboard alone, 390 and 1280 px in light and dark, axe-clean, no request to another origin, the
// console's headers, and the development sign-in refused to a Host that is not this machine.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import http from 'node:http';
import { dirname, resolve } from 'node:path';
import { horizontalOverflow, launchBrowser, openPage, publish, root, screenshot, seriousViolations, startApi, token } from './support.mjs';

const ICS = resolve(root, 'tests/fixtures/console/rota.ics');
const apiBin = resolve(root, process.env.LOCAL_API_BIN || 'target/debug/local-api');
const sealTool = resolve(dirname(apiBin), 'share-seal');

let api;
let browser;

before(async () => {
  api = await startApi();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await api?.stop();
});

function shareBody(title) {
  return {
    title,
    visibility: 'public',
    detail: 'limited',
    view: 'month',
    timeZone: 'America/New_York',
    range: { start: '2026-12-01', end: '2027-01-01' },
    events: [{ id: `${title}-1`, title: 'On call: Kim', start: '2026-12-03T09:00:00-05:00', end: '2026-12-03T17:00:00-05:00', showAs: 'busy' }],
  };
}

const publishAs = (user, title) => publish(api.base, shareBody(title), token(user));

/** The status of a share's page (no redirects followed). */
async function statusOf(url) {
  const response = await fetch(url.replace(/^https?:\/\/[^/]+/, api.base), { redirect: 'manual' });
  return response.status;
}

/** A raw request with a Host header of our choosing (fetch does not let one set it). */
function rawRequest(method, path, host, body, headers = {}) {
  const { hostname, port } = new URL(api.base);
  return new Promise((done, fail) => {
    const request = http.request({ hostname, port, method, path, headers: { host, 'content-type': 'application/json', ...headers } }, (response) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => done({ status: response.statusCode, text }));
    });
    request.on('error', fail);
    request.end(body);
  });
}

/** The console in a fresh context, with every request the page makes recorded. */
async function openConsole(options = {}) {
  const opened = await openPage(browser, options);
  const requests = [];
  opened.page.on('request', (request) => requests.push(request.url()));
  const response = await opened.page.goto(`${api.base}/console`);
  assert.equal(response.status(), 200);
  await opened.page.waitForSelector('#dev-sign-in:not([hidden])');
  return { ...opened, requests };
}

/** What Chromium logs besides real problems: the console asks GET /settings once to learn whether
 * the user is an admin (by role or by the group's list), and a member's 403 is logged. */
function realProblems(problems, ...expected) {
  const noise = ['status of 403', ...expected.map((status) => `status of ${status}`)];
  return { ...problems, console: problems.console.filter((message) => !noise.some((n) => message.includes(n))) };
}

/** Every request went to the console's own origin (the runner serves the API there too). */
function assertSameOrigin(requests) {
  const origin = new URL(api.base).origin;
  const elsewhere = requests.filter((url) => !url.startsWith('data:') && new URL(url).origin !== origin);
  assert.deepEqual(elsewhere, []);
  assert.ok(requests.length > 0);
}

async function signIn(page, user, { admin = false } = {}) {
  await page.fill('#dev-user', user);
  await page.fill('#dev-email', `${user}@example.com`);
  await page.fill('#dev-group', 'contoso');
  await page.setChecked('#dev-admin', admin);
  await page.click('#dev-sign-in button[type=submit]');
  await page.waitForSelector('#view-shares:not([hidden])');
  await page.waitForFunction(() => document.querySelector('#sharing-standing').textContent !== '');
}

const card = (page, title, list = '#share-list') => page.locator(`${list} li.share`).filter({ has: page.getByRole('heading', { name: title, exact: true }) });

async function confirmDialog(page) {
  await page.waitForSelector('#dialog[open]');
  await page.click('#dialog-ok');
  await page.waitForSelector('#dialog:not([open])', { state: 'attached' });
}

async function statusText(page, pattern) {
  await page.waitForFunction((source) => new RegExp(source).test(document.querySelector('#status').textContent), pattern.source);
  return page.textContent('#status');
}

describe('the console', () => {
  test('its answers carry COOP, the Trusted Types CSP and no frame; the dev sign-in is for this machine only', async () => {
    for (const path of ['/console', '/console/console.js', '/console/config.json', '/console/missing.js']) {
      const response = await fetch(`${api.base}${path}`);
      assert.equal(response.headers.get('cross-origin-opener-policy'), 'same-origin', path);
      const policy = response.headers.get('content-security-policy');
      for (const directive of ["default-src 'none'", "script-src 'self'", "frame-ancestors 'none'", "require-trusted-types-for 'script'", "trusted-types 'none'", "base-uri 'none'"]) {
        assert.ok(policy.split('; ').includes(directive), `${path}: ${directive} in ${policy}`);
      }
      assert.ok(!policy.includes('unsafe'), policy);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
    }
    const port = new URL(api.base).port;
    const body = JSON.stringify({ user: 'mallory', group: 'contoso', admin: true });
    for (const host of [`evil.example:${port}`, 'evil.example', `127.0.0.1.nip.io:${port}`, `10.0.0.5:${port}`]) {
      const refused = await rawRequest('POST', '/console/dev-sign-in', host, body);
      assert.equal(refused.status, 404, host);
      assert.ok(!refused.text.includes('token'), refused.text);
      const config = JSON.parse((await rawRequest('GET', '/console/config.json', host)).text);
      assert.equal(config.devSignIn, false, host);
    }
    const loopback = `127.0.0.1:${port}`;
    for (const [name, value] of [['x-forwarded-for', '203.0.113.9'], ['forwarded', 'for=203.0.113.9'], ['origin', 'https://evil.example']]) {
      const refused = await rawRequest('POST', '/console/dev-sign-in', loopback, body, { [name]: value });
      assert.equal(refused.status, 404, `through a proxy or from another site (${name})`);
    }
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`]) {
      const minted = await rawRequest('POST', '/console/dev-sign-in', host, body);
      assert.equal(minted.status, 200, host);
      assert.match(JSON.parse(minted.text).token, /^ey/);
    }
    const notJson = await fetch(`${api.base}/console/dev-sign-in`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
    assert.equal(notJson.status, 400, 'a cross-site form post cannot mint a token');
  });

  test('a runner bound to all interfaces offers no development sign-in, even to localhost', async () => {
    const keys = { LOCAL_API_SECRET: 'a'.repeat(64), SHARE_COOKIE_KEY: 'b'.repeat(64), SOURCE_ID_KEY: 'c'.repeat(64) };
    const child = spawn(apiBin, ['--addr', '0.0.0.0:0', '--memory'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...keys, RUST_LOG: 'warn' } });
    try {
      const port = await new Promise((done, fail) => {
        let stdout = '';
        child.stdout.on('data', (chunk) => {
          stdout += chunk;
          const match = stdout.match(/local-api listening on http:\/\/\S+:(\d+)/);
          if (match) done(match[1]);
        });
        child.on('exit', (code) => fail(new Error(`local-api exited with ${code}`)));
      });
      const config = await (await fetch(`http://localhost:${port}/console/config.json`)).json();
      assert.equal(config.devSignIn, false);
      const refused = await fetch(`http://127.0.0.1:${port}/console/dev-sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"user":"kim","group":"contoso"}' });
      assert.equal(refused.status, 404);
    } finally {
      child.removeAllListeners('exit');
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    }
  });

  test('a publisher publishes an .ics file, and problems show as words', async () => {
    const { page, context, problems, requests } = await openConsole();
    await signIn(page, 'pat');
    await page.click('#nav a[data-view=publish]');
    await page.waitForSelector('#view-publish:not([hidden])');
    await page.setInputFiles('#publish-file', ICS);
    await page.fill('#publish-title', 'Rota from a file');
    await page.selectOption('#publish-detail', 'limited');
    await page.fill('#publish-zone', 'Mars/Olympus');
    await page.click('#publish-form button[type=submit]');
    await page.waitForSelector('#alert:not([hidden])');
    const alert = await page.textContent('#alert');
    assert.ok(alert.length > 10 && !alert.includes('{'), alert);

    await page.fill('#publish-zone', 'America/New_York');
    await page.fill('#publish-start', '2026-12-01');
    await page.fill('#publish-end', '2027-01-01');
    await page.click('#publish-form button[type=submit]');
    await page.waitForSelector('#published:not([hidden])');
    const link = await page.getAttribute('#published-link', 'href');
    assert.match(await page.textContent('#published-count'), /2 events published/);
    const opened = await context.newPage();
    assert.equal((await opened.goto(link.replace(/^https?:\/\/[^/]+/, api.base))).status(), 200);
    assert.match(await opened.textContent('body'), /On call: Kim/);
    await opened.close();

    await page.click('#nav a[data-view=shares]');
    await card(page, 'Rota from a file').waitFor();
    assertSameOrigin(requests);
    assert.deepEqual(realProblems(problems, 422), { console: [], errors: [], dialogs: [] });
    await context.close();
  });

  test('a publisher rotates, sets and removes a password, changes the expiry, copies and shows the QR code', async () => {
    const share = await publishAs('kim', 'Support rota');
    const { page, context, problems, requests } = await openConsole();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(api.base).origin });
    await signIn(page, 'kim');
    const rota = card(page, 'Support rota');
    await rota.waitFor();
    assert.match(await rota.textContent(), /StateLive/);
    assert.match(await rota.textContent(), /PasswordNo/);
    assert.match(await rota.textContent(), /SealedNo/);

    await rota.getByRole('button', { name: /^Copy link/ }).click();
    await statusText(page, /copied/);
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), share.url);

    await rota.getByRole('button', { name: /^QR code/ }).click();
    await page.waitForSelector('#dialog[open] img.qr');
    await page.waitForFunction(() => document.querySelector('#dialog img.qr').naturalWidth > 0);
    await screenshot(page, 'console-qr-code');
    await confirmDialog(page);

    await rota.getByRole('button', { name: /^New link/ }).click();
    await confirmDialog(page);
    await statusText(page, /has a new link/);
    assert.equal(await statusOf(share.url), 404, 'the old link is dead');
    const [rotated] = (await (await fetch(`${api.base}/shares`, { headers: { authorization: `Bearer ${token('kim')}` } })).json()).shares;
    assert.notEqual(rotated.id, share.id);
    assert.equal(await statusOf(rotated.url), 200);
    assert.equal(await card(page, 'Support rota').getAttribute('data-id'), rotated.id);

    await card(page, 'Support rota').getByRole('button', { name: /^Set password/ }).click();
    await page.fill('#dialog-password', 'correct horse battery');
    await confirmDialog(page);
    await statusText(page, /asks for a password/);
    assert.match(await card(page, 'Support rota').textContent(), /PasswordYes/);
    const locked = await context.newPage();
    assert.equal((await locked.goto(rotated.url.replace(/^https?:\/\/[^/]+/, api.base))).status(), 401);
    assert.equal(await locked.locator('form input[type=password]').count(), 1, 'the page asks for the password');
    await locked.close();

    await card(page, 'Support rota').getByRole('button', { name: /^Change expiry/ }).click();
    await page.fill('#dialog-expiry', '2026-12-24');
    await confirmDialog(page);
    await statusText(page, /expires on/);
    assert.doesNotMatch(await card(page, 'Support rota').textContent(), /ExpiresNever/);

    await card(page, 'Support rota').getByRole('button', { name: /^Remove password/ }).click();
    await confirmDialog(page);
    await statusText(page, /no longer asks/);
    assert.equal(await statusOf(rotated.url), 200);
    await screenshot(page, 'console-my-shares');

    assertSameOrigin(requests);
    assert.deepEqual(realProblems(problems, 401), { console: [], errors: [], dialogs: [] });
    await context.close();
  });

  test('a sealed share says its links carry no key; the list shows every share’s facts', async () => {
    const sealed = JSON.parse(execFileSync(sealTool, ['--label', 'Sealed rota'], { input: JSON.stringify({ ...shareBody('Sealed rota'), format: 'normalized' }), encoding: 'utf8' }));
    await publish(api.base, sealed.body, token('noor'));
    await publish(api.base, { ...shareBody('Locked rota'), password: 'correct horse battery', expiresAt: '2027-01-31T00:00:00Z' }, token('noor'));
    await publishAs('noor', 'Support rota');
    const { page, context, problems, requests } = await openConsole();
    await signIn(page, 'noor');
    const sealedCard = card(page, 'Sealed rota');
    await sealedCard.waitFor();
    const text = await sealedCard.textContent();
    assert.match(text, /SealedYes/);
    assert.match(text, /carries none/);
    assert.doesNotMatch(await sealedCard.locator('a').getAttribute('href'), /#/);
    assert.equal(await sealedCard.getByRole('button', { name: /^QR code/ }).count(), 0, 'no QR code without the key');
    const locked = await card(page, 'Locked rota').textContent();
    assert.match(locked, /PasswordYes/);
    assert.doesNotMatch(locked, /ExpiresNever/);
    await screenshot(page, 'console-readme');
    assertSameOrigin(requests);
    assert.deepEqual(realProblems(problems), { console: [], errors: [], dialogs: [] });
    await context.close();
  });

  test('My shares pages through more than 100 shares', async () => {
    const bearer = token('many');
    await Promise.all(Array.from({ length: 101 }, (_, i) => publish(api.base, shareBody(`Paged rota ${i}`), bearer)));
    const { page, context, problems } = await openConsole();
    await signIn(page, 'many');
    await page.waitForSelector('#shares-more:not([hidden])');
    assert.equal(await page.locator('#share-list li.share').count(), 100);
    await page.click('#shares-more');
    await page.waitForSelector('#shares-more', { state: 'hidden' });
    assert.equal(await page.locator('#share-list li.share').count(), 101);
    assert.deepEqual(realProblems(problems), { console: [], errors: [], dialogs: [] });
    await context.close();
  });

  test('keyboard alone: sign in and revoke a share, with a visible focus ring', async () => {
    const share = await publishAs('lee', 'Keyboard rota');
    const { page, context, problems, requests } = await openConsole();
    const focused = () => page.evaluate(() => ({ id: document.activeElement.id, text: document.activeElement.textContent.trim(), outline: getComputedStyle(document.activeElement).outlineStyle }));
    const tabTo = async (matches, limit = 60) => {
      for (let i = 0; i < limit; i += 1) {
        await page.keyboard.press('Tab');
        const now = await focused();
        if (matches(now)) return now;
      }
      throw new Error('never reached by Tab');
    };
    const user = await tabTo((now) => now.id === 'dev-user');
    assert.notEqual(user.outline, 'none', 'focus is visible');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('lee');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('lee@example.com');
    await tabTo((now) => now.text === 'Sign in');
    await page.keyboard.press('Enter');
    await card(page, 'Keyboard rota').waitFor();

    const revoke = await tabTo((now) => now.text.startsWith('Revoke') && now.text.includes('Keyboard rota'));
    assert.notEqual(revoke.outline, 'none', 'focus is visible');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#dialog[open]');
    assert.equal((await focused()).id, 'dialog-cancel', 'a destructive dialog starts on Cancel');
    await page.keyboard.press('Tab');
    assert.equal((await focused()).id, 'dialog-ok');
    await page.keyboard.press('Enter');
    await statusText(page, /is revoked/);
    assert.equal(await card(page, 'Keyboard rota').count(), 0);
    assert.equal((await focused()).text, 'My shares', 'focus moves to the list’s heading, not the page’s start');
    assert.equal(await statusOf(share.url), 404);
    assertSameOrigin(requests);
    assert.deepEqual(realProblems(problems), { console: [], errors: [], dialogs: [] });
    await context.close();
  });

  test('an admin sets the policy, disables and re-enables a user, revokes one share and all of a user’s', async () => {
    const sams = [await publishAs('sam', 'Sam rota one'), await publishAs('sam', 'Sam rota two')];
    const anas = await publishAs('ana', 'Ana rota');
    const { page, context, problems, requests } = await openConsole();
    await signIn(page, 'ria', { admin: true });
    await page.click('#nav a[data-view=admin]');
    await page.waitForSelector('#view-admin:not([hidden])');
    await page.waitForFunction(() => document.querySelector('#policy-sharing').value === 'everyone');

    await page.fill('#display-locale', 'not a language tag!');
    await page.click('#policy-form button[type=submit]');
    await page.waitForSelector('#alert:not([hidden])');
    assert.ok(!(await page.textContent('#alert')).includes('{'), 'a refusal shows as words');
    await page.fill('#display-locale', '');
    await page.fill('#policy-max-expiry', '365');
    await page.fill('#display-day-start', '07:00');
    await page.fill('#display-day-end', '19:00');
    await page.click('#policy-form button[type=submit]');
    await statusText(page, /policy is saved/);
    const admin = { authorization: `Bearer ${token('ria', 'contoso', { admin: true })}` };
    const stored = await (await fetch(`${api.base}/settings`, { headers: admin })).json();
    assert.equal(stored.maxExpiryDays, 365);
    assert.equal(stored.display.dayStart, '07:00');
    await page.fill('#policy-max-expiry', '');
    await page.click('#policy-form button[type=submit]');
    await statusText(page, /policy is saved/);

    await page.fill('#person-id', 'sam');
    await page.fill('#person-email', 'sam@example.com');
    await page.setChecked('#person-can-share', false);
    await page.click('#person-form button[type=submit]');
    await statusText(page, /sam is added/);
    assert.equal(await statusOf(sams[0].url), 404, 'a disabled user’s link answers 404');
    await page.getByRole('checkbox', { name: 'sam can share' }).check();
    await statusText(page, /may share again/);
    assert.equal(await statusOf(sams[0].url), 200, 'and serves again once re-enabled');

    const anaCard = card(page, 'Ana rota', '#group-share-list');
    await anaCard.waitFor();
    assert.match(await anaCard.textContent(), /Ownerana@example.com/);
    await screenshot(page, 'console-admin');
    await anaCard.getByRole('button', { name: /^Revoke/ }).click();
    await confirmDialog(page);
    await statusText(page, /is revoked/);
    assert.equal(await statusOf(anas.url), 404);

    await page.fill('#owner-filter', 'sam');
    await page.click('#owner-form button[type=submit]');
    await page.waitForFunction(() => document.querySelectorAll('#group-share-list li.share').length === 2);
    await page.click('#revoke-all');
    await confirmDialog(page);
    await statusText(page, /Revoked 2 shares of sam/);
    for (const share of sams) assert.equal(await statusOf(share.url), 404);
    await page.waitForSelector('#group-shares-empty:not([hidden])');

    assertSameOrigin(requests);
    assert.deepEqual(realProblems(problems, 422), { console: [], errors: [], dialogs: [] });
    await context.close();
  });

  for (const width of [390, 1280]) {
    for (const colorScheme of ['light', 'dark']) {
      test(`every view at ${width} px, ${colorScheme}: axe-clean, no overflow`, async () => {
        await publishAs('max', `Layout rota ${width} ${colorScheme}`);
        const { page, context, problems, requests } = await openConsole({ width, height: 900, colorScheme });
        assert.deepEqual(await seriousViolations(page), [], 'sign-in');
        await screenshot(page, `console-sign-in-${width}-${colorScheme}`);
        await signIn(page, 'max', { admin: true });
        for (const view of ['shares', 'publish', 'admin']) {
          await page.click(`#nav a[data-view=${view}]`);
          await page.waitForSelector(`#view-${view}:not([hidden])`);
          if (view === 'shares') await card(page, `Layout rota ${width} ${colorScheme}`).waitFor();
          if (view === 'admin') await page.waitForSelector('#group-share-list li.share');
          assert.deepEqual(await seriousViolations(page), [], view);
          const { scrollWidth, clientWidth } = await horizontalOverflow(page);
          assert.ok(scrollWidth <= clientWidth, `${view}: ${scrollWidth} > ${clientWidth}`);
          await screenshot(page, `console-${view}-${width}-${colorScheme}`);
        }
        await page.click('#nav a[data-view=shares]');
        await card(page, `Layout rota ${width} ${colorScheme}`).getByRole('button', { name: /^Revoke/ }).click();
        await page.waitForSelector('#dialog[open]');
        assert.deepEqual(await seriousViolations(page), [], 'the dialog');
        await screenshot(page, `console-dialog-${width}-${colorScheme}`);
        await page.click('#dialog-cancel');
        assertSameOrigin(requests);
        assert.deepEqual(problems, { console: [], errors: [], dialogs: [] });
        await context.close();
      });
    }
  }
});
