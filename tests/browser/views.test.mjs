// The share page in a real browser: each view at desktop and phone width, embedded, the error
// pages, the headers and conditional requests.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import {
  horizontalOverflow,
  launchBrowser,
  openPage,
  publish,
  rotaEvents,
  screenshot,
  seriousViolations,
  sharePath,
  startApi,
} from './support.mjs';

let api;
let browser;
let full;
let availability;

before(async () => {
  api = await startApi();
  browser = await launchBrowser();
  const common = { timeZone: 'America/New_York', range: { start: '2026-12-01', end: '2027-01-01' }, events: rotaEvents() };
  full = await publish(api.base, { ...common, title: 'Support rota', detail: 'full', view: 'month' });
  availability = await publish(api.base, { ...common, title: "Kim's availability", detail: 'availability', view: 'week' });
});

after(async () => {
  await browser?.close();
  await api?.stop();
});

/** Loads a path, checks what every page must satisfy, and returns the page for more checks. */
async function visit(path, { width, name, status = 200, colorScheme = 'light' }) {
  const { page, context, problems } = await openPage(browser, { width, colorScheme });
  const response = await page.goto(api.base + path);
  assert.equal(response.status(), status, `${path} status`);
  // Chromium reports an error status of the document itself on the console; that one is expected.
  const unexpected = problems.console.filter((text) => status === 200 || !text.includes(`status of ${status}`));
  assert.deepEqual(unexpected, [], `${name}: console errors`);
  assert.deepEqual(problems.errors, [], `${name}: page errors`);
  assert.deepEqual(await seriousViolations(page), [], `${name}: axe serious or critical violations`);
  if (width <= 390) {
    const { scrollWidth, clientWidth } = await horizontalOverflow(page);
    assert.ok(scrollWidth <= clientWidth, `${name}: scrolls sideways (${scrollWidth} > ${clientWidth})`);
  }
  assert.equal(await page.evaluate(() => document.scripts.length), 0, `${name}: no scripts`);
  await screenshot(page, name);
  return { page, context, response };
}

describe('each view at desktop and phone width, light and dark', () => {
  for (const view of ['month', 'week', 'day', 'agenda']) {
    for (const [width, colorScheme] of [[1280, 'light'], [390, 'light'], [1280, 'dark'], [390, 'dark']]) {
      test(`${view} at ${width} px, ${colorScheme}`, async () => {
        const { page, context } = await visit(`${sharePath(full)}?view=${view}&date=2026-12-03`, {
          width,
          colorScheme,
          name: colorScheme === 'light' ? `${view}-${width}` : `${view}-${width}-${colorScheme}`,
        });
        const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        const luminance = background.match(/\d+/g).slice(0, 3).reduce((sum, channel) => sum + Number(channel), 0) / 3;
        assert.ok(colorScheme === 'dark' ? luminance < 64 : luminance > 192, `${colorScheme} page background ${background}`);
        assert.equal(await page.locator('h1').first().innerText(), 'Support rota');
        assert.match(await page.locator('.tzline').innerText(), /Times in America\/New_York/);
        assert.equal(await page.locator('nav[aria-label="Views"] a[aria-current="page"]').innerText(), view[0].toUpperCase() + view.slice(1));
        const text = await page.locator('main').innerText();
        if (view === 'month') {
          assert.equal(await page.locator('h2#period').innerText(), 'December 2026');
          assert.match(text, /09:00\s*On call: Kim/);
          assert.match(text, /22:00\s*Night shift: Sam/);
          assert.match(text, /until 06:00\s*Night shift: Sam/);
          assert.equal(await page.locator('table.month thead th').count(), 7);
        } else if (view === 'week') {
          assert.equal(await page.locator('h2#period').innerText(), '30 November\u2009–\u20096 December 2026');
          assert.match(text, /09:00–17:00\s*On call: Kim/);
          if (width === 1280) {
            // Overlapping blocks sit side by side, not on top of each other.
            const kim = await page.locator('.tl li', { hasText: 'On call: Kim' }).boundingBox();
            const lee = await page.locator('.tl li', { hasText: 'On call: Lee' }).boundingBox();
            assert.ok(lee.x >= kim.x + kim.width - 1 || kim.x >= lee.x + lee.width - 1, 'Kim and Lee side by side');
            assert.ok(lee.y > kim.y, 'Lee starts an hour later, lower down');
          }
        } else if (view === 'day') {
          assert.equal(await page.locator('h2#period').innerText(), 'Thursday, 3 December 2026');
          assert.match(text, /09:00–17:00\s*On call: Kim/);
          assert.match(text, /11:00–11:30\s*Handover/);
          assert.doesNotMatch(text, /Night shift|Ops conference/, 'that day only');
          assert.equal(await page.locator('.wday').count(), 1);
        } else {
          assert.equal(await page.locator('h2#period').innerText(), 'From Thursday, 3 December 2026');
          assert.match(text, /Pager 555\nSecond line/);
          assert.match(text, /Resource: Tier 1/);
        }
        await context.close();
      });
    }
  }

  for (const colorScheme of ['light', 'dark']) {
    test(`availability share shows busy states in words, ${colorScheme}`, async () => {
      const name = colorScheme === 'light' ? 'availability-week-1280' : 'availability-week-1280-dark';
      const { page, context } = await visit(`${sharePath(availability)}?date=2026-12-03`, { width: 1280, colorScheme, name });
      const text = await page.locator('main').innerText();
      assert.match(text, /09:00–17:00\s*Busy/);
      assert.match(text, /10:00–12:00\s*Tentative/);
      assert.doesNotMatch(text, /On call/);
      await context.close();
    });
  }
});

