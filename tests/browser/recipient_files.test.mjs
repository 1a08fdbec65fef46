// The files a recipient takes away, read back by parsers nobody here wrote: one event and the
// free/busy by ical.js and Python's icalendar, the QR code rendered by Chromium and decoded by
// zxing-cpp. The details view's "Add to my calendar" link stays clean under axe.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import ICAL from 'ical.js';
import { launchBrowser, openPage, publish, root, seriousViolations, sharePath, startApi } from './support.mjs';

let api;
let browser;

const timed = (id, start, end, showAs) => ({ id, title: `${showAs} ${id}`, start, end, showAs });
const body = {
  title: 'Scheduling rota',
  detail: 'full',
  view: 'month',
  timeZone: 'America/New_York',
  range: { start: '2026-12-01', end: '2027-01-01' },
  events: [
    { ...timed('a', '2026-12-03T09:00:00Z', '2026-12-03T10:00:00Z', 'busy'), location: 'Room 1; east', description: 'Bring notes, please' },
    timed('b', '2026-12-03T09:30:00Z', '2026-12-03T11:00:00Z', 'busy'),
    timed('c', '2026-12-03T10:30:00Z', '2026-12-03T12:00:00Z', 'tentative'),
    timed('d', '2026-12-04T14:00:00Z', '2026-12-04T15:00:00Z', 'free'),
    { id: 'holiday', title: 'Holiday', start: '2026-12-24', end: '2026-12-26', allDay: true, showAs: 'oof' },
  ],
};

before(async () => {
  api = await startApi();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await api?.stop();
});

const python = (script, input) => execFileSync('python3', [`${root}/tests/browser/${script}`], { input, encoding: 'utf8' });

