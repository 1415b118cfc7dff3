// The model store's JSON API as the page uses it. The API key lives in sessionStorage: per tab and per origin,
// gone when the tab closes, never a cookie (so no other site's request carries it). It is sent as a bearer token,
// which the service reads as an API key, or as a JWT when it has a JWT's shape.

const KEY_ITEM = 'modelstore.apiKey';
const BASE = '/api/v1';

/** An answer of the API that was not a success: status and the problem detail's text. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `The service answered ${status}.`);
    this.status = status;
    this.problem = problem;
  }
}

export const apiKey = {
  get: () => sessionStorage.getItem(KEY_ITEM),
  set: (key) => sessionStorage.setItem(KEY_ITEM, key),
  clear: () => sessionStorage.removeItem(KEY_ITEM),
};

/** One request to the API; resolves to the parsed JSON answer (null for 204), rejects with an ApiError. */
export async function call(method, path, body) {
  const headers = { Accept: 'application/json' };
  const key = apiKey.get();
  if (key) {
    headers.Authorization = `Bearer ${key}`;
  }
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(BASE + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'omit',
    cache: 'no-store',
  });
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    throw new ApiError(response.status, data);
  }
  return data;
}

export const get = (path) => call('GET', path);

/** The path of a model: /models/{batch}/{metric}{suffix}, with ?tag= when it has one. */
export function modelPath(model, suffix = '', query = {}) {
  const params = new URLSearchParams();
  if (model.tag) {
    params.set('tag', model.tag);
  }
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null) {
      params.set(name, value);
    }
  }
  const search = params.toString();
  return `/models/${encodeURIComponent(model.batch)}/${encodeURIComponent(model.metric)}${suffix}`
    + (search ? `?${search}` : '');
}

/**
 * Runs fn over items with at most `limit` requests in flight, keeping the service and the browser unhurried. The views
 * do not wait for it: the page is usable while the extra cells fill in (fn handles its own failures).
 */
export async function eachLimited(items, limit, fn) {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      await fn(items[index], index);
    }
  });
  await Promise.all(workers);
}