describe('event details', () => {
  for (const [width, colorScheme] of [[1280, 'light'], [390, 'light'], [1280, 'dark'], [390, 'dark']]) {
    test(`details at ${width} px, ${colorScheme}`, async () => {
      const from = `${sharePath(full)}?view=week&date=2026-12-03&resource=Tier+1`;
      const { page: week, context: weekContext } = await openPage(browser, { width, colorScheme });
      await week.goto(api.base + from);
      const href = await week.locator('main .ev a', { hasText: 'On call: Kim' }).first().getAttribute('href');
      await weekContext.close();
      assert.match(href, /^\?view=week&date=2026-12-03&resource=Tier\+1&event=[0-9a-f]{16}$/);
      const suffix = colorScheme === 'light' ? '' : `-${colorScheme}`;
      const { page, context } = await visit(`${sharePath(full)}${href}`, { width, colorScheme, name: `details-${width}${suffix}` });
      assert.equal(await page.locator('h2#period').innerText(), 'On call: Kim');
      const text = await page.locator('main').innerText();
      assert.match(text, /Thursday, 3 December 2026, 09:00–17:00/);
      assert.match(text, /Desk 4/);
      assert.match(text, /Pager 555\nSecond line/);
      assert.match(text, /Tier 1/);
      assert.doesNotMatch(text, /On call: Lee|Handover/, 'one event only');
      assert.equal(await page.locator('form.filters').count(), 0);
      assert.equal(await page.getByRole('link', { name: 'Back to the calendar' }).getAttribute('href'), from.slice(from.indexOf('?')));
      await context.close();
    });
  }

  test('an availability share shows the busy state and no title', async () => {
    const { page: week, context: weekContext } = await openPage(browser, { width: 1280 });
    await week.goto(`${api.base}${sharePath(availability)}?date=2026-12-03`);
    const href = await week.locator('main .ev a', { hasText: 'Tentative' }).first().getAttribute('href');
    await weekContext.close();
    const { page, context } = await visit(`${sharePath(availability)}${href}`, { width: 390, name: 'details-availability-390' });
    assert.equal(await page.locator('h2#period').innerText(), 'Tentative');
    const text = await page.locator('main').innerText();
    assert.match(text, /Thursday, 3 December 2026, 10:00–12:00/);
    assert.doesNotMatch(text, /On call|Desk/);
    await context.close();
  });

  test('a wrong key shows the page itself', async () => {
    const response = await fetch(`${api.base}${sharePath(full)}?view=month&date=2026-12-03&event=0000000000000000`);
    assert.equal(response.status, 200);
    const plain = await fetch(`${api.base}${sharePath(full)}?view=month&date=2026-12-03`);
    assert.equal(await response.text(), await plain.text());
  });
});

