// The group's display settings on a share page in a real browser: the day grid's hours, status
// colours and resource folders, at desktop and phone width, light and dark; folders with scripts off.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  horizontalOverflow,
  launchBrowser,
  openPage,
  publish,
  rotaEvents,
  screenshot,
  seriousViolations,
  setPolicy,
  sharePath,
  startApi,
} from './support.mjs';

let api;
let browser;
let share;

const display = {
  dayStart: '10:00',
  dayEnd: '16:00',
  statusColors: { Confirmed: '#2e7d32' },
  resourceFolders: [{ name: 'Front line', resources: ['Tier 1'] }],
};

before(async () => {
  api = await startApi();
  browser = await launchBrowser();
  // Events without a colour of their own, so the status colours show.
  const events = rotaEvents().map(({ color, ...event }) => event);
  share = await publish(api.base, {
    title: 'Support rota',
    detail: 'full',
    view: 'week',
    timeZone: 'America/New_York',
    range: { start: '2026-12-01', end: '2027-01-01' },
    events,
  });
  await setPolicy(api.base, { sharing: 'everyone', display });
});

after(async () => {
  await browser?.close();
  await api?.stop();
});

describe('the group display settings', () => {
  for (const [width, colorScheme] of [[1280, 'light'], [390, 'light'], [1280, 'dark'], [390, 'dark']]) {
    test(`the week grid runs from dayStart to dayEnd at ${width} px, ${colorScheme}`, async () => {
      const { page, context } = await openPage(browser, { width, colorScheme });
      const response = await page.goto(`${api.base}${sharePath(share)}?view=week&date=2026-12-03`);
      assert.equal(response.status(), 200);
      const hours = await page.locator('.gut span').allInnerTexts();
      assert.equal(hours.length, 6, `one label per hour from 10:00 to 16:00: ${hours}`);
      assert.match(hours[0], /^10\b/);
      // On call: Kim runs 09:00-17:00, past both edges of the 10:00-16:00 grid.
      const kim = page.locator('li.ev', { hasText: 'On call: Kim' });
      assert.match(await kim.getAttribute('class'), /\bpast-s\b.*\bpast-e\b/);
      const blocks = await page.locator('li.ev').evaluateAll((items) =>
        items.map((item) => ({ title: item.innerText, colour: getComputedStyle(item).borderLeftColor })),
      );
      const confirmed = blocks.find((block) => block.title.includes('On call: Kim'));
      const tentative = blocks.find((block) => block.title.includes('On call: Lee'));
      assert.notEqual(confirmed.colour, tentative.colour, 'Confirmed takes the group colour, Tentative does not');
      assert.deepEqual(await seriousViolations(page), [], 'axe serious or critical violations');
      if (width <= 390) {
        const { scrollWidth, clientWidth } = await horizontalOverflow(page);
        assert.ok(scrollWidth <= clientWidth, `scrolls sideways (${scrollWidth} > ${clientWidth})`);
      }
      await screenshot(page, `display-week-${width}-${colorScheme}`);
      await context.close();
    });
  }

  test('with scripts off, a resource folder narrows the page and the links keep it', async () => {
    const { page, context } = await openPage(browser, { width: 1280, javaScriptEnabled: false });
    await page.goto(`${api.base}${sharePath(share)}?view=agenda&date=2026-12-01`);
    const groups = [...(await page.content()).matchAll(/<optgroup label="([^"]*)">/g)].map((match) => match[1]);
    assert.deepEqual(groups, ['Front line', 'Other']);
    await page.getByLabel('Folder', { exact: true }).selectOption('Front line');
    await page.getByRole('button', { name: 'Apply' }).click();
    assert.match(page.url(), /folder=Front\+line/);
    const text = await page.locator('main').innerText();
    assert.match(text, /On call: Kim/);
    assert.doesNotMatch(text, /On call: Lee/, 'Tier 2 is not in the folder');
    await page.getByRole('link', { name: 'Month' }).click();
    assert.match(page.url(), /folder=Front\+line/);
    await screenshot(page, 'display-folder-month-1280');
    // Switching language keeps the folder.
    await page.locator('#f-lang').selectOption('de');
    await page.getByRole('button', { name: 'Change language' }).click();
    assert.match(page.url(), /folder=Front\+line/);
    assert.match(page.url(), /lang=de/);
    assert.doesNotMatch(await page.locator('main').innerText(), /On call: Lee/, 'still narrowed to the folder');
    await page.locator('#f-lang').selectOption('en-GB');
    await page.getByRole('button', { name: 'Sprache ändern' }).click();
    await page.getByRole('link', { name: 'Clear filters' }).click();
    assert.match(await page.locator('main').innerText(), /On call: Lee/);
    await context.close();
  });
});
