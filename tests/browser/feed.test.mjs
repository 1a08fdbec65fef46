// The iCalendar feed read by independent parsers (ical.js here, Python's icalendar through
// read_feed.py), and its line discipline checked on the raw bytes: CRLF, folding at 75 octets, our PRODID.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import ICAL from 'ical.js';
import { publish, root, rotaEvents, sharePath, startApi, token } from './support.mjs';

let api;
const body = {
  title: 'Support rota',
  detail: 'full',
  view: 'month',
  timeZone: 'America/New_York',
  range: { start: '2026-12-01', end: '2027-01-01' },
  events: [
    ...rotaEvents(),
    {
      id: 'long',
      title: `A long title with ünïcödé ✓ and punctuation; commas, backslashes \\ ${'and more words '.repeat(8)}`,
      start: '2026-12-20T08:00:00-05:00',
      end: '2026-12-20T09:00:00-05:00',
      description: 'First line\nSecond line; with, specials',
    },
  ],
};

before(async () => {
  api = await startApi();
});

after(async () => {
  await api?.stop();
});

async function feed(share) {
  const response = await fetch(`${api.base}${sharePath(share)}/calendar.ics`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type'), /^text\/calendar; charset=utf-8/);
  return response.text();
}

/** ical.js leaves NAME and X- properties unparsed; RFC 5545 makes them TEXT, escaped like SUMMARY. */
function calendarText(calendar, name) {
  return calendar.getFirstPropertyValue(name).replace(/\\([\\;,nN])/g, (_, c) => (c === 'n' || c === 'N' ? '\n' : c));
}

function parse(text) {
  return new ICAL.Component(ICAL.parse(text));
}

test('calendar properties and line discipline', async () => {
  const share = await publish(api.base, body);
  const text = await feed(share);
  assert.ok(text.endsWith('\r\n'));
  assert.ok(!/[^\r]\n/.test(text), 'every line ends in CRLF');
  for (const line of text.split('\r\n')) {
    assert.ok(Buffer.byteLength(line, 'utf8') <= 75, `over 75 octets: ${line}`);
  }
  assert.ok(text.includes('\r\n '), 'long lines are folded');
  const calendar = parse(text);
  assert.equal(calendar.getFirstPropertyValue('version'), '2.0');
  assert.equal(calendar.getFirstPropertyValue('prodid'), '-//Calendar Shares//Share Service//EN');
  assert.equal(calendarText(calendar, 'x-wr-calname'), 'Support rota');
  assert.equal(calendarText(calendar, 'name'), 'Support rota');
  assert.equal(calendar.getFirstPropertyValue('x-wr-timezone'), 'America/New_York');
  assert.equal(calendar.getFirstPropertyValue('x-published-ttl'), 'PT1H');
});

test('every event with its UID, stamp, times and text', async () => {
  const share = await publish(api.base, body);
  const calendar = parse(await feed(share));
  const events = calendar.getAllSubcomponents('vevent');
  assert.equal(events.length, share.eventCount);
  assert.equal(events.length, body.events.length);
  const uids = events.map((event) => event.getFirstPropertyValue('uid'));
  assert.equal(new Set(uids).size, uids.length, 'UIDs are unique');
  for (const event of events) assert.ok(event.getFirstPropertyValue('dtstamp'), 'DTSTAMP');

  const bySummary = new Map(events.map((event) => [event.getFirstPropertyValue('summary'), new ICAL.Event(event)]));
  const kim = [...bySummary.entries()].filter(([summary]) => summary === 'On call: Kim');
  assert.ok(kim.length >= 1);
  const night = bySummary.get('Night shift: Sam');
  assert.equal(night.startDate.toJSDate().toISOString(), '2026-12-05T03:00:00.000Z');
  assert.equal(night.endDate.toJSDate().toISOString(), '2026-12-05T11:00:00.000Z');
  assert.equal(night.startDate.zone.tzid, 'UTC');
  const conference = bySummary.get('Ops conference');
  assert.ok(conference.startDate.isDate, 'all-day as VALUE=DATE');
  assert.equal(conference.startDate.toString(), '2026-12-07');
  assert.equal(conference.endDate.toString(), '2026-12-10');
  const long = bySummary.get(body.events.at(-1).title);
  assert.ok(long, 'escaped and folded text reads back whole');
  assert.equal(long.description, 'First line\nSecond line; with, specials');
  const lee = events.map((e) => new ICAL.Event(e)).find((e) => e.summary === 'On call: Lee' && e.startDate.toString().startsWith('2026-12-03'));
  assert.equal(lee.location, 'Desk 7');
  const transp = Object.fromEntries(events.map((e) => [e.getFirstPropertyValue('summary'), e.getFirstPropertyValue('transp')]));
  assert.equal(transp['Office hours'], 'TRANSPARENT');
  assert.equal(transp['Handover'], 'OPAQUE');
});

test('UIDs stay the same when the share is published again', async () => {
  const share = await publish(api.base, body);
  const before = parse(await feed(share)).getAllSubcomponents('vevent').map((e) => e.getFirstPropertyValue('uid')).sort();
  const response = await fetch(`${api.base}/shares/${share.id}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token()}` },
    body: JSON.stringify({ visibility: 'public', format: 'normalized', ...body, title: 'Support rota, again' }),
  });
  assert.equal(response.status, 200, await response.text());
  const calendar = parse(await feed(share));
  assert.equal(calendarText(calendar, 'name'), 'Support rota, again');
  assert.equal(calendarText(calendar, 'x-wr-calname'), 'Support rota, again');
  const after = calendar.getAllSubcomponents('vevent').map((e) => e.getFirstPropertyValue('uid')).sort();
  assert.deepEqual(after, before);
});

