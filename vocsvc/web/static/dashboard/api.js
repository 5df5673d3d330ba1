// JSON API calls with the dashboard's session cookie (same origin only).
export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

/** The absolute URL of an API path with the non-empty query parameters. */
export function apiUrl(path, params = {}) {
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(params)) if (v != null && v !== "") url.searchParams.set(k, v);
  return url;
}

/** GET a JSON document; a 401 (expired session) returns to the sign-in page. */
export async function get(path, params) {
  const response = await fetch(apiUrl(path, params), {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  });
  const body = await response.json().catch(() => null);
  if (response.status === 401) location.assign("/dashboard/sign-in");
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

/** PATCH a JSON document (same origin: the browser sends the Origin the API checks). */
export async function patch(path, body) {
  const response = await fetch(apiUrl(path), {
    method: "PATCH",
    credentials: "same-origin",
    headers: { Accept: "application/json", "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const reply = await response.json().catch(() => null);
  if (response.status === 401) location.assign("/dashboard/sign-in");
  if (!response.ok) throw new ApiError(response.status, reply);
  return reply;
}
