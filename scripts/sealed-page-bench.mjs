// The sealed page's budgets (issue 24, item 6), measured as a reader's browser meets them:
// - the shell's script and renderer as the runner serves them, gzipped (budget: 400 KB together);
// - a 250-event month, from the ciphertext's arrival to the page in place (WebCrypto, the renderer,
//   the DOM): budget 50 ms in Chromium on this machine. Rounds after two untimed ones; prints each.
//
// node scripts/sealed-page-bench.mjs [rounds]    (after `cargo build --bins`; LOCAL_API_BIN, CHROMIUM)

import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { launchBrowser, openPage, root, startApi, token } from '../tests/browser/support.mjs';

const rounds = Number(process.argv[2] || 15);
const sealTool = resolve(dirname(resolve(root, process.env.LOCAL_API_BIN || 'target/debug/local-api')), 'share-seal');

function monthOfEvents(count) {
  const events = [];
  for (let i = 0; i < count; i++) {
    const day = 1 + (i % 31);
    const hour = 7 + (i % 11);
    const date = `2026-12-${String(day).padStart(2, '0')}`;
    events.push({
      id: `event-${i}`,
      title: `Shift ${i}: team ${i % 7}`,
      start: `${date}T${String(hour).padStart(2, '0')}:00:00Z`,
      end: `${date}T${String(hour + 1).padStart(2, '0')}:30:00Z`,
      location: `Room ${i % 13}`,
      showAs: ['busy', 'tentative', 'free', 'oof'][i % 4],
      resource: `Team ${i % 7}`,
    });
  }
  return events;
}

const api = await startApi();
const browser = await launchBrowser();
try {
  const body = {
    visibility: 'public',
    format: 'normalized',
    title: 'Budget month',
    detail: 'limited',
    view: 'month',
    timeZone: 'Europe/Berlin',
    range: { start: '2026-12-01', end: '2027-01-01' },
    events: monthOfEvents(250),
  };
  const sealed = JSON.parse(execFileSync(sealTool, [], { input: JSON.stringify(body), encoding: 'utf8' }));
  const published = await fetch(`${api.base}/shares`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token()}` },
    body: JSON.stringify(sealed.body),
  });
  if (published.status !== 201) throw new Error(`publish answered ${published.status}: ${await published.text()}`);
  const share = await published.json();
  const link = `${api.base}/s/${share.id}?date=2026-12-01${sealed.fragment}`;

  const shell = await (await fetch(`${api.base}/s/${share.id}`)).text();
  const script = shell.match(/src="(\/assets\/[^"]+\.js)"/)[1];
  const renderer = shell.match(/data-renderer="(\/assets\/[^"]+\.wasm)"/)[1];
  let gzipped = 0;
  for (const path of [script, renderer]) {
    const answer = await fetch(`${api.base}${path}`, { headers: { 'accept-encoding': 'gzip' }, decompress: false });
    const bytes = Number(answer.headers.get('content-length')) || (await answer.arrayBuffer()).byteLength;
    console.log(`${path}: ${answer.headers.get('content-encoding') || 'identity'}`);
    gzipped += bytes;
  }

  const { page } = await openPage(browser);
  const times = [];
  for (let round = -2; round < rounds; round++) {
    await page.goto('about:blank');
    await page.goto(link);
    await page.waitForFunction(() => document.documentElement.dataset.sealedPage === 'rendered');
    const ms = await page.evaluate(() => performance.measure('open', 'sealed-page:ciphertext', 'sealed-page:rendered').duration);
    if (round >= 0) times.push(ms);
  }
  const events = await page.locator('li.ev').count();
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(`events on the page: ${events}`);
  console.log(`rounds (ms, sorted): ${times.map((t) => t.toFixed(1)).join(' ')}`);
  console.log(`ciphertext → page, median of ${rounds}: ${median.toFixed(1)} ms (budget 50 ms)`);
  console.log(`script + renderer as served (gzip): ${gzipped} bytes (budget 400 KB = 409,600 bytes)`);
} finally {
  await browser.close();
  await api.stop();
}
