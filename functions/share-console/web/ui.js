// What every view shares: the status line, the alert with a problem's words, the one dialog, and
// how a share reads (dates, ranges, states).

import { $, el } from './dom.js';

export function say(text) {
  $('alert').hidden = true;
  $('status').textContent = text;
}

/** Shows what went wrong: an ApiError's detail and its validation messages, or any error's message. */
export function complain(error) {
  const alert = $('alert');
  const items = (error.errors || []).map((message) => el('li', { text: message }));
  alert.replaceChildren(el('p', { text: error.message || String(error) }), ...(items.length ? [el('ul', {}, items)] : []));
  alert.hidden = false;
  $('status').textContent = '';
}

/** Runs an action, reporting its failure; resolves with its result, or undefined on failure. */
export async function attempt(action) {
  try {
    return await action();
  } catch (error) {
    complain(error);
    return undefined;
  }
}

/**
 * Asks in the page's dialog. `body` is a list of nodes (inputs included); resolves with the dialog's
 * form data when confirmed, or null when cancelled. `info`: only something to read, no Cancel.
 */
export function ask({ title, body = [], ok = 'OK', danger = false, info = false }) {
  const dialog = $('dialog');
  const form = $('dialog-form');
  $('dialog-heading').textContent = title;
  $('dialog-body').replaceChildren(...body);
  const okButton = $('dialog-ok');
  okButton.textContent = ok;
  okButton.className = danger ? 'danger' : '';
  $('dialog-cancel').hidden = info;
  return new Promise((resolve) => {
    const finish = (value) => {
      form.removeEventListener('submit', onSubmit);
      $('dialog-cancel').removeEventListener('click', onCancel);
      dialog.removeEventListener('cancel', onCancel);
      dialog.close();
      resolve(value);
    };
    const onSubmit = (event) => {
      event.preventDefault();
      if (!form.reportValidity()) return;
      finish(new FormData(form));
    };
    const onCancel = (event) => {
      event.preventDefault();
      finish(null);
    };
    form.addEventListener('submit', onSubmit);
    $('dialog-cancel').addEventListener('click', onCancel);
    dialog.addEventListener('cancel', onCancel);
    dialog.showModal();
    const first = $('dialog-body').querySelector('input, select');
    (first || (info ? okButton : $('dialog-cancel'))).focus();
  });
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

export function when(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

function day(text, offsetDays = 0) {
  const date = new Date(`${text}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return text;
  date.setUTCDate(date.getUTCDate() + offsetDays);
  return dateOnly.format(date);
}

export function rangeText(range) {
  if (!range) return 'The events’ own span';
  if (range.rolling) return `From ${range.rolling.pastDays} days ago to ${range.rolling.futureDays} days ahead, moving with the days`;
  return `${day(range.start)} to ${day(range.end, -1)}`;
}

export const STATES = {
  live: 'Live',
  expired: 'Expired',
  paused: 'Paused: the owner may not share now, so the link answers “not found”',
};

export const DETAILS = { availability: 'Availability only', limited: 'Limited', full: 'Full' };
