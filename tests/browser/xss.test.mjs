// Hostile text in every field a publisher controls: in the browser nothing may run, whatever view,
// filter or zone the recipient picks. The CSP is bypassed here, so these tests hold the escaping
// itself to account; the CSP is a second line checked in views.test.mjs.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { launchBrowser, openPage, publish, screenshot, sharePath, startApi, token } from './support.mjs';

// Each sets window.__xss or opens a dialog if it ever runs.
const corpus = [
  '<script>window.__xss="script"</script>',
  '<img src=x onerror="window.__xss=\'img\'">',
  '<svg onload="window.__xss=\'svg\'"><circle r=1></svg>',
  '"><script>alert("breakout")</script>',
  "' onmouseover='window.__xss=\"attr\"' x='",
  '" autofocus onfocus="window.__xss=\'focus\'" x="',
  'javascript:alert("js-url")',
  '<a href="javascript:alert(\'link\')">click me</a>',
  '&lt;script&gt;alert("entity")&lt;/script&gt;',
  '&#60;img src=x onerror=alert(&#39;numeric&#39;)&#62;',
  '</title><script>alert("title")</script>',
  '</style><script>alert("style")</script>',
  '<iframe srcdoc="&lt;script&gt;parent.__xss=1&lt;/script&gt;"></iframe>',
  '\u202Egnp.exe\u202C <b>rtl override</b> \u2067isolate\u2069',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert("mxss")>',
  '<details open ontoggle=alert("toggle")>',
  '{{7*7}} ${7*7} {% raw %}',
  '<base href="javascript:/"><form action="javascript:alert(1)"><button>go</button></form>',
];

let api;
let browser;
let share;
let graphShare;

