// The console's start: reads its configuration, signs in, and shows one view at a time (#shares,
// #publish, #admin) without ever reloading the page, which would lose the token held in memory.

import { call, configure, setToken, signedIn } from './api.js';
import { devSignIn, finishSignIn, nameIn, startSignIn } from './auth.js';
import { $, show } from './dom.js';
import { showAdmin } from './admin.js';
import { showPublish } from './publish.js';
import { showMyShares } from './shares.js';
import { attempt, complain, say } from './ui.js';

const VIEWS = ['sign-in', 'shares', 'publish', 'admin'];
let isAdmin = false;
let settings = null;

function showView(name) {
  for (const view of VIEWS) show($(`view-${view}`), view === name);
  for (const link of document.querySelectorAll('#nav a')) {
    if (link.dataset.view === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const heading = { 'sign-in': 'Sign in', shares: 'My shares', publish: 'Publish a file', admin: 'Admin' }[name];
  document.title = `${heading} · Share console`;
}

async function route() {
  if (!signedIn()) {
    showView('sign-in');
    return;
  }
  let view = location.hash.slice(1) || 'shares';
  if (!VIEWS.includes(view) || view === 'sign-in' || (view === 'admin' && !isAdmin)) view = 'shares';
  showView(view);
  if (view === 'shares') await showMyShares();
  if (view === 'publish') await showPublish();
  if (view === 'admin') {
    await showAdmin(settings);
    settings = null;
  }
}

function signedOut(message) {
  setToken(null);
  isAdmin = false;
  show($('nav'), false);
  show($('who'), false);
  $('share-list').replaceChildren();
  $('group-share-list').replaceChildren();
  $('people-rows').replaceChildren();
  if (message) complain(new Error(message));
  else say('You are signed out.');
  showView('sign-in');
}

async function enter(token) {
  setToken(token);
  $('who-name').textContent = nameIn(token) ? `Signed in as ${nameIn(token)}` : 'Signed in';
  show($('who'), true);
  show($('nav'), true);
  // An admin is whoever the API lets read the policy: by role or by the group's own list.
  try {
    settings = await call('GET', '/settings');
    isAdmin = true;
  } catch {
    settings = null;
    isAdmin = false;
  }
  show($('nav-admin'), isAdmin);
  say('');
  if (!location.hash || location.hash === '#sign-in') history.replaceState(null, '', '#shares');
  await route();
  $('main').focus();
}

async function start() {
  const config = await fetch('/console/config.json', { credentials: 'omit' }).then((response) => response.json());
  configure({ apiBase: config.apiBase, signedOut });
  const oidc = Boolean(config.issuer && config.clientId);
  show($('sign-in-oidc'), oidc);
  show($('dev-sign-in'), !oidc && config.devSignIn);
  show($('sign-in-missing'), !oidc && !config.devSignIn);
  $('sign-in-oidc').addEventListener('click', () => attempt(() => startSignIn(config)));
  $('dev-sign-in').addEventListener('submit', async (event) => {
    event.preventDefault();
    const token = await attempt(() =>
      devSignIn({ user: $('dev-user').value.trim(), email: $('dev-email').value.trim(), group: $('dev-group').value.trim(), admin: $('dev-admin').checked }),
    );
    if (token) await enter(token);
  });
  $('sign-out').addEventListener('click', () => signedOut());
  window.addEventListener('hashchange', route);
  if (oidc) {
    const token = await attempt(() => finishSignIn(config));
    if (token) {
      await enter(token);
      return;
    }
  }
  showView('sign-in');
}

start().catch(complain);