describe('subscribing to the feed', () => {
  test('the page offers webcal, Google Calendar and Outlook links to its own feed', async () => {
    const titled = await publish(api.base, {
      timeZone: 'America/New_York',
      range: { start: '2026-12-01', end: '2027-01-01' },
      events: rotaEvents(),
      title: 'R&D rota #2 ü',
      detail: 'limited',
      view: 'month',
    });
    const { page, context } = await visit(`${sharePath(titled)}?date=2026-12-03`, { width: 390, name: 'subscribe-390' });
    const subscribe = page.getByRole('navigation', { name: 'Subscribe' });
    const href = async (name) => subscribe.getByRole('link', { name }).getAttribute('href');
    const webcal = new URL(await href(/^Subscribe/));
    assert.equal(webcal.protocol, 'webcal:');
    const feedPath = `${sharePath(titled)}/calendar.ics`;
    assert.equal(webcal.pathname, feedPath);
    // The feed the links name is the one the publisher was given, and it answers.
    const icsUrl = new URL(titled.icsUrl);
    assert.equal(webcal.host, icsUrl.host);
    const feed = await fetch(`${api.base}${feedPath}`);
    assert.equal(feed.status, 200);
    assert.match(await feed.text(), /^BEGIN:VCALENDAR/);

    const google = new URL(await href('Add to Google Calendar'));
    assert.equal(google.origin + google.pathname, 'https://calendar.google.com/calendar/render');
    assert.deepEqual([...google.searchParams.keys()], ['cid']);
    assert.equal(google.searchParams.get('cid'), webcal.href);

    const outlook = new URL(await href('Add to Outlook'));
    assert.equal(outlook.origin + outlook.pathname, 'https://outlook.live.com/calendar/0/addfromweb');
    assert.deepEqual([...outlook.searchParams.keys()], ['url', 'name']);
    assert.equal(outlook.searchParams.get('url'), `${icsUrl.protocol}//${icsUrl.host}${feedPath}`);
    assert.equal(outlook.searchParams.get('name'), 'R&D rota #2 ü');
    await context.close();
  });

  test('a Today link appears only while today is inside the range', async () => {
    const today = new Date();
    const day = (offset) => new Date(today.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
    const common = { timeZone: 'UTC', detail: 'limited', view: 'month', title: 'Now', events: [{ title: 'Stand-up', start: `${day(0)}T09:00:00Z`, end: `${day(0)}T09:15:00Z` }] };
    const current = await publish(api.base, { ...common, range: { start: day(-20), end: day(20) } });
    const { page, context } = await visit(`${sharePath(current)}?date=${day(-20)}`, { width: 1280, name: 'today-link-1280' });
    await page.getByRole('navigation', { name: 'Dates' }).getByRole('link', { name: 'Today' }).click();
    assert.ok(await page.locator('[aria-current="date"]').count() > 0, 'the page opened on today');
    await context.close();
    const past = await publish(api.base, { ...common, events: [], range: { start: '2020-01-01', end: '2020-02-01' } });
    const old = await visit(sharePath(past), { width: 1280, name: 'today-link-past-1280' });
    assert.equal(await old.page.getByRole('link', { name: 'Today' }).count(), 0);
    await old.context.close();
  });
});

describe('printing', () => {
  // The agenda lists the rest of the range, so it may run on; a month or a week fits one sheet.
  for (const [view, sheets] of [['month', 1], ['week', 1], ['agenda', null]]) {
    test(`${view} prints without controls, nothing cut${sheets ? ', on one page' : ''}`, async () => {
      const { page, context } = await openPage(browser, { width: 1280, colorScheme: 'dark' });
      await page.goto(`${api.base}${sharePath(full)}?view=${view}&date=2026-12-03`);
      await page.emulateMedia({ media: 'print' });
      for (const selector of ['.skip', 'nav', '.filters', 'form', 'footer']) {
        const shown = await page.locator(selector).evaluateAll((found) => found.filter((el) => el.getClientRects().length > 0).length);
        assert.equal(shown, 0, `${selector} is not printed`);
      }
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(background, 'rgb(255, 255, 255)', 'paper is white even for a dark-mode reader');
      const cut = await page.locator('main .ev, main .item').evaluateAll((events) =>
        events.filter((el) => el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1).map((el) => el.textContent),
      );
      assert.deepEqual(cut, [], 'no event is cut off');
      assert.match(await page.locator('main').innerText(), /On call: Kim/);
      await screenshot(page, `print-${view}`);
      const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
      const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) || []).length;
      if (sheets) assert.equal(pages, sheets, `${view} prints on ${pages} pages`);
      else assert.ok(pages >= 1);
      await context.close();
    });
  }
});