before(async () => {
  api = await startApi();
  browser = await launchBrowser();
  const events = corpus.map((payload, i) => ({
    id: payload,
    title: payload,
    location: payload,
    description: payload,
    resource: payload,
    status: payload,
    start: `2026-12-${String(1 + i).padStart(2, '0')}T09:00:00-05:00`,
    end: `2026-12-${String(1 + i).padStart(2, '0')}T10:00:00-05:00`,
    showAs: 'busy',
  }));
  share = await publish(api.base, {
    title: corpus.slice(0, 5).join(' '),
    detail: 'full',
    view: 'month',
    timeZone: 'America/New_York',
    range: { start: '2026-12-01', end: '2027-01-01' },
    events,
  });
  // A Graph HTML body goes through the write-time sanitiser and is the one thing shown as markup.
  const response = await fetch(`${api.base}/shares`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token()}` },
    body: JSON.stringify({
      title: 'Graph bodies',
      visibility: 'public',
      detail: 'full',
      view: 'agenda',
      timeZone: 'America/New_York',
      range: { start: '2026-12-01', end: '2027-01-01' },
      format: 'msgraph',
      events: corpus.map((payload, i) => ({
        id: `graph-${i}`,
        subject: payload,
        start: { dateTime: `2026-12-${String(1 + i).padStart(2, '0')}T09:00:00.0000000`, timeZone: 'Eastern Standard Time' },
        end: { dateTime: `2026-12-${String(1 + i).padStart(2, '0')}T10:00:00.0000000`, timeZone: 'Eastern Standard Time' },
        body: { contentType: 'html', content: `<p>Agenda <b>bold</b> <a href="https://example.com/x">link</a></p>${payload}` },
        location: { displayName: payload },
        showAs: 'busy',
      })),
    }),
  });
  graphShare = response.status === 201 ? await response.json() : null;
});

after(async () => {
  await browser?.close();
  await api?.stop();
});

/** Visits a page with the CSP off and proves nothing ran and nothing live was injected. */
async function assertInert(path, name, { thorough = true } = {}) {
  const { page, context, problems } = await openPage(browser, { width: 1280, bypassCSP: true });
  const response = await page.goto(api.base + path);
  assert.equal(response.status(), 200, `${name}: status`);
  // Give anything injected every chance: focus each control, hover each event, toggle details.
  for (let i = 0; i < (thorough ? 25 : 5); i++) await page.keyboard.press('Tab');
  for (const item of (await page.locator('li').all()).slice(0, thorough ? 40 : 5)) await item.hover().catch(() => {});
  await page.locator('details summary').evaluateAll((summaries) => summaries.forEach((s) => s.click()));
  await page.waitForTimeout(100);
  assert.deepEqual(problems.dialogs, [], `${name}: a dialog opened`);
  assert.deepEqual(problems.errors, [], `${name}: page errors`);
  assert.equal(await page.evaluate(() => window.__xss), undefined, `${name}: an injected script ran`);
  const live = await page.evaluate(() => {
    const found = [];
    for (const element of document.querySelectorAll('*')) {
      const tag = element.localName;
      // The one image the page draws itself: the QR code of its own link, printed beside it.
      const ownQrCode = tag === 'img' && element.closest('figure.printed-link') && /^data:image\/svg\+xml[,;]/.test(element.getAttribute('src'));
      if (['script', 'img', 'svg', 'iframe', 'math', 'base', 'object', 'embed', 'button'].includes(tag) && !ownQrCode) {
        if (tag !== 'button' || element.closest('form')?.className !== 'filters') found.push(`<${tag}>`);
      }
      if (tag === 'style' && element.parentElement !== document.head) found.push('<style> in body');
      if (tag === 'form' && element.className !== 'filters') found.push('<form>');
      for (const attribute of element.attributes) {
        if (attribute.name.startsWith('on') || attribute.name === 'srcdoc' || attribute.name === 'autofocus') found.push(`${tag}[${attribute.name}]`);
        if (/^\s*javascript:/i.test(attribute.value) && ['href', 'src', 'action', 'formaction'].includes(attribute.name)) found.push(`${tag}[${attribute.name}=javascript:]`);
      }
    }
    return found;
  });
  assert.deepEqual(live, [], `${name}: live markup from the data`);
  await screenshot(page, `xss-${name}`);
  return { page, context };
}

describe('hostile text in every field and the title', () => {
  for (const view of ['month', 'week', 'day', 'agenda']) {
    test(`${view} view`, async () => {
      const { page, context } = await assertInert(`${sharePath(share)}?view=${view}&date=2026-12-07`, view);
      // Shown as text, not dropped: the payloads read back literally.
      const text = await page.locator('body').innerText();
      assert.ok(text.includes(corpus.slice(0, 5).join(' ')), 'the share title reads back');
      if (view === 'agenda') {
        for (const payload of corpus.slice(6, 12)) assert.ok(text.includes(payload), `${payload} reads back`);
      }
      await context.close();
    });
  }

  test("each event's details view", async () => {
    const { page: month, context: monthContext } = await openPage(browser, { width: 1280 });
    await month.goto(`${api.base}${sharePath(share)}?view=month&date=2026-12-07`);
    const hrefs = [...new Set(await month.locator('main .ev a').evaluateAll((links) => links.map((a) => a.getAttribute('href'))))];
    await monthContext.close();
    assert.equal(hrefs.length, corpus.length, 'every event links to its details');
    for (const [i, href] of hrefs.entries()) {
      const { page, context } = await assertInert(`${sharePath(share)}${href}`, `details-${i}`, { thorough: i < 3 });
      const heading = await page.locator('h2#period').innerText();
      assert.ok(corpus.some((payload) => heading === payload.trim() || heading.includes(payload.slice(0, 12))), `details-${i}: ${heading}`);
      await context.close();
    }
  });

  test('every payload chosen as a filter, in every view', async () => {
    for (const [i, payload] of corpus.entries()) {
      const view = ['month', 'week', 'agenda'][i % 3];
      const query = new URLSearchParams({ view, date: `2026-12-${String(1 + i).padStart(2, '0')}`, resource: payload, status: payload });
      const { page, context } = await assertInert(`${sharePath(share)}?${query}`, `filter-${i}`, { thorough: false });
      assert.equal(await page.locator('#f-resource').inputValue(), payload, `filter ${i} is selected`);
      await context.close();
    }
  });

  test('hostile query values are ignored', async () => {
    for (const payload of corpus) {
      const query = new URLSearchParams({ view: payload, date: payload, tz: payload, embed: payload, event: payload });
      const { context } = await assertInert(`${sharePath(share)}?${query}`, 'query', { thorough: false });
      await context.close();
    }
  });

  test('the feed carries the text exactly, for an independent parser', async () => {
    const response = await fetch(`${api.base}${sharePath(share)}/calendar.ics`);
    const calendar = new ICAL.Component(ICAL.parse(await response.text()));
    const events = calendar.getAllSubcomponents('vevent');
    assert.equal(events.length, corpus.length);
    const summaries = events.map((event) => event.getFirstPropertyValue('summary'));
    assert.deepEqual(summaries.sort(), [...corpus].sort());
    assert.deepEqual(events.map((e) => e.getFirstPropertyValue('location')).sort(), [...corpus].sort());
    assert.equal(calendar.getFirstPropertyValue('x-wr-calname'), corpus.slice(0, 5).join(' '));
  });

  test('sanitised Graph HTML bodies keep their formatting and lose everything live', async (t) => {
    if (!graphShare) return t.skip('the msgraph format is not available in this build');
    const { page, context } = await assertInert(`${sharePath(graphShare)}?view=agenda&date=2026-12-01`, 'graph-html');
    assert.ok((await page.locator('.desc.html b', { hasText: 'bold' }).count()) > 0, 'formatting kept');
    const hrefs = await page.locator('.desc.html a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    // The sanitiser keeps http(s) and mailto links; a javascript: one loses its href altogether.
    assert.ok(hrefs.some((href) => href === 'https://example.com/x'), `links: ${hrefs}`);
    assert.ok(hrefs.every((href) => href === null || /^(https?:|mailto:)/.test(href)), `links: ${hrefs}`);
    await context.close();
  });
});
