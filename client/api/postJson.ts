import type { ApiError } from '../../shared/protocol/rest.ts';

export type ApiResult<T> = { ok: true; value: T } | { ok: false; status: number; message: string; rule?: string };

/**
 * POSTs JSON to a REST route of our server (`Authorization: Bearer` when a token is given) and
 * reads the answer: the value, or the server's message (and the rule that refused it).
 */
export async function postJson<T>(path: string, body: unknown, token?: string): Promise<ApiResult<T>> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  } catch {
    return { ok: false, status: 0, message: 'Cannot reach the server. Check your connection and try again.' };
  }
  const json = (await response.json().catch(() => null)) as unknown;
  if (response.ok) return { ok: true, value: json as T };
  const error = json as ApiError | null;
  return {
    ok: false,
    status: response.status,
    message: error?.message ?? `The server answered ${response.status}.`,
    ...(error?.rule ? { rule: error.rule } : {}),
  };
}
