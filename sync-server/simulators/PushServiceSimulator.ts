import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSubscriptionKeys, decryptAes128gcm, type SubscriptionKeys, verifyVapid } from './pushCrypto.ts';

/**
 * A local stand-in for a browser vendor's push service (what FCM or Mozilla's autopush are to
 * real browsers), for tests and the demo. It plays both halves the browser would otherwise need:
 *
 *  - subscribing: `POST /push/subscriptions` makes a subscription like `PushManager.subscribe`
 *    would (endpoint + `p256dh`/`auth` keys) and keeps its private key;
 *  - receiving: `POST /push/send/<id>` is the endpoint Switchboard sends to with `web-push`. It
 *    checks the VAPID header (RFC 8292), decrypts the aes128gcm body with the subscription's
 *    private key (RFC 8291) and records the plaintext; `410 Gone` for an expired subscription,
 *    `404` for an unknown one, as real push services answer.
 *
 * What it does not do is wake a browser's service worker (that needs the browser's own push
 * channel): tests deliver the decrypted payload to the worker through the DevTools protocol.
 * `GET /push/` shows what arrived (the demo), `GET /push/received` lists it as JSON.
 */

export interface SimulatedSubscription {
  id: string;
  endpoint: string;
  keys: SubscriptionKeys;
  expired: boolean;
}

export interface ReceivedPush {
  subscriptionId: string;
  at: number;
  /** The decrypted payload (UTF-8). */
  text: string;
  ttl: number | null;
  topic: string | null;
  urgency: string | null;
  vapidSubject: string;
}

export interface PushRejection {
  subscriptionId: string;
  status: number;
  reason: string;
}

const MAX_RECEIVED = 500;

export class PushServiceSimulator {
  private server: Server | null = null;
  private baseUrl = '';
  private readonly subscriptions = new Map<string, SimulatedSubscription>();
  readonly received: ReceivedPush[] = [];
  readonly rejected: PushRejection[] = [];
  private readonly waiters = new Set<() => void>();

