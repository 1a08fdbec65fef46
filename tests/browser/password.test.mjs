// A password share in Chromium: the locked page holds only the form (axe-clean, CSP-clean), a wrong
// password shows the form again, the right one opens the page, and the cookie opens it again
// (another view, another tab) while a reader without it still gets the form.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, openPage, publish, screenshot, seriousViolations, sharePath, startApi } from './support.mjs';

const PASSWORD = 'correct horse battery';

let api;
let browser;
let share;

before(async () => {
  api = await startApi();
  browser = await launchBrowser();
  share = await publish(api.base, {
    title: 'Locked support rota',
    detail: 'limited',
    view: 'month',
    timeZone: 'America/New_York',
    range: { start: '2026-12-01', end: '2027-01-01' },
    password: PASSWORD,
    events: [
      { title: 'On call: Kim', start: '2026-12-03T09:00:00-05:00', end: '2026-12-03T17:00:00-05:00', showAs: 'busy' },
    ],
  });
});

after(async () => {
  await browser?.close();
  await api?.stop();
});

async function submit(page, password) {
  await page.fill('#password', password);
  const [response] = await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  return response;
}

describe('a password share in the browser', () => {
  test('locked, wrong, right, and the cookie reused', async () => {
    const { page, context, problems } = await openPage(browser);
    const url = `${api.base}${sharePath(share)}?date=2026-12-01`;
    const locked = await page.goto(url);
    assert.equal(locked.status(), 401);
    const lockedText = await page.textContent('body');
    assert.ok(!lockedText.includes('Locked support rota') && !lockedText.includes('On call'), lockedText);
    assert.equal(await page.locator('form input[type=password]').count(), 1);
    assert.deepEqual(await seriousViolations(page), []);
    await screenshot(page, 'password-locked');

    const wrong = await submit(page, 'not the password');
    assert.equal(wrong.status(), 401);
    assert.match(await page.textContent('body'), /not right/);
    assert.ok(!(await page.textContent('body')).includes('Locked support rota'));

    const right = await submit(page, PASSWORD);
    assert.equal(right.status(), 200);
    assert.equal(new URL(page.url()).pathname, sharePath(share));
    assert.match(await page.textContent('body'), /Locked support rota/);
    const [cookie] = (await context.cookies()).filter((c) => c.name === 'share_unlock');
    assert.ok(cookie, 'the unlock cookie is kept');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.secure, true);
    assert.equal(cookie.sameSite, 'Lax');
    assert.equal(cookie.path, sharePath(share));

    const again = await context.newPage();
    const reused = await again.goto(`${api.base}${sharePath(share)}?view=agenda&date=2026-12-01`);
    assert.equal(reused.status(), 200, 'the cookie opens the share again, in another view');
    assert.match(await again.textContent('body'), /On call: Kim/);
    // Chromium logs every 401 document as a failed load; anything else (a CSP violation) is a problem.
    const unexpected = problems.console.filter((message) => !message.includes('status of 401'));
    assert.deepEqual({ ...problems, console: unexpected }, { console: [], errors: [], dialogs: [] });

    const { page: stranger, context: strangerContext } = await openPage(browser);
    assert.equal((await stranger.goto(url)).status(), 401, 'a reader without the cookie gets the form');
    await strangerContext.close();
    await context.close();
  });
});
