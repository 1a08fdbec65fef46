// A New York share across the March 2027 change to daylight time: the 09:00 events read 09:00
// and sit at the same height on both sides, in every view; another zone shows the real shift.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { launchBrowser, openPage, publish, screenshot, sharePath, startApi } from './support.mjs';

let api;
let browser;
let share;
// 10-17 March 2027; the clocks go forward at 02:00 on Sunday the 14th (-05:00 to -04:00).
const days = [10, 11, 12, 13, 14, 15, 16, 17];
const offset = (day) => (day < 14 ? '-05:00' : '-04:00');

before(async () => {
  api = await startApi();
  browser = await launchBrowser();
  share = await publish(api.base, {
    title: 'Morning stand-up',
    detail: 'limited',
    view: 'week',
    timeZone: 'America/New_York',
    range: { start: '2027-03-01', end: '2027-04-01' },
    events: days.map((day) => ({
      id: `standup-${day}`,
      title: `Stand-up ${day}`,
      start: `2027-03-${day}T09:00:00${offset(day)}`,
      end: `2027-03-${day}T09:30:00${offset(day)}`,
    })),
  });
});

after(async () => {
  await browser?.close();
  await api?.stop();
});

test('the week view shows 09:00 at the same height before and after the change', async () => {
  const { page, context } = await openPage(browser, { width: 1280 });
  const tops = [];
  for (const date of ['2027-03-14', '2027-03-15']) {
    await page.goto(`${api.base}${sharePath(share)}?view=week&date=${date}`);
    const blocks = page.locator('.tl li');
    for (const block of await blocks.all()) {
      assert.match(await block.innerText(), /^09:00–09:30\s+Stand-up \d+$/);
      tops.push((await block.boundingBox()).y);
    }
    await screenshot(page, `dst-week-${date}`);
  }
  assert.equal(tops.length, days.length);
  assert.ok(Math.max(...tops) - Math.min(...tops) < 1, `rows differ: ${tops}`);
  await context.close();
});

test('month and agenda read 09:00 on both sides too', async () => {
  const { page, context } = await openPage(browser, { width: 1280 });
  await page.goto(`${api.base}${sharePath(share)}?view=month&date=2027-03-14`);
  const chips = await page.locator('td li').allInnerTexts();
  assert.deepEqual(chips.map((t) => t.replace(/\s+/g, ' ')), days.map((day) => `09:00 Stand-up ${day}`));
  await page.goto(`${api.base}${sharePath(share)}?view=agenda&date=2027-03-10`);
  const times = await page.locator('.item .when').allInnerTexts();
  assert.deepEqual(times, days.map(() => '09:00–09:30'));
  await context.close();
});

test('in UTC the same events move by the hour that changed', async () => {
  const { page, context } = await openPage(browser, { width: 1280 });
  await page.goto(`${api.base}${sharePath(share)}?view=agenda&date=2027-03-10&tz=UTC`);
  const times = await page.locator('.item .when').allInnerTexts();
  assert.deepEqual(times, days.map((day) => (day < 14 ? '14:00–14:30' : '13:00–13:30')));
  assert.match(await page.locator('.tzline').innerText(), /Times in UTC/);
  await context.close();
});

test('the feed gives the instants in UTC', async () => {
  const text = await (await fetch(`${api.base}${sharePath(share)}/calendar.ics`)).text();
  const calendar = new ICAL.Component(ICAL.parse(text));
  assert.equal(calendar.getFirstPropertyValue('x-wr-timezone'), 'America/New_York');
  const starts = calendar
    .getAllSubcomponents('vevent')
    .map((event) => event.getFirstPropertyValue('dtstart').toJSDate().toISOString())
    .sort();
  assert.deepEqual(starts, days.map((day) => `2027-03-${day}T${day < 14 ? '14' : '13'}:00:00.000Z`));
});
