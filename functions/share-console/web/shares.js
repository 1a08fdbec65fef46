// Shares as cards: what a share is and what may be done with it. The owner's list (My shares) gets
// every action; the admins' list only open, copy, QR code and revoke (admins may not edit).

import { call } from './api.js';
import { $, el, hidden } from './dom.js';
import { DETAILS, STATES, ask, attempt, rangeText, say, when } from './ui.js';

const yesNo = (value) => (value ? 'Yes' : 'No');

function fact(term, value) {
  return [el('dt', { text: term }), el('dd', { text: value })];
}

function label(share) {
  return share.title || (share.sealed ? 'Sealed share' : 'Untitled share');
}

async function copyLink(share) {
  try {
    await navigator.clipboard.writeText(share.url);
    say(`Link to “${label(share)}” copied.`);
  } catch {
    say(`Could not copy: the link is ${share.url}`);
  }
}

async function showQrCode(share) {
  const image = el('img', { src: `${share.url}/qr.svg`, alt: `QR code of the link to ${label(share)}`, width: 240, height: 240, class: 'qr' });
  await ask({ title: `QR code: ${label(share)}`, body: [image, el('p', { class: 'link', text: share.url })], ok: 'Close', info: true });
}

/** One share as a list item; `refresh` reloads the list it is in. */
export function shareCard(share, { admin = false, refresh }) {
  const name = label(share);
  const action = (text, onclick, extra = {}) =>
    el('button', { type: 'button', onclick, ...extra }, text, hidden(`: ${name}`));

  const patch = async (body, done) => {
    const updated = await attempt(() => call('PATCH', `/shares/${encodeURIComponent(share.id)}`, { mergePatch: body }));
    if (updated) {
      say(done);
      await refresh();
    }
  };

  const rotate = async () => {
    const sure = await ask({
      title: `Give “${name}” a new link?`,
      body: [el('p', { text: 'The current link stops working at once. Anyone who should keep seeing the share needs the new link.' })],
      ok: 'New link',
      danger: true,
    });
    if (!sure) return;
    const rotated = await attempt(() => call('POST', `/shares/${encodeURIComponent(share.id)}/rotate`));
    if (rotated) {
      say(`“${name}” has a new link: ${rotated.url}`);
      await refresh();
    }
  };

  const revoke = async () => {
    const sure = await ask({
      title: `Revoke “${name}”?`,
      body: [el('p', { text: 'The link stops working at once and the share is deleted. This cannot be undone.' })],
      ok: 'Revoke',
      danger: true,
    });
    if (!sure) return;
    const done = await attempt(async () => {
      await call('DELETE', `/shares/${encodeURIComponent(share.id)}`);
      return true;
    });
    if (done) {
      // The card goes: focus moves to its list's heading rather than to the page's start.
      const heading = item.closest('section')?.querySelector('h1, h2');
      say(`“${name}” is revoked.`);
      await refresh();
      if (heading) {
        heading.tabIndex = -1;
        heading.focus();
      }
    }
  };

  const setPassword = async () => {
    const input = el('input', { id: 'dialog-password', name: 'password', type: 'password', required: true, minlength: 8, maxlength: 128, autocomplete: 'new-password' });
    const answer = await ask({
      title: `Password for “${name}”`,
      body: [el('label', { for: 'dialog-password', text: 'New password (8 to 128 characters)' }), input,
        el('p', { class: 'hint', text: 'Recipients must enter it; anyone who opened the share before must enter it again.' })],
      ok: 'Set password',
    });
    if (answer) await patch({ password: answer.get('password') }, `“${name}” now asks for a password.`);
  };

  const removePassword = async () => {
    const sure = await ask({ title: `Remove the password of “${name}”?`, body: [el('p', { text: 'Anyone with the link can open the share.' })], ok: 'Remove password', danger: true });
    if (sure) await patch({ password: null }, `“${name}” no longer asks for a password.`);
  };

  const changeExpiry = async () => {
    const current = share.expiresAt ? share.expiresAt.slice(0, 10) : '';
    const input = el('input', { id: 'dialog-expiry', name: 'expiry', type: 'date', value: current });
    const answer = await ask({
      title: `Expiry of “${name}”`,
      body: [el('label', { for: 'dialog-expiry', text: 'The link stops working on (empty: never)' }), input,
        el('p', { class: 'hint', text: 'Your group may require an expiry and cap how far ahead it is.' })],
      ok: 'Save expiry',
    });
    if (!answer) return;
    const date = answer.get('expiry');
    const expiresAt = date ? new Date(`${date}T00:00`).toISOString().replace(/\.\d+Z$/, 'Z') : null;
    await patch({ expiresAt }, expiresAt ? `“${name}” expires on ${when(expiresAt)}.` : `“${name}” no longer expires.`);
  };

  const facts = [
    ...fact('State', STATES[share.state] || share.state),
    ...(admin ? fact('Owner', share.owner?.email || share.owner?.userId || 'Unknown') : []),
    ...fact('Detail', DETAILS[share.detail] || share.detail),
    ...fact('Range', rangeText(share.range)),
    ...fact('Expires', share.expiresAt ? when(share.expiresAt) : 'Never'),
    ...fact('Password', yesNo(share.hasPassword)),
    ...fact('Sealed', yesNo(share.sealed)),
  ];
  const actions = [
    action('Copy link', () => copyLink(share)),
    share.sealed ? null : action('QR code', () => showQrCode(share)),
    admin ? null : action('New link', rotate),
    admin ? null : action(share.hasPassword ? 'Change password' : 'Set password', setPassword),
    admin || !share.hasPassword ? null : action('Remove password', removePassword),
    admin ? null : action('Change expiry', changeExpiry),
    action('Revoke', revoke, { class: 'danger' }),
  ];
  const item = el('li', { class: 'share', 'data-id': share.id },
    el(admin ? 'h3' : 'h2', { text: name }),
    el('dl', {}, facts),
    el('p', { class: 'link' }, el('a', { href: share.url, target: '_blank', rel: 'noopener noreferrer' }, 'Open', hidden(` ${name}`), ': ', el('span', { text: share.url }))),
    share.sealed
      ? el('p', { class: 'hint', text: 'Sealed: the service never holds this share’s key, so this link carries none. Recipients need the link with its key (#k=…) as it was shown when the share was sealed.' })
      : null,
    el('div', { class: 'actions' }, actions),
  );
  return item;
}

/** A paged list of shares into `list`; `more` is its "Show more" button. */
export function pagedList({ list, empty, more, path, admin }) {
  let next = null;
  const load = async (append = false) => {
    const separator = path().includes('?') ? '&' : '?';
    const url = append && next ? `${path()}${separator}cursor=${encodeURIComponent(next)}` : path();
    const page = await attempt(() => call('GET', url));
    if (!page) return;
    next = page.next || null;
    const cards = page.shares.map((share) => shareCard(share, { admin, refresh: () => load(false) }));
    if (append) list.append(...cards);
    else list.replaceChildren(...cards);
    empty.hidden = list.children.length > 0;
    more.hidden = !next;
  };
  more.addEventListener('click', () => load(true));
  return load;
}

let loadMine;

export async function showMyShares() {
  loadMine ||= pagedList({ list: $('share-list'), empty: $('shares-empty'), more: $('shares-more'), path: () => '/shares', admin: false });
  const sharing = await attempt(() => call('GET', '/me/sharing'));
  if (sharing) {
    $('sharing-standing').textContent = sharing.canShare
      ? 'You may publish shares.'
      : `You may not publish now: ${sharing.reason || 'your group does not allow it'}. Your links answer “not found” until you may again.`;
  }
  await loadMine();
}
