// Admin: the group's sharing policy, its people, and every share of the group with revocation.

import { call } from './api.js';
import { $, el, hidden } from './dom.js';
import { pagedList } from './shares.js';
import { ask, attempt, say } from './ui.js';

const DETAIL_LEVELS = ['availability', 'limited', 'full'];
let policy = null;
let loadGroupShares;

function fillPolicy(settings) {
  policy = settings;
  $('policy-sharing').value = settings.sharing;
  $('policy-max-expiry').value = settings.maxExpiryDays ?? '';
  for (const level of DETAIL_LEVELS) $(`policy-detail-${level}`).checked = (settings.allowedDetail || []).includes(level);
  $('policy-require-password').checked = Boolean(settings.requirePassword);
  $('policy-sealing').value = settings.sealing || 'allowed';
  const display = settings.display || {};
  $('display-locale').value = display.locale || '';
  $('display-week-start').value = display.weekStart || '';
  $('display-time-format').value = display.timeFormat || '';
  $('display-day-start').value = display.dayStart || '';
  $('display-day-end').value = display.dayEnd || '';
  const kept = [
    display.statusColors && Object.keys(display.statusColors).length ? 'status colours' : null,
    display.resourceFolders?.length ? 'resource folders' : null,
  ].filter(Boolean);
  $('display-kept').textContent = kept.length ? `The group’s ${kept.join(' and ')} are kept as they are.` : '';
  $('display-kept').hidden = kept.length === 0;
}

async function savePolicy(event) {
  event.preventDefault();
  const display = {};
  const kept = policy?.display || {};
  if (kept.statusColors) display.statusColors = kept.statusColors;
  if (kept.resourceFolders) display.resourceFolders = kept.resourceFolders;
  for (const [field, id] of [['locale', 'display-locale'], ['weekStart', 'display-week-start'], ['timeFormat', 'display-time-format'], ['dayStart', 'display-day-start'], ['dayEnd', 'display-day-end']]) {
    const value = $(id).value.trim();
    if (value) display[field] = value;
  }
  const maxExpiry = $('policy-max-expiry').value.trim();
  const body = {
    sharing: $('policy-sharing').value,
    maxExpiryDays: maxExpiry ? Number(maxExpiry) : null,
    allowedDetail: DETAIL_LEVELS.filter((level) => $(`policy-detail-${level}`).checked),
    requirePassword: $('policy-require-password').checked,
    sealing: $('policy-sealing').value,
    display,
  };
  const saved = await attempt(() => call('PUT', '/settings', { json: body }));
  if (saved) {
    fillPolicy(saved);
    say('The sharing policy is saved; it applies to published shares at once.');
  }
}

async function putUser(userId, record) {
  return attempt(() => call('PUT', `/settings/users/${encodeURIComponent(userId)}`, { json: record }));
}

/** Revokes every share of one user, a hundred a call, after one confirmation. */
async function revokeAllOf(userId) {
  const sure = await ask({
    title: `Revoke every share of ${userId}?`,
    body: [el('p', { text: 'All of their links stop working at once and their shares are deleted. This cannot be undone.' })],
    ok: 'Revoke all',
    danger: true,
  });
  if (!sure) return;
  let revoked = 0;
  for (let round = 0; round < 1000; round += 1) {
    const answer = await attempt(() => call('DELETE', `/admin/users/${encodeURIComponent(userId)}/shares`));
    if (!answer) return;
    revoked += answer.revoked || 0;
    if (!answer.more) break;
  }
  say(`Revoked ${revoked} ${revoked === 1 ? 'share' : 'shares'} of ${userId}.`);
  await loadGroupShares();
}

function personRow(user) {
  const record = () => ({ email: user.email, canShare: canShare.checked, admin: admin.checked });
  const toggle = async (box, words) => {
    const stored = await putUser(user.userId, record());
    if (stored) {
      Object.assign(user, stored);
      say(`${user.userId} ${words(box.checked)}.`);
    } else {
      box.checked = !box.checked;
    }
  };
  const canShare = el('input', { type: 'checkbox', 'aria-label': `${user.userId} can share` });
  canShare.checked = Boolean(user.canShare);
  canShare.addEventListener('change', () => toggle(canShare, (on) => (on ? 'may share again' : 'may not share: their links answer “not found”')));
  const admin = el('input', { type: 'checkbox', 'aria-label': `${user.userId} is an admin` });
  admin.checked = Boolean(user.admin);
  admin.addEventListener('change', () => toggle(admin, (on) => (on ? 'is an admin' : 'is no longer an admin')));
  return el('tr', { 'data-user': user.userId },
    el('th', { scope: 'row' }, el('span', { text: user.userId }), el('br'), el('span', { class: 'hint', text: user.email || '' })),
    el('td', {}, canShare),
    el('td', {}, admin),
    el('td', {}, el('button', { type: 'button', class: 'danger', onclick: () => revokeAllOf(user.userId) }, 'Revoke all', hidden(` shares of ${user.userId}`))),
  );
}

async function loadPeople() {
  const answer = await attempt(() => call('GET', '/settings/users'));
  if (answer) $('people-rows').replaceChildren(...answer.users.map(personRow));
}

async function addPerson(event) {
  event.preventDefault();
  const userId = $('person-id').value.trim();
  const stored = await putUser(userId, { email: $('person-email').value.trim(), canShare: $('person-can-share').checked, admin: $('person-admin').checked });
  if (stored) {
    event.target.reset();
    say(`${userId} is added.`);
    await loadPeople();
  }
}

function owner() {
  return $('owner-filter').value.trim();
}

export async function showAdmin(settings) {
  loadGroupShares ||= pagedList({
    list: $('group-share-list'),
    empty: $('group-shares-empty'),
    more: $('group-shares-more'),
    path: () => (owner() ? `/admin/shares?owner=${encodeURIComponent(owner())}` : '/admin/shares'),
    admin: true,
  });
  const current = settings || (await attempt(() => call('GET', '/settings')));
  if (current) fillPolicy(current);
  await Promise.all([loadPeople(), loadGroupShares()]);
}

$('policy-form').addEventListener('submit', savePolicy);
$('person-form').addEventListener('submit', addPerson);
$('owner-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('revoke-all').hidden = !owner();
  await loadGroupShares();
});
$('revoke-all').addEventListener('click', () => revokeAllOf(owner()));
