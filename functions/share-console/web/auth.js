// Sign-in: authorization code with PKCE against the configured OpenID Connect issuer, or the local
// runner's development sign-in. Tokens stay in memory; only the PKCE verifier and the state wait in
// sessionStorage across the issuer's redirect, and are removed on the way back.

const PENDING = 'console.sign-in';

function base64url(bytes) {
  let text = '';
  for (const byte of new Uint8Array(bytes)) text += String.fromCharCode(byte);
  return btoa(text).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function randomText() {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

function redirectUri() {
  return `${location.origin}/console`;
}

async function discover(issuer) {
  const response = await fetch(`${issuer}/.well-known/openid-configuration`, { credentials: 'omit' });
  if (!response.ok) throw new Error(`The sign-in service answered ${response.status}.`);
  return response.json();
}

/** Sends the browser to the issuer's sign-in page. */
export async function startSignIn(config) {
  const discovery = await discover(config.issuer);
  const verifier = randomText();
  const state = randomText();
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state }));
  const url = new URL(discovery.authorization_endpoint);
  const parameters = {
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: redirectUri(),
    scope: config.scope || 'openid',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  };
  for (const [name, value] of Object.entries(parameters)) url.searchParams.set(name, value);
  location.assign(url.href);
}

/** On the way back from the issuer: the access token for the code, or null when this is no return. */
export async function finishSignIn(config) {
  const query = new URLSearchParams(location.search);
  if (!query.has('code') && !query.has('error')) return null;
  const pending = JSON.parse(sessionStorage.getItem(PENDING) || 'null');
  sessionStorage.removeItem(PENDING);
  history.replaceState(null, '', '/console#shares');
  if (query.has('error')) throw new Error(query.get('error_description') || `Sign-in failed: ${query.get('error')}.`);
  if (!pending || pending.state !== query.get('state')) throw new Error('Sign-in failed: the answer was not for this page. Try again.');
  const discovery = await discover(config.issuer);
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code: query.get('code'),
    redirect_uri: redirectUri(),
    client_id: config.clientId,
    code_verifier: pending.verifier,
  });
  const response = await fetch(discovery.token_endpoint, { method: 'POST', body, credentials: 'omit' });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok || typeof answer.access_token !== 'string') {
    throw new Error(answer.error_description || 'Sign-in failed: the sign-in service gave no token.');
  }
  return answer.access_token;
}

/** The runner's development sign-in: a token for the user, email, group and role given. */
export async function devSignIn({ user, email, group, admin }) {
  const response = await fetch('/console/dev-sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user, email, group, admin }),
    credentials: 'omit',
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(answer.detail || `The development sign-in answered ${response.status}.`);
  return answer.token;
}

/** Who the token says the user is (for the header only: the API checks the token itself). */
export function nameIn(token) {
  try {
    const payload = token.split('.')[1].replaceAll('-', '+').replaceAll('_', '/');
    const claims = JSON.parse(atob(payload));
    return claims.email || claims.preferred_username || claims.name || claims.sub || '';
  } catch {
    return '';
  }
}
