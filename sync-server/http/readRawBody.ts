import type { IncomingMessage } from 'node:http';

/** Largest webhook body we read (providers send a few KB; Meta batches up to ~1000 updates). */
export const MAX_WEBHOOK_BODY = 1024 * 1024;

export type RawBody = { ok: true; body: Buffer } | { ok: false; status: 400 | 413; reason: 'too-large' | 'unreadable' };

/**
 * Reads a request body as raw bytes (signatures are computed over the exact bytes received, never
 * over re-serialised JSON). Over `limit`, declared or actual: 413, the rest is not kept.
 */
export function readRawBody(req: IncomingMessage, limit = MAX_WEBHOOK_BODY): Promise<RawBody> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.resolve({ ok: false, status: 413, reason: 'too-large' });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: RawBody) => {
      if (done) return;
      done = true;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        finish({ ok: false, status: 413, reason: 'too-large' });
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => finish({ ok: true, body: Buffer.concat(chunks) }));
    req.on('error', () => finish({ ok: false, status: 400, reason: 'unreadable' }));
  });
}