describe('navigation and filters work without scripts', () => {
  test('with scripts off, an event opens its details, the details lead back, and the day view pages', async () => {
    const { page, context } = await openPage(browser, { width: 390, javaScriptEnabled: false });
    await page.goto(`${api.base}${sharePath(full)}?view=month&date=2026-12-03`);
    await page.locator('main .ev a', { hasText: 'Night shift: Sam' }).first().click();
    assert.equal(await page.locator('h2#period').innerText(), 'Night shift: Sam');
    assert.match(await page.locator('main').innerText(), /Friday, 4 December 2026, 22:00 – Saturday, 5 December 2026, 06:00/);
    await page.getByRole('link', { name: 'Back to the calendar' }).click();
    assert.equal(await page.locator('h2#period').innerText(), 'December 2026');
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Day' }).click();
    assert.equal(await page.locator('h2#period').innerText(), 'Thursday, 3 December 2026');
    await page.getByRole('link', { name: 'Next day' }).click();
    assert.equal(await page.locator('h2#period').innerText(), 'Friday, 4 December 2026');
    await page.locator('main .ev a', { hasText: 'Night shift: Sam' }).click();
    assert.match(page.url(), /view=day&date=2026-12-04&event=[0-9a-f]{16}$/);
    await page.getByRole('link', { name: 'Back to the calendar' }).click();
    assert.equal(await page.locator('h2#period').innerText(), 'Friday, 4 December 2026');
    await context.close();
  });


  test('next and previous stay inside the range', async () => {
    const { page, context } = await openPage(browser, { width: 1280 });
    await page.goto(`${api.base}${sharePath(full)}?view=week&date=2026-12-03`);
    await page.getByRole('link', { name: 'Next week' }).click();
    assert.equal(await page.locator('h2#period').innerText(), '7\u2009–\u200913 December 2026');
    await page.getByRole('link', { name: 'Month' }).click();
    assert.equal(await page.locator('h2#period').innerText(), 'December 2026');
    assert.equal(await page.getByRole('link', { name: /Previous/ }).count(), 0, 'the range starts in December');
    assert.equal(await page.getByRole('link', { name: /Next/ }).count(), 0, 'and ends with it');
    await context.close();
  });

  test('the filter form narrows the events and the links keep the filter', async () => {
    const { page, context } = await openPage(browser, { width: 1280 });
    await page.goto(`${api.base}${sharePath(full)}?view=agenda&date=2026-12-01`);
    await page.getByLabel('Resource', { exact: true }).selectOption('Tier 2');
    await page.getByRole('button', { name: 'Apply' }).click();
    assert.match(page.url(), /resource=Tier\+2/);
    const text = await page.locator('main').innerText();
    assert.match(text, /On call: Lee/);
    assert.doesNotMatch(text, /On call: Kim/);
    await page.getByRole('link', { name: 'Month' }).click();
    assert.match(page.url(), /resource=Tier\+2/);
    assert.doesNotMatch(await page.locator('main').innerText(), /On call: Kim/);
    await page.getByRole('link', { name: 'Clear filters' }).click();
    assert.match(await page.locator('main').innerText(), /On call: Kim/);
    await context.close();
  });

  test('the time zone switch shows other wall-clock times', async () => {
    const { page, context } = await openPage(browser, { width: 1280 });
    await page.goto(`${api.base}${sharePath(full)}?view=agenda&date=2026-12-03`);
    await page.getByLabel('Time zone', { exact: true }).selectOption('Europe/Berlin');
    await page.getByRole('button', { name: 'Apply' }).click();
    assert.match(await page.locator('.tzline').innerText(), /Times in Europe\/Berlin/);
    assert.match(await page.locator('main').innerText(), /15:00–23:00\s*On call: Kim/);
    await context.close();
  });

  test('invalid choices are ignored and not echoed', async () => {
    const { page, context } = await openPage(browser, { width: 1280 });
    const response = await page.goto(`${api.base}${sharePath(full)}?view=year&date=2026-99-01&resource=Nope%3Cb%3E&tz=Mars%2FBase&date=2026-12-03`);
    assert.equal(response.status(), 200);
    const html = await response.text();
    assert.ok(!html.includes('Nope') && !html.includes('Mars') && !html.includes('year'));
    assert.equal(await page.locator('h2#period').innerText(), 'December 2026');
    await context.close();
  });
});

