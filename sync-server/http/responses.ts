import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiError } from '../../shared/protocol/rest.ts';
import { readRawBody } from './readRawBody.ts';

/** Error codes of the REST API (the `error` field of ApiError). */
export type ApiErrorCode =
  | 'invalid-json'
  | 'invalid-request'
  | 'payload-too-large'
  | 'unsupported-media-type'
  | 'unauthorized'
  | 'invalid-credentials'
  | 'forbidden'
  | 'conflict'
  | 'not-found'
  | 'method-not-allowed'
  | 'rate-limited'
  | 'shutting-down'
  | 'internal';

/** Default limit of a JSON request body. */
export const MAX_JSON_BODY = 64 * 1024;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(payload);
}

export function sendError(
  res: ServerResponse,
  status: number,
  error: ApiErrorCode,
  message: string,
  headers: Record<string, string> = {},
): void {
  const body: ApiError = { error, message };
  sendJson(res, status, body, headers);
}

export type JsonBody = { ok: true; value: unknown } | { ok: false; status: 400 | 413 | 415; error: ApiErrorCode; message: string };

/**
 * Reads a JSON request body of at most `limit` bytes. A declared or actual size over the limit
 * is 413 (the rest of the body is not read); bad JSON is 400; a non-JSON content type is 415.
 */
export function readJson(req: IncomingMessage, limit = MAX_JSON_BODY): Promise<JsonBody> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type && type !== 'application/json' && type !== 'text/plain') {
    req.resume();
    return Promise.resolve({ ok: false, status: 415, error: 'unsupported-media-type', message: 'Send JSON (application/json)' });
  }
  return readRawBody(req, limit).then((raw): JsonBody => {
    if (!raw.ok) {
      return raw.status === 413
        ? { ok: false, status: 413, error: 'payload-too-large', message: `The body exceeds ${limit} bytes` }
        : { ok: false, status: 400, error: 'invalid-request', message: 'The request body could not be read' };
    }
    try {
      return { ok: true, value: JSON.parse(raw.body.toString('utf8')) as unknown };
    } catch {
      return { ok: false, status: 400, error: 'invalid-json', message: 'The body is not valid JSON' };
    }
  });
}

/** The bearer token of a request, or null. */
export function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match?.[1] ?? null;
}
