// The JSON API with the owner's bearer token. The token lives in
// localStorage ("remember me") or sessionStorage; a 401 drops it and sends
// the owner to the login screen.
import { plain } from './words.js';

const KEY = 'kem.token';

export function token() {
  return sessionStorage.getItem(KEY) || localStorage.getItem(KEY);
}

export function saveToken(value, remember) {
  clearToken();
  (remember ? localStorage : sessionStorage).setItem(KEY, value);
}

/** The signed-in owner's account id (the token's subject), or null. */
export function ownerId() {
  const t = token();
  if (!t) return null;
  try {
    const part = t.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return String(JSON.parse(atob(part + '='.repeat((4 - (part.length % 4)) % 4))).sub ?? '') || null;
  } catch (e) { return null; }
}

export function clearToken() {
  sessionStorage.removeItem(KEY);
  localStorage.removeItem(KEY);
}

/** An error answer of the API: {code, message, traceId} and the HTTP status. */
export class ApiError extends Error {
  constructor(status, body) {
    // The owner reads Korean only: no status codes, seconds said as minutes.
    super(plain((body && body.message) || '요청을 처리하지 못했습니다. 잠시 후 다시 시도해 주세요.'));
    this.status = status;
    this.code = (body && body.code) || 'HTTP_' + status;
    this.traceId = body && body.traceId;
  }
}

/** Calls the API; resolves to the JSON body (null when empty), rejects with ApiError. */
export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  const t = token();
  if (t) headers.Authorization = 'Bearer ' + t;
  // A FormData body (a photo) sets its own multipart content type.
  const form = typeof FormData !== 'undefined' && body instanceof FormData;
  if (body !== undefined && !form) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : form ? body : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, { code: 'NETWORK', message: '서버에 연결할 수 없습니다. 네트워크를 확인해 주세요.' });
  }
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
  if (res.status === 401 && t) {
    clearToken();
    sessionStorage.setItem('kem.after-login', location.hash || '#/');
    location.hash = '#/login';
  }
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

export const get = (p) => api('GET', p);
export const post = (p, b) => api('POST', p, b === undefined ? {} : b);
export const put = (p, b) => api('PUT', p, b);
export const del = (p) => api('DELETE', p);

/** Downloads an authenticated file (the CSV) through a blob link. */
export async function download(path, filename) {
  const res = await fetch(path, { headers: { Authorization: 'Bearer ' + token() } });
  if (!res.ok) {
    let body = null;
    try { body = await res.json(); } catch (e) { body = null; }
    throw new ApiError(res.status, body);
  }
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Polls `path` every `ms` until `done(body)`; gives up after `limit` tries. */
export async function poll(path, done, { ms = 800, limit = 400, onTick } = {}) {
  for (let i = 0; i < limit; i++) {
    const body = await get(path);
    if (onTick) onTick(body);
    if (done(body)) return body;
    await new Promise((r) => setTimeout(r, ms));
  }
  throw new ApiError(0, { code: 'TIMEOUT', message: '작업이 오래 걸리고 있습니다. 잠시 후 다시 확인해 주세요.' });
}
