// Publish a file: an .ics file's text sent as it is (format "ical"); the service reads and minimises it.

import { call } from './api.js';
import { $ } from './dom.js';
import { attempt, complain, say } from './ui.js';

const MAX_BODY_BYTES = 5_000_000;

export async function showPublish() {
  const zone = $('publish-zone');
  if (!zone.value) zone.value = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const sharing = await attempt(() => call('GET', '/me/sharing'));
  if (!sharing) return;
  for (const option of $('publish-detail').options) {
    option.disabled = Array.isArray(sharing.allowedDetail) && !sharing.allowedDetail.includes(option.value);
  }
  if ($('publish-detail').selectedOptions[0]?.disabled) {
    const allowed = [...$('publish-detail').options].find((option) => !option.disabled);
    if (allowed) allowed.selected = true;
  }
  if (!sharing.canShare) complain(new Error(`You may not publish now: ${sharing.reason || 'your group does not allow it'}.`));
}

async function publish(event) {
  event.preventDefault();
  const form = event.target;
  const file = $('publish-file').files[0];
  if (!file) return;
  if (file.size > MAX_BODY_BYTES) {
    complain(new Error('The file is larger than the 5 MB a share may hold.'));
    return;
  }
  const body = {
    visibility: 'public',
    format: 'ical',
    title: $('publish-title').value.trim(),
    detail: $('publish-detail').value,
    view: $('publish-view').value,
    timeZone: $('publish-zone').value.trim(),
    events: await file.text(),
  };
  const start = $('publish-start').value;
  const end = $('publish-end').value;
  if (start || end) body.range = { start, end };
  const expires = $('publish-expires').value;
  if (expires) body.expiresAt = new Date(`${expires}T00:00`).toISOString().replace(/\.\d+Z$/, 'Z');
  const password = $('publish-password').value;
  if (password) body.password = password;
  const button = form.querySelector('button[type=submit]');
  button.disabled = true;
  const share = await attempt(() => call('POST', '/shares', { json: body, headers: { 'idempotency-key': crypto.randomUUID() } }));
  button.disabled = false;
  if (!share) return;
  form.reset();
  $('publish-zone').value = body.timeZone;
  const link = $('published-link');
  link.href = share.url;
  link.textContent = share.url;
  const left = share.leftOut ? `, ${share.leftOut} outside the range left out` : '';
  $('published-count').textContent = `${share.eventCount} events published${left}.`;
  $('published').hidden = false;
  say(`“${share.title}” is published.`);
  link.focus();
}

$('publish-form').addEventListener('submit', publish);