test('an availability share says only busy or free', async () => {
  const share = await publish(api.base, { ...body, detail: 'availability' });
  const events = parse(await feed(share)).getAllSubcomponents('vevent');
  const summaries = new Set(events.map((e) => e.getFirstPropertyValue('summary')));
  assert.deepEqual([...summaries].sort(), ['Busy', 'Free', 'Out of office', 'Tentative']);
  for (const event of events) {
    assert.equal(event.getFirstPropertyValue('location'), null);
    assert.equal(event.getFirstPropertyValue('description'), null);
    const free = event.getFirstPropertyValue('summary') === 'Free';
    assert.equal(event.getFirstPropertyValue('transp'), free ? 'TRANSPARENT' : 'OPAQUE');
  }
});

test('CATEGORIES list resource and status, COLOR names the nearest CSS colour, at every level', async () => {
  const awkward = {
    id: 'awkward',
    title: 'Plant room check',
    start: '2026-12-21T08:00:00-05:00',
    end: '2026-12-21T09:00:00-05:00',
    showAs: 'free',
    color: '#fafad2',
    resource: 'Room 1, east; \\ wing',
    status: 'On hold',
  };
  const statusOnly = { id: 'status-only', title: 'Walk-in', start: '2026-12-22T08:00:00-05:00', end: '2026-12-22T09:00:00-05:00', status: 'Open' };
  for (const detail of ['full', 'availability']) {
    const share = await publish(api.base, { ...body, detail, events: [...rotaEvents(), awkward, statusOnly] });
    const events = parse(await feed(share)).getAllSubcomponents('vevent');
    const byStart = new Map(events.map((e) => [new ICAL.Event(e).startDate.toJSDate().toISOString(), e]));
    const categories = (start) => byStart.get(start).getFirstProperty('categories')?.getValues() ?? [];
    const color = (start) => byStart.get(start).getFirstPropertyValue('color');
    const transp = (start) => byStart.get(start).getFirstPropertyValue('transp');

    const kim = '2026-12-03T14:00:00.000Z';
    assert.deepEqual(categories(kim), ['Tier 1', 'Confirmed'], detail);
    assert.equal(color(kim), 'dodgerblue');
    assert.equal(transp(kim), 'OPAQUE');
    const handover = '2026-12-03T16:00:00.000Z';
    assert.equal(color(handover), 'crimson');

    const plant = '2026-12-21T13:00:00.000Z';
    assert.deepEqual(categories(plant), ['Room 1, east; \\ wing', 'On hold'], 'escaped values read back whole');
    assert.equal(color(plant), 'lightgoldenrodyellow');
    assert.equal(transp(plant), 'TRANSPARENT');

    const walkIn = '2026-12-22T13:00:00.000Z';
    assert.deepEqual(categories(walkIn), ['Open']);
    assert.equal(color(walkIn), null, 'no colour, no COLOR');
    const holiday = events.find((e) => new ICAL.Event(e).startDate.toString() === '2026-12-25');
    assert.equal(holiday.getFirstProperty('categories'), null, 'no resource or status, no CATEGORIES');
  }
});

test('Python icalendar reads every event back with its text, categories and colour', async () => {
  const events = [
    ...body.events,
    { id: 'awkward', title: 'Plant room', start: '2026-12-21T08:00:00-05:00', end: '2026-12-21T09:00:00-05:00', showAs: 'free', color: '#fafad2', resource: 'Room 1, east; \\ wing', status: 'On hold' },
  ];
  const share = await publish(api.base, { ...body, events });
  const read = JSON.parse(
    execFileSync('python3', [`${root}/tests/browser/read_feed.py`], { input: await feed(share), encoding: 'utf8' }),
  );
  assert.equal(read.length, events.length);
  const bySummary = new Map(read.map((event) => [event.summary, event]));
  const long = bySummary.get(body.events.at(-1).title);
  assert.ok(long, 'the folded, escaped title reads back whole');
  assert.equal(long.description, 'First line\nSecond line; with, specials');
  const night = bySummary.get('Night shift: Sam');
  assert.equal(night.start, '2026-12-05T03:00:00+00:00');
  assert.deepEqual(night.categories, ['Tier 2', 'Confirmed']);
  assert.equal(night.color, 'darkorchid');
  assert.equal(night.transp, 'OPAQUE');
  assert.equal(bySummary.get('Ops conference').start, '2026-12-07');
  const plant = bySummary.get('Plant room');
  assert.deepEqual(plant.categories, ['Room 1, east; \\ wing', 'On hold']);
  assert.equal(plant.color, 'lightgoldenrodyellow');
  assert.equal(plant.transp, 'TRANSPARENT');
  const holiday = bySummary.get('Holiday');
  assert.deepEqual(holiday.categories, []);
  assert.equal(holiday.color, null);
});
