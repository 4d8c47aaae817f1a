/**
 * What the browser tests that sign people in share on the API side: a JSON call with the headers
 * a test gives (a session's cookie and CSRF token, an API key), and signing in for those headers.
 */
import assert from 'node:assert/strict';

export interface ApiAnswer {
  status: number;
  body: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface ApiCall {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** `url()`: the server's address, read per call (the server starts after the helpers are made). */
export function apiClient(url: () => string) {
  const api = async (pathname: string, init: ApiCall = {}): Promise<ApiAnswer> => {
    const res = await fetch(`${url()}${pathname}`, {
      method: init.method ?? 'GET',
      headers: { 'content-type': 'application/json', ...init.headers },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    return { status: res.status, body: (await res.json()) as ApiAnswer['body'] };
  };
  /** The headers of a signed-in person's requests. */
  const login = async (who: { email: string; password: string }): Promise<Record<string, string>> => {
    const res = await fetch(`${url()}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(who) });
    assert.equal(res.status, 200);
    const { csrfToken } = (await res.json()) as { csrfToken: string };
    return { cookie: res.headers.get('set-cookie')!.split(';')[0]!, 'x-csrf-token': csrfToken };
  };
  return { api, login };
}
