// What the browser tests share: the local runner as a child process, publishing through its API,
// a headless Chromium, and the checks every page gets (console, axe-core, overflow, screenshots).

import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const outputDir = resolve(root, 'test-output');
mkdirSync(outputDir, { recursive: true });

const apiBin = resolve(root, process.env.LOCAL_API_BIN || 'target/debug/local-api');
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Starts `local-api` on a free loopback port; resolves once it prints its address. */
export async function startApi() {
  const child = spawn(apiBin, ['--addr', '127.0.0.1:0', '--memory'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG || 'warn' },
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const base = await new Promise((resolveBase, reject) => {
    const timer = setTimeout(() => reject(new Error(`local-api did not start in time: ${stderr}`)), 30_000);
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = stdout.match(/local-api listening on (http:\/\/\S+)/);
      if (match) {
        clearTimeout(timer);
        resolveBase(match[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`local-api exited with ${code}: ${stderr}`));
    });
  });
  child.removeAllListeners('exit');
  return {
    base,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export function token(user = 'kim', group = 'contoso', { admin = false } = {}) {
  const args = ['token', '--user', user, '--email', `${user}@example.com`, '--group', group, ...(admin ? ['--admin'] : [])];
  return execFileSync(apiBin, args, { encoding: 'utf8' }).trim();
}

/** Replaces the group's sharing policy as an admin of it (throws on anything but 200). */
export async function setPolicy(base, policy, group = 'contoso') {
  const response = await fetch(`${base}/settings`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token('ria', group, { admin: true })}` },
    body: JSON.stringify(policy),
  });
  if (response.status !== 200) throw new Error(`PUT /settings answered ${response.status}: ${await response.text()}`);
}

/** Publishes a share (a sealed body as it is) and returns the share object (throws on anything but 201). */
export async function publish(base, body, bearer = token()) {
  const response = await fetch(`${base}/shares`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
    // A sealed body carries its events inside `sealed`: no format.
    body: JSON.stringify(body.sealed ? body : { visibility: 'public', format: 'normalized', ...body }),
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`publish answered ${response.status}: ${text}`);
  return JSON.parse(text);
}

/** The path part of a share's link (the runner's host in `url` may be a placeholder). */
export function sharePath(share) {
  return `/s/${share.id}`;
}

/** Headless Chromium; `args` adds flags (e.g. host resolver rules). */
export async function launchBrowser({ args = [] } = {}) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...args,
    ],
  });
}

/** A page that records console errors, uncaught exceptions and dialogs; `colorScheme` is the
 * reader's `prefers-color-scheme`; `javaScriptEnabled: false` is a reader with scripts off;
 * `locale` the browser's language (its `Accept-Language`): British English unless a test asks. */
export async function openPage(browser, { width = 1280, height = 900, bypassCSP = false, colorScheme = 'light', javaScriptEnabled = true, locale = 'en-GB' } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, bypassCSP, colorScheme, javaScriptEnabled, locale });
  const page = await context.newPage();
  const problems = { console: [], errors: [], dialogs: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') problems.console.push(message.text());
  });
  page.on('pageerror', (error) => problems.errors.push(String(error)));
  page.on('dialog', async (dialog) => {
    problems.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    await dialog.dismiss();
  });
  return { page, context, problems };
}

/** axe-core's serious and critical violations (run through the debugging protocol, so the
 * page's CSP, which allows no scripts, stays in force). */
export async function seriousViolations(page) {
  await page.evaluate(axeSource);
  const results = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { resultTypes: ['violations'], runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] }),
  );
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

export async function horizontalOverflow(page) {
  return page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
}

export async function screenshot(page, name) {
  await page.screenshot({ path: resolve(outputDir, `${name}.png`), fullPage: true });
}

/** A month of events in New York exercising every layout case. */
export function rotaEvents() {
  return [
    { id: 'kim-3', title: 'On call: Kim', start: '2026-12-03T09:00:00-05:00', end: '2026-12-03T17:00:00-05:00', location: 'Desk 4', description: 'Pager 555\nSecond line', showAs: 'busy', color: '#1e88e5', resource: 'Tier 1', status: 'Confirmed' },
    { id: 'lee-3', title: 'On call: Lee', start: '2026-12-03T10:00:00-05:00', end: '2026-12-03T12:00:00-05:00', location: 'Desk 7', showAs: 'tentative', color: '#43a047', resource: 'Tier 2', status: 'Tentative' },
    { id: 'ana-3', title: 'Handover', start: '2026-12-03T11:00:00-05:00', end: '2026-12-03T11:30:00-05:00', showAs: 'busy', color: '#e53935', resource: 'Tier 1', status: 'Confirmed' },
    { id: 'night-4', title: 'Night shift: Sam', start: '2026-12-04T22:00:00-05:00', end: '2026-12-05T06:00:00-05:00', showAs: 'busy', color: '#8e24aa', resource: 'Tier 2', status: 'Confirmed' },
    { id: 'conf', title: 'Ops conference', start: '2026-12-07', end: '2026-12-10', allDay: true, showAs: 'oof', color: '#fb8c00', resource: 'Tier 1', status: 'Confirmed' },
    { id: 'retro', title: 'Incident retro with a rather long title that needs to wrap on small screens', start: '2026-12-08T14:00:00-05:00', end: '2026-12-08T15:00:00-05:00', location: 'Room 12, second floor', showAs: 'busy', resource: 'Tier 1', status: 'Confirmed' },
    { id: 'free', title: 'Office hours', start: '2026-12-09T13:00:00-05:00', end: '2026-12-09T14:00:00-05:00', showAs: 'free', color: '#00897b', resource: 'Tier 2', status: 'Confirmed' },
    { id: 'holiday', title: 'Holiday', start: '2026-12-25', end: '2026-12-26', allDay: true, showAs: 'free' },
    { id: 'lee-15', title: 'On call: Lee', start: '2026-12-15T09:00:00-05:00', end: '2026-12-15T17:00:00-05:00', showAs: 'busy', color: '#43a047', resource: 'Tier 2', status: 'Confirmed' },
    { id: 'kim-16', title: 'On call: Kim', start: '2026-12-16T09:00:00-05:00', end: '2026-12-16T17:00:00-05:00', showAs: 'busy', color: '#1e88e5', resource: 'Tier 1', status: 'Confirmed' },
  ];
}
