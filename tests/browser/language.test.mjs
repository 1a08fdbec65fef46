// The page in the recipient's language in Chromium: `<html lang>`, German names and words, an
// American reader's 12-hour clock and Sunday-first month, week headings as CLDR's date intervals and
// times by CLDR's short time pattern, axe-clean non-English pages at phone and desktop width, and the
// language switch working with scripts off (keeping view, date and zone).

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
  sharePath,
  startApi,
} from './support.mjs';

let api;
let browser;
let share;

before(async () => {
  api = await startApi();
  browser = await launchBrowser();
  share = await publish(api.base, {
    title: 'Support rota',
    detail: 'full',
    view: 'month',
    timeZone: 'America/New_York',
    range: { start: '2026-12-01', end: '2027-01-01' },
    events: rotaEvents(),
  });
});

after(async () => {
  await browser?.close();
  await api?.stop();
});

/** Opens a path as a reader whose browser asks for `locale`; checks what every page must satisfy. */
async function visit(path, { locale, name, width = 1280, javaScriptEnabled = true }) {
  const { page, context, problems } = await openPage(browser, { width, locale, javaScriptEnabled });
  const response = await page.goto(api.base + path);
  assert.equal(response.status(), 200, `${name}: status`);
  assert.deepEqual(await seriousViolations(page), [], `${name}: axe serious or critical violations`);
  if (width <= 390) {
    const { scrollWidth, clientWidth } = await horizontalOverflow(page);
    assert.ok(scrollWidth <= clientWidth, `${name}: scrolls sideways (${scrollWidth} > ${clientWidth})`);
  }
  assert.deepEqual(problems, { console: [], errors: [], dialogs: [] }, `${name}: problems`);
  await screenshot(page, name);
  return { page, context };
}

const htmlLang = (page) => page.evaluate(() => document.documentElement.lang);
const columnTitles = (page) => page.locator('table.month thead abbr').evaluateAll((abbrs) => abbrs.map((a) => a.title));