test('the details view links the event as a file that both parsers read as the feed has it', async () => {
  const share = await publish(api.base, body);
  const { page, context, problems } = await openPage(browser);
  await page.goto(`${api.base}${sharePath(share)}?view=month&date=2026-12-03`);
  await page.locator('a[href*="event="]', { hasText: 'busy a' }).first().click();
  const link = page.getByRole('link', { name: 'Add to my calendar' });
  const href = await link.getAttribute('href');
  assert.match(href, new RegExp(`^${sharePath(share)}/events/[0-9a-f]{16}\\.ics$`));
  assert.deepEqual(await seriousViolations(page), []);
  assert.deepEqual(problems.errors, []);
  await context.close();

  const response = await fetch(`${api.base}${href}`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type'), /^text\/calendar; charset=utf-8/);
  assert.equal(response.headers.get('content-disposition'), 'attachment; filename="event.ics"');
  const text = await response.text();
  const calendar = new ICAL.Component(ICAL.parse(text));
  assert.equal(calendar.getFirstPropertyValue('method'), 'PUBLISH');
  const events = calendar.getAllSubcomponents('vevent');
  assert.equal(events.length, 1);
  const event = new ICAL.Event(events[0]);
  assert.equal(event.summary, 'busy a');
  assert.equal(event.location, 'Room 1; east');
  assert.equal(event.description, 'Bring notes, please');
  assert.equal(event.startDate.toJSDate().toISOString(), '2026-12-03T09:00:00.000Z');

  const feed = await (await fetch(`${api.base}${sharePath(share)}/calendar.ics`)).text();
  const fromFeed = JSON.parse(python('read_feed.py', feed)).find((e) => e.uid === event.uid);
  assert.deepEqual(JSON.parse(python('read_feed.py', text)), [fromFeed], 'Python reads the one event as in the feed');
});

test('free/busy: one VFREEBUSY of merged UTC periods with their FBTYPE, free time left out', async () => {
  const share = await publish(api.base, body);
  const response = await fetch(`${api.base}${sharePath(share)}/freebusy.ics`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type'), /^text\/calendar; charset=utf-8/);
  const text = await response.text();
  const expected = [
    ['BUSY', '2026-12-03T09:00:00Z', '2026-12-03T11:00:00Z'],
    ['BUSY-TENTATIVE', '2026-12-03T11:00:00Z', '2026-12-03T12:00:00Z'],
    ['BUSY-UNAVAILABLE', '2026-12-24T05:00:00Z', '2026-12-26T05:00:00Z'],
  ];

  const calendar = new ICAL.Component(ICAL.parse(text));
  const busy = calendar.getAllSubcomponents('vfreebusy');
  assert.equal(busy.length, 1);
  assert.equal(calendar.getAllSubcomponents('vevent').length, 0);
  assert.equal(busy[0].getFirstPropertyValue('dtstart').toString(), '2026-12-01T05:00:00Z');
  assert.equal(busy[0].getFirstPropertyValue('dtend').toString(), '2027-01-01T05:00:00Z');
  const periods = busy[0].getAllProperties('freebusy').map((prop) => {
    const period = prop.getFirstValue();
    return [prop.getParameter('fbtype'), period.start.toString(), period.end.toString()];
  });
  assert.deepEqual(periods, expected);

  const read = JSON.parse(python('read_freebusy.py', text));
  assert.equal(read.method, 'PUBLISH');
  assert.equal(read.freebusy.length, 1);
  const utc = (iso) => iso.replace('+00:00', 'Z');
  assert.deepEqual(
    read.freebusy[0].periods.map((p) => [p.fbtype, utc(p.start), utc(p.end)]),
    expected,
  );
});

test('the QR code, drawn by Chromium and decoded by zxing-cpp, is the page link', async () => {
  const share = await publish(api.base, body);
  const response = await fetch(`${api.base}${sharePath(share)}/qr.svg`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'image/svg+xml');
  const svg = Buffer.from(await response.arrayBuffer()).toString('base64');
  const { page, context } = await openPage(browser, { width: 600, height: 600 });
  await page.setContent(`<body style="margin:0;background:#fff"><img id="qr" src="data:image/svg+xml;base64,${svg}" width="400" height="400"></body>`);
  await page.locator('#qr').evaluate((img) => img.decode());
  const png = await page.locator('#qr').screenshot();
  await context.close();
  const [level, decoded] = execFileSync('python3', [`${root}/tests/browser/read_qr.py`], { input: png, encoding: 'utf8' })
    .trim()
    .split('\t');
  assert.equal(decoded, `${api.base}${sharePath(share)}`);
  assert.equal(level, 'M');
});

test('the page links its QR code and prints it with the link beside it', async () => {
  const share = await publish(api.base, body);
  const link = `${api.base}${sharePath(share)}`;
  const { page, context, problems } = await openPage(browser);
  await page.goto(`${link}?date=2026-12-03`);
  assert.equal(await page.getByRole('link', { name: 'QR code of this page' }).getAttribute('href'), `${sharePath(share)}/qr.svg`);
  assert.equal(await page.locator('.printed-link').isVisible(), false, 'on screen only the link');
  assert.deepEqual(await seriousViolations(page), []);
  await page.emulateMedia({ media: 'print' });
  const printed = page.locator('.printed-link');
  assert.equal(await printed.isVisible(), true);
  assert.equal(await page.getByRole('link', { name: 'QR code of this page' }).isVisible(), false);
  assert.equal((await printed.locator('figcaption').textContent()).trim(), link);
  await printed.locator('img').evaluate((img) => img.decode());
  await printed.locator('img').evaluate((img) => { img.style.width = '400px'; img.style.height = '400px'; });
  const png = await printed.locator('img').screenshot();
  const [, decoded] = execFileSync('python3', [`${root}/tests/browser/read_qr.py`], { input: png, encoding: 'utf8' }).trim().split('\t');
  assert.equal(decoded, link);
  assert.deepEqual(problems.console, [], 'the CSP lets the printed code show');
  await context.close();
});
