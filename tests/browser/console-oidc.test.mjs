// The console's real sign-in in Chromium: authorization code with PKCE against an OpenID Connect
// issuer (a small one in this file, RS256), the runner checking its tokens (--oidc-issuer) and
// telling the console its client id (--oidc-client-id). No development sign-in then; the token stays
// in memory (nothing in localStorage, cookies or, once back, sessionStorage); requests go only to
// the console's origin and the issuer's.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import http from 'node:http';
import { resolve } from 'node:path';
import { launchBrowser, openPage, root } from './support.mjs';

const AUDIENCE = 'share-api';
const CLIENT_ID = 'console-app';
const apiBin = resolve(root, process.env.LOCAL_API_BIN || 'target/debug/local-api');

const base64url = (bytes) => Buffer.from(bytes).toString('base64url');

/** An issuer that signs in whoever comes (as oidc-user), holding the code to its PKCE challenge. */
async function startIssuer() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'console-test', alg: 'RS256', use: 'sig' };
  const codes = new Map();
  const seen = { authorize: [], token: [] };
  const server = http.createServer((request, response) => {
    const url = new URL(request.url, issuer);
    const send = (status, body, headers = {}) => {
      response.writeHead(status, { 'content-type': 'application/json', 'access-control-allow-origin': '*', ...headers });
      response.end(body === undefined ? undefined : JSON.stringify(body));
    };
    if (url.pathname === '/.well-known/openid-configuration') {
      return send(200, { issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks`, code_challenge_methods_supported: ['S256'] });
    }
    if (url.pathname === '/jwks') return send(200, { keys: [jwk] });
    if (url.pathname === '/authorize') {
      const parameters = Object.fromEntries(url.searchParams);
      seen.authorize.push(parameters);
      const code = base64url(randomBytes(16));
      codes.set(code, parameters);
      const back = new URL(parameters.redirect_uri);
      back.searchParams.set('code', code);
      back.searchParams.set('state', parameters.state);
      return send(302, undefined, { location: back.href });
    }
    if (url.pathname === '/token' && request.method === 'POST') {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        const form = Object.fromEntries(new URLSearchParams(body));
        seen.token.push(form);
        const granted = codes.get(form.code);
        codes.delete(form.code);
        const challenge = form.code_verifier && base64url(createHash('sha256').update(form.code_verifier).digest());
        if (!granted || challenge !== granted.code_challenge || form.redirect_uri !== granted.redirect_uri || form.client_id !== CLIENT_ID) {
          return send(400, { error: 'invalid_grant' });
        }
        const now = Math.floor(Date.now() / 1000);
        const header = base64url(JSON.stringify({ alg: 'RS256', kid: jwk.kid, typ: 'JWT' }));
        const claims = base64url(JSON.stringify({ iss: issuer, aud: AUDIENCE, sub: 'oidc-user', email: 'oidc-user@example.com', tid: 'contoso', scp: 'Shares.ReadWrite', iat: now, nbf: now, exp: now + 3600 }));
        const signature = base64url(sign('sha256', Buffer.from(`${header}.${claims}`), privateKey));
        send(200, { access_token: `${header}.${claims}.${signature}`, token_type: 'Bearer', expires_in: 3600 });
      });
      return undefined;
    }
    return send(404, { error: 'not_found' });
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const issuer = `http://127.0.0.1:${server.address().port}`;
  return { issuer, seen, stop: () => new Promise((done) => server.close(done)) };
}

/** The runner with the issuer's sign-in (support.mjs's startApi takes no options). */
async function startApiWithIssuer(issuer) {
  const args = ['--addr', '127.0.0.1:0', '--memory', '--oidc-issuer', issuer, '--audience', AUDIENCE, '--oidc-client-id', CLIENT_ID];
  const child = spawn(apiBin, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: 'warn' } });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const base = await new Promise((done, fail) => {
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = stdout.match(/local-api listening on (http:\/\/\S+)/);
      if (match) done(match[1]);
    });
    child.on('exit', (code) => fail(new Error(`local-api exited with ${code}: ${stderr}`)));
  });
  child.removeAllListeners('exit');
  return { base, stop: () => new Promise((done) => (child.exitCode !== null ? done() : (child.once('exit', done), child.kill('SIGTERM')))) };
}

let issuer;
let api;
let browser;

before(async () => {
  issuer = await startIssuer();
  api = await startApiWithIssuer(issuer.issuer);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await api?.stop();
  await issuer?.stop();
});

describe('the console with an OpenID Connect issuer', () => {
  test('signs in with the authorization code and PKCE, and keeps the token in memory', async () => {
    const config = await (await fetch(`${api.base}/console/config.json`)).json();
    assert.deepEqual(config, { apiBase: '', issuer: issuer.issuer, clientId: CLIENT_ID, scope: `openid ${AUDIENCE}/Shares.ReadWrite`, devSignIn: false });
    const devSignIn = await fetch(`${api.base}/console/dev-sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"user":"x","group":"y"}' });
    assert.equal(devSignIn.status, 404, 'no development sign-in beside a real issuer');
    const policy = (await fetch(`${api.base}/console`)).headers.get('content-security-policy');
    assert.ok(policy.includes(`connect-src 'self' ${issuer.issuer};`), policy);

    const { page, context, problems } = await openPage(browser);
    const requests = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(`${api.base}/console`);
    await page.waitForSelector('#sign-in-oidc:not([hidden])');
    assert.equal(await page.isHidden('#dev-sign-in'), true);
    await page.click('#sign-in-oidc');
    await page.waitForSelector('#view-shares:not([hidden])');
    assert.match(await page.textContent('#who-name'), /oidc-user@example.com/);
    await page.waitForSelector('#shares-empty:not([hidden])');

    const [asked] = issuer.seen.authorize;
    assert.equal(asked.response_type, 'code');
    assert.equal(asked.client_id, CLIENT_ID);
    assert.equal(asked.redirect_uri, `${api.base}/console`);
    assert.equal(asked.code_challenge_method, 'S256');
    assert.equal(asked.scope, `openid ${AUDIENCE}/Shares.ReadWrite`);
    assert.match(asked.code_challenge, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(issuer.seen.token.length, 1);
    assert.equal(new URL(page.url()).search, '', 'the code leaves the address bar');
    const stored = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length, cookies: document.cookie }));
    assert.deepEqual(stored, { local: 0, session: 0, cookies: '' });
    assert.deepEqual(await context.cookies(), []);

    const allowed = [new URL(api.base).origin, new URL(issuer.issuer).origin];
    assert.deepEqual(requests.filter((url) => !allowed.includes(new URL(url).origin)), []);
    const noise = (message) => message.includes('status of 403');
    assert.deepEqual({ ...problems, console: problems.console.filter((m) => !noise(m)) }, { console: [], errors: [], dialogs: [] });
    await context.close();
  });
});