describe('the page in the reader’s language', () => {
  for (const width of [1280, 390]) {
    test(`a German reader gets German names and words (${width} px)`, async () => {
      const { page, context } = await visit(`${sharePath(share)}?date=2026-12-03`, { locale: 'de-DE', width, name: `language-de-month-${width}` });
      assert.equal(await htmlLang(page), 'de');
      assert.equal(await page.locator('h2#period').innerText(), 'Dezember 2026');
      assert.deepEqual((await columnTitles(page)).slice(0, 2), ['Montag', 'Dienstag'], 'weeks start on Monday');
      assert.equal(await page.getByRole('link', { name: 'Woche' }).count(), 1);
      assert.match(await page.locator('footer').innerText(), /Dieser schreibgeschützte Kalender umfasst Dienstag, 1\. Dezember 2026 bis Donnerstag, 31\. Dezember 2026\./);
      const kim = page.locator('li.ev a', { hasText: 'On call: Kim' }).first();
      assert.match(await kim.innerText(), /^09:00 On call: Kim/);
      await context.close();
    });
  }

  test('an American reader gets a 12-hour clock and a Sunday-first month', async () => {
    const { page, context } = await visit(`${sharePath(share)}?date=2026-12-03`, { locale: 'en-US', name: 'language-en-us-month' });
    assert.equal(await htmlLang(page), 'en-US');
    assert.deepEqual(await columnTitles(page), ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']);
    const firstDay = await page.locator('table.month tbody td .dn').first().innerText();
    assert.equal(firstDay, '29', 'Sunday 29 November opens the grid');
    const kim = page.locator('li.ev a', { hasText: 'On call: Kim' }).first();
    assert.match(await kim.innerText(), /^9:00\sAM On call: Kim/);
    await page.goto(`${api.base}${sharePath(share)}?view=week&date=2026-12-03`);
    assert.equal(await page.locator('h2#period').innerText(), 'November 29\u2009–\u2009December 5, 2026');
    assert.match(await page.locator('.tl .ev', { hasText: 'On call: Kim' }).innerText(), /9:00\sAM\s–\s5:00\sPM/);
    await screenshot(page, 'language-en-us-week');
    await context.close();
  });

  // CLDR's intervals: the month and year written once, dashes and thin spaces as CLDR has them.
  for (const [lang, date, heading, kim] of [
    ['de', '2026-12-16', '14.–20. Dezember 2026', /(^|\D)09:00–17:00/],
    ['es', '2026-12-03', '30 de noviembre\u2009–\u20096 de diciembre de 2026', /(^|\D)9:00–17:00/],
    ['en-GB', '2026-12-16', '14\u2009–\u200920 December 2026', /(^|\D)09:00–17:00/],
    ['it', '2026-12-31', '28 dicembre 2026\u2009–\u200903 gennaio 2027', null],
    ['en-US', '2026-12-16', 'December 13\u2009–\u200919, 2026', /9:00\sAM\s–\s5:00\sPM/],
  ]) {
    test(`a week in ${lang} is headed by CLDR's interval and timed by its pattern`, async () => {
      const { page, context } = await visit(`${sharePath(share)}?view=week&date=${date}&lang=${lang}`, { locale: 'en-GB', name: `language-${lang}-week-heading` });
      assert.equal(await page.locator('h2#period').innerText(), heading);
      if (kim) {
        assert.match(await page.locator('.tl .ev', { hasText: 'On call: Kim' }).first().innerText(), kim);
      }
      await context.close();
    });
  }

  test('with scripts off, the switch changes the language and keeps view, date and zone', async () => {
    // Scripts off: only what needs no script in the page (no `evaluate`) reads it.
    const { page, context, problems } = await openPage(browser, { locale: 'en-GB', javaScriptEnabled: false });
    await page.goto(`${api.base}${sharePath(share)}?view=week&date=2026-12-03&tz=Europe/Paris`);
    const lang = () => page.locator('html').getAttribute('lang');
    assert.equal(await lang(), 'en-GB');
    const options = page.locator('#f-lang option');
    const values = [];
    for (let i = 0; i < (await options.count()); i += 1) {
      const option = options.nth(i);
      values.push(await option.getAttribute('value'));
      assert.equal(await option.getAttribute('lang'), values.at(-1), 'each name marked in its own language');
    }
    assert.deepEqual(values, ['en-US', 'en-GB', 'de', 'fr', 'es', 'it', 'nl', 'pt-BR']);
    await screenshot(page, 'language-switch-before');
    await page.selectOption('#f-lang', 'fr');
    await Promise.all([page.waitForNavigation(), page.click('form:has(#f-lang) button[type=submit]')]);
    const url = new URL(page.url());
    assert.deepEqual(
      ['view', 'date', 'tz', 'lang'].map((name) => url.searchParams.get(name)),
      ['week', '2026-12-03', 'Europe/Paris', 'fr'],
    );
    assert.equal(await lang(), 'fr');
    assert.equal(await page.locator('h2#period').innerText(), '30 novembre\u2009–\u20096 décembre 2026');
    assert.match(await page.locator('.tzline').innerText(), /Heures en Europe\/Paris/);
    await screenshot(page, 'language-switch-fr-week');
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Mois' }).click()]);
    assert.equal(new URL(page.url()).searchParams.get('lang'), 'fr', 'the page’s links keep the pick');
    assert.equal(await page.locator('h2#period').innerText(), 'décembre 2026');
    assert.deepEqual(problems, { console: [], errors: [], dialogs: [] });
    await screenshot(page, 'language-switch-fr-month');
    const where = new URL(page.url());
    await context.close();

    const french = await visit(`${where.pathname}${where.search}`, { locale: 'en-GB', name: 'language-fr-month-axe' });
    assert.equal(await htmlLang(french.page), 'fr', 'the pick beats the browser’s language');
    await french.context.close();
  });
});