  /** Listens on `port` (0: a free one) and resolves to the base URL. */
  async start(opts: { port?: number; host?: string } = {}): Promise<string> {
    const host = opts.host ?? '127.0.0.1';
    const server = createServer((req, res) => {
      void this.handle(req, res).catch((err: unknown) => {
        this.rejected.push({ subscriptionId: '', status: 500, reason: err instanceof Error ? err.message : String(err) });
        if (!res.headersSent) res.writeHead(500);
        res.end();
        this.notify();
      });
    });
    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(opts.port ?? 0, host, () => done());
    });
    this.server = server;
    const { port } = server.address() as AddressInfo;
    this.baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    return this.baseUrl;
  }

  get url(): string {
    return this.baseUrl;
  }

  /** A new subscription, as `PushManager.subscribe` would return it (plus the id). */
  subscribe(): { id: string; endpoint: string; keys: { p256dh: string; auth: string } } {
    const id = randomBytes(12).toString('base64url');
    const keys = createSubscriptionKeys();
    const endpoint = `${this.baseUrl}/push/send/${id}`;
    this.subscriptions.set(id, { id, endpoint, keys, expired: false });
    return { id, endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } };
  }

  /** From now on the push service answers 410 Gone for this subscription (the user unsubscribed). */
  expire(id: string): boolean {
    const sub = this.subscriptions.get(id);
    if (sub) sub.expired = true;
    return sub !== undefined;
  }

  /** Pushes received for a subscription (all when omitted), oldest first. */
  receivedFor(subscriptionId?: string): ReceivedPush[] {
    return subscriptionId ? this.received.filter((r) => r.subscriptionId === subscriptionId) : [...this.received];
  }

  /** Resolves once `predicate` holds over what was received or rejected (checked after each push). */
  waitFor(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error('push simulator: timed out waiting'));
      }, timeoutMs);
      const check = () => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    await new Promise<void>((done) => server.close(() => done()));
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = url.pathname.match(/^\/push\/send\/([A-Za-z0-9_-]{1,64})$/);
    if (req.method === 'POST' && send) return this.receive(req, res, send[1] ?? '');
    if (req.method === 'POST' && url.pathname === '/push/subscriptions') return json(res, 201, this.subscribe());
    const expire = url.pathname.match(/^\/push\/subscriptions\/([A-Za-z0-9_-]{1,64})\/expire$/);
    if (req.method === 'POST' && expire) return json(res, this.expire(expire[1] ?? '') ? 200 : 404, {});
    if (req.method === 'GET' && url.pathname === '/push/received') {
      const id = url.searchParams.get('subscription') ?? undefined;
      return json(res, 200, { received: this.receivedFor(id), rejected: this.rejected });
    }
    if (req.method === 'GET' && (url.pathname === '/push/' || url.pathname === '/push')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      return void res.end(this.page());
    }
    json(res, 404, { error: 'not-found' });
  }

  private async receive(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const body = await readBody(req, 8 * 1024);
    const sub = this.subscriptions.get(id);
    const reject = (status: number, reason: string) => {
      this.rejected.push({ subscriptionId: id, status, reason });
      json(res, status, { error: reason });
      this.notify();
    };
    if (!sub) return reject(404, 'no such subscription');
    if (sub.expired) return reject(410, 'subscription expired');
    if (body === null) return reject(413, 'payload too large (push services take about 4 KB)');
    const vapid = verifyVapid(header(req, 'authorization'), new URL(sub.endpoint).origin);
    if (!vapid.ok) return reject(401, vapid.reason);
    if (header(req, 'content-encoding') !== 'aes128gcm') return reject(415, 'content-encoding must be aes128gcm');
    const ttl = header(req, 'ttl');
    if (ttl === undefined || !/^\d+$/.test(ttl)) return reject(400, 'TTL header required');
    const decrypted = decryptAes128gcm(body, sub.keys);
    if (!decrypted.ok) return reject(400, decrypted.reason);
    this.received.push({
      subscriptionId: id,
      at: Date.now(),
      text: decrypted.plaintext.toString('utf8'),
      ttl: Number(ttl),
      topic: header(req, 'topic') ?? null,
      urgency: header(req, 'urgency') ?? null,
      vapidSubject: vapid.subject,
    });
    if (this.received.length > MAX_RECEIVED) this.received.splice(0, this.received.length - MAX_RECEIVED);
    res.writeHead(201, { location: `${this.baseUrl}/push/messages/${randomBytes(8).toString('hex')}` });
    res.end();
    this.notify();
  }

  private page(): string {
    const rows = [...this.received]
      .reverse()
      .slice(0, 50)
      .map((r) => {
        let shown = r.text;
        try {
          const p = JSON.parse(r.text) as { title?: string; body?: string };
          shown = `${p.title ?? ''} — ${p.body ?? ''}`;
        } catch {
          /* shown as text */
        }
        return `<li><time>${new Date(r.at).toLocaleTimeString('en-US')}</time> <code>${escapeHtml(r.subscriptionId)}</code> ${escapeHtml(shown)}</li>`;
      })
      .join('');
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="3"><title>Push service simulator</title>
<style>body{font:15px system-ui,sans-serif;margin:2rem;max-width:50rem;color:#1f2937}li{margin:.4rem 0}time{color:#6b7280}code{color:#6b7280;font-size:12px}</style></head>
<body><h1>Push service simulator</h1><p>Web Push messages Switchboard sent to simulated devices, decrypted here with each subscription's private key (RFC 8291). A real browser would get them from its vendor's push service and show them through the service worker.</p>
<h2>Received (${this.received.length})</h2><ul>${rows || '<li>Nothing yet. Enable push in Settings › Notifications, then have a contact write.</li>'}</ul></body></html>`;
  }
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) over = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(over ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