describe('embedding', () => {
  for (const width of [1280, 390]) {
    test(`embed mode at ${width} px has no page chrome`, async () => {
      const { page, context, response } = await visit(`${sharePath(full)}?embed=1&date=2026-12-03`, { width, name: `embed-month-${width}` });
      assert.equal(await page.locator('header').count(), 0);
      assert.equal(await page.locator('footer').count(), 0);
      assert.match(response.headers()['content-security-policy'], /frame-ancestors \*/);
      assert.equal(response.headers()['x-frame-options'], undefined);
      for (const href of await page.locator('main a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))) {
        assert.match(href, /embed=1/, `link ${href} stays embedded`);
      }
      await context.close();
    });
  }

  test('another site can frame the embed page but not the normal page', async () => {
    const host = createServer((request, response) => {
      const embed = request.url.includes('embed');
      response.setHeader('content-type', 'text/html');
      response.end(`<!DOCTYPE html><title>Intranet</title><iframe title="Rota" width="900" height="700" src="${api.base}${sharePath(full)}?date=2026-12-03${embed ? '&embed=1' : ''}"></iframe>`);
    });
    await new Promise((done) => host.listen(0, '127.0.0.1', done));
    const origin = `http://localhost:${host.address().port}`;
    try {
      const { page, context } = await openPage(browser, { width: 1000 });
      await page.goto(`${origin}/embed`);
      const framed = page.frameLocator('iframe');
      assert.equal(await framed.locator('h2#period').innerText(), 'December 2026');
      await screenshot(page, 'embed-in-iframe');
      await page.goto(`${origin}/plain`);
      await page.waitForTimeout(300);
      const frame = page.frames().find((f) => f !== page.mainFrame());
      const blocked = !frame || (await frame.locator('h2#period').count().catch(() => 0)) === 0;
      assert.ok(blocked, 'the normal page refuses to be framed');
      await context.close();
    } finally {
      host.close();
    }
  });
});

describe('errors, headers and caching', () => {
  test('an unknown share is a friendly 404 that echoes nothing', async () => {
    for (const width of [1280, 390]) {
      const { page, context, response } = await visit('/s/00000000000000000000000000000000', { width, status: 404, name: `not-found-${width}` });
      assert.equal(await page.locator('h1').innerText(), 'Calendar not found');
      assert.ok(!(await response.text()).includes('00000000000000000000000000000000'));
      await context.close();
    }
    const malformed = await fetch(`${api.base}/s/%3Cscript%3Ealert(1)%3C%2Fscript%3E`);
    assert.equal(malformed.status, 404);
    assert.ok(!(await malformed.text()).includes('alert'));
  });

  test('headers protect the page and the feed', async () => {
    for (const path of [sharePath(full), `${sharePath(full)}/calendar.ics`]) {
      const response = await fetch(api.base + path);
      assert.equal(response.status, 200, path);
      const h = response.headers;
      assert.match(h.get('content-security-policy'), /default-src 'none'/);
      assert.match(h.get('content-security-policy'), /style-src 'sha256-[A-Za-z0-9+/]+=*'/);
      assert.doesNotMatch(h.get('content-security-policy'), /unsafe-inline/);
      assert.match(h.get('content-security-policy'), /frame-ancestors 'none'/);
      assert.equal(h.get('x-content-type-options'), 'nosniff');
      assert.equal(h.get('referrer-policy'), 'no-referrer');
      assert.match(h.get('x-robots-tag'), /noindex/);
      const maxAge = Number(h.get('cache-control').match(/max-age=(\d+)/)[1]);
      assert.ok(maxAge <= 60, `max-age ${maxAge}`);
      assert.ok(h.get('etag'));
      assert.match(h.get('content-type'), path.endsWith('.ics') ? /^text\/calendar; charset=utf-8/ : /^text\/html; charset=utf-8/);
    }
  });

  test('If-None-Match gives 304, and another query another ETag', async () => {
    for (const path of [`${sharePath(full)}?view=week&date=2026-12-03`, `${sharePath(full)}/calendar.ics`]) {
      const first = await fetch(api.base + path);
      const etag = first.headers.get('etag');
      await first.arrayBuffer();
      const again = await fetch(api.base + path, { headers: { 'if-none-match': etag } });
      assert.equal(again.status, 304, path);
      assert.equal(await again.text(), '');
    }
    const week = await fetch(`${api.base}${sharePath(full)}?view=week&date=2026-12-03`);
    const filtered = await fetch(`${api.base}${sharePath(full)}?view=week&date=2026-12-03&resource=Tier+1`);
    assert.notEqual(week.headers.get('etag'), filtered.headers.get('etag'));
  });
});
