// The JSON API: the bearer token held in memory only, problem answers turned into words.

let base = '';
let token = null;
let onSignedOut = () => {};

export function configure({ apiBase, signedOut }) {
  base = apiBase || '';
  onSignedOut = signedOut;
}

export function setToken(value) {
  token = value;
}

export function signedIn() {
  return token !== null;
}

/** A refusal or failure of the API, with the words to show (a problem's detail and its errors). */
export class ApiError extends Error {
  constructor(status, message, errors = []) {
    super(message);
    this.status = status;
    this.errors = errors;
  }
}

async function problemOf(response) {
  let problem = null;
  if ((response.headers.get('content-type') || '').includes('json')) {
    problem = await response.json().catch(() => null);
  }
  const detail = typeof problem?.detail === 'string' && problem.detail ? problem.detail : null;
  const title = typeof problem?.title === 'string' && problem.title ? problem.title : null;
  const message = detail || title || `The service answered ${response.status} ${response.statusText}`.trim();
  const errors = Array.isArray(problem?.errors)
    ? problem.errors.map((error) => (typeof error?.message === 'string' ? error.message : '')).filter(Boolean)
    : [];
  if (problem?.errorsTruncated) errors.push('… and more.');
  return new ApiError(response.status, message, errors);
}

/** Calls the API; resolves with the parsed JSON body (or null), rejects with an ApiError. */
export async function call(method, path, { json, mergePatch, headers = {} } = {}) {
  const init = { method, headers: { ...headers }, credentials: 'omit', cache: 'no-store' };
  if (token) init.headers.authorization = `Bearer ${token}`;
  if (json !== undefined || mergePatch !== undefined) {
    init.headers['content-type'] = mergePatch !== undefined ? 'application/merge-patch+json' : 'application/json';
    init.body = JSON.stringify(mergePatch !== undefined ? mergePatch : json);
  }
  let response;
  try {
    response = await fetch(`${base}${path}`, init);
  } catch {
    throw new ApiError(0, 'The service could not be reached. Check the connection and try again.');
  }
  if (response.status === 401 && token) {
    token = null;
    onSignedOut('Your sign-in has ended. Sign in again.');
  }
  if (!response.ok) throw await problemOf(response);
  if (response.status === 204) return null;
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}
