import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { whatsappSignature } from '../channels/whatsapp/whatsappSignature.ts';
import { type WebhookSender, createWebhookSender } from './webhookSender.ts';

/**
 * A local stand-in for the WhatsApp Cloud API, speaking its wire format both ways
 * (channels-reference 1): signed webhook notifications for customer messages and statuses, the
 * Graph send endpoint `POST /{version}/{phone-number-id}/messages` with bearer auth, mark-as-read,
 * real error shapes and codes. Statuses follow a realistic sequence, optionally shuffled and
 * duplicated; customers may have read receipts off, not be on WhatsApp (131026), or be outside
 * the 24-hour window (131047).
 */
export interface WhatsAppSimulatorOptions {
  /** Where notifications go (Switchboard's /webhooks/whatsapp). */
  webhookUrl: string;
  appSecret: string;
  accessToken: string;
  verifyToken: string;
  phoneNumberId: string;
  displayPhoneNumber?: string;
  /** More business numbers on the same account (several inboxes: "Sales", "Support"). */
  extraNumbers?: Array<{ phoneNumberId: string; displayPhoneNumber: string }>;
  wabaId?: string;
  /** 'auto': statuses follow each send by themselves; 'manual': the test emits them. */
  statusMode?: 'auto' | 'manual';
  /** Time between automatic statuses (ms). */
  stepMs?: number;
  /** Automatic statuses arrive in random order, some twice. */
  chaos?: boolean;
  fetch?: typeof fetch;
  now?: () => number;
}

export interface SimCustomer {
  waId: string;
  name: string;
  readReceipts: boolean;
  onWhatsApp: boolean;
  lastInboundAt: number | null;
  /** The business's typing indicator shows on the phone until then (0: not shown). */
  typingUntil: number;
}

export interface SimSentMessage {
  wamid: string;
  /** The business number it was sent from (phone_number_id). */
  from: string;
  to: string;
  text: string;
  opaque: string | null;
  at: number;
}

export type SimThreadLine = {
  direction: 'in' | 'out';
  text: string;
  at: number;
  wamid: string;
  status?: string;
  /** A customer's message the business marked read (blue ticks on the customer's phone). */
  readByBusiness?: boolean;
};

/** How long WhatsApp shows the business's typing indicator unless a reply comes first. */
export const SIM_TYPING_MS = 25_000;

type Fault = { kind: 'error'; http: number; code: number; message: string; details?: string } | { kind: 'drop-answer' };

const WINDOW_MS = 24 * 60 * 60 * 1000;

export const newWamid = () => `wamid.${randomBytes(24).toString('base64')}`;

export class WhatsAppSimulator {
  readonly options: Required<Omit<WhatsAppSimulatorOptions, 'fetch' | 'chaos'>> & { chaos: boolean };
  readonly customers = new Map<string, SimCustomer>();
  readonly sent: SimSentMessage[] = [];
  readonly marksRead: string[] = [];
  /** Every typing indicator received: the customer message it named, and when. */
  readonly typingIndicators: Array<{ messageId: string; to: string; at: number }> = [];
  /** Per customer: what the phone shows (both directions, with the last status of ours). */
  readonly threads = new Map<string, SimThreadLine[]>();
  private readonly sender: WebhookSender;
  private readonly faults: Fault[] = [];
  private readonly byIdempotencyKey = new Map<string, string>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(options: WhatsAppSimulatorOptions) {
    this.options = {
      displayPhoneNumber: '15550783881',
      extraNumbers: [],
      wabaId: '102290129340398',
      statusMode: 'auto',
      stepMs: 400,
      now: Date.now,
      ...options,
      chaos: options.chaos ?? false,
    };
    this.sender = createWebhookSender(options.fetch ? { fetch: options.fetch } : {});
  }

  /** Every business number of the account, the primary first. */
  numbers(): Array<{ phoneNumberId: string; displayPhoneNumber: string }> {
    return [{ phoneNumberId: this.options.phoneNumberId, displayPhoneNumber: this.options.displayPhoneNumber }, ...this.options.extraNumbers];
  }

  get webhookAttempts() {
    return this.sender.attempts;
  }

  addCustomer(waId: string, name: string, opts: { readReceipts?: boolean; onWhatsApp?: boolean } = {}): SimCustomer {
    const c: SimCustomer = {
      waId,
      name,
      readReceipts: opts.readReceipts ?? true,
      onWhatsApp: opts.onWhatsApp ?? true,
      lastInboundAt: null,
      typingUntil: 0,
    };
    this.customers.set(waId, c);
    return c;
  }

  /** The next send answers with this Graph error (e.g. 131000 temporary, 131009 permanent). */
  failNextSend(http: number, code: number, message: string, details?: string): void {
    this.faults.push({ kind: 'error', http, code, message, ...(details ? { details } : {}) });
  }

  /** The next send is accepted, but the connection drops before the answer (a lost answer). */
  dropNextAnswer(): void {
    this.faults.push({ kind: 'drop-answer' });
  }

  // ---- customer side (webhooks to Switchboard) ---------------------------------------------

  /**
   * The customer writes (to the primary number, or to `toPhoneNumberId`): a signed notification;
   * resolves with Switchboard's final HTTP status.
   */
  customerSends(waId: string, message: string | Record<string, unknown>, wamid = newWamid(), toPhoneNumberId = this.options.phoneNumberId): Promise<number | null> {
    const c = this.customers.get(waId) ?? this.addCustomer(waId, `+${waId}`);
    const at = this.options.now();
    c.lastInboundAt = at;
    const content = typeof message === 'string' ? { type: 'text', text: { body: message } } : message;
    this.line(waId, { direction: 'in', text: typeof message === 'string' ? message : `[${String(content.type)}]`, at, wamid });
    return this.notify({
      contacts: [{ profile: { name: c.name }, wa_id: waId }],
      messages: [{ from: waId, id: wamid, timestamp: String(Math.floor(at / 1000)), ...content }],
    }, toPhoneNumberId);
  }

  /** Sends status notifications as given (any order, duplicates allowed). */
  emitStatuses(statuses: Array<{ wamid: string; status: 'sent' | 'delivered' | 'read' | 'failed'; code?: number }>): Promise<number | null> {
    const from = this.sent.find((m) => m.wamid === statuses[0]?.wamid)?.from;
    return this.notify({ statuses: statuses.map((s) => this.statusObject(s.wamid, s.status, s.code)) }, from);
  }

  /** A notification body exactly as Meta sends it (compact JSON), signed over those bytes. */
  notificationBody(value: Record<string, unknown>, phoneNumberId = this.options.phoneNumberId): string {
    const number = this.numbers().find((n) => n.phoneNumberId === phoneNumberId) ?? { phoneNumberId, displayPhoneNumber: '' };
    return JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: this.options.wabaId,
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: number.displayPhoneNumber, phone_number_id: number.phoneNumberId },
                ...value,
              },
            },
          ],
        },
      ],
    });
  }

  private notify(value: Record<string, unknown>, phoneNumberId?: string): Promise<number | null> {
    const body = this.notificationBody(value, phoneNumberId);
    return this.sender.post(this.options.webhookUrl, body, {
      'content-type': 'application/json',
      'x-hub-signature-256': whatsappSignature(body, this.options.appSecret),
    });
  }

  /** The GET verification handshake as Meta performs it; resolves with status and body. */
  async verifyWebhook(token = this.options.verifyToken, challenge = String(Date.now())): Promise<{ status: number; body: string }> {
    const url = new URL(this.options.webhookUrl);
    url.searchParams.set('hub.mode', 'subscribe');
    url.searchParams.set('hub.verify_token', token);
    url.searchParams.set('hub.challenge', challenge);
    const res = await fetch(url);
    return { status: res.status, body: await res.text() };
  }

  private statusObject(wamid: string, status: string, code?: number): Record<string, unknown> {
    const msg = this.sent.find((m) => m.wamid === wamid);
    const base: Record<string, unknown> = {
      id: wamid,
      status,
      timestamp: String(Math.floor(this.options.now() / 1000)),
      recipient_id: msg?.to ?? '0',
      ...(msg?.opaque ? { biz_opaque_callback_data: msg.opaque } : {}),
    };
    if (status === 'sent') {
      base.pricing = { billable: true, pricing_model: 'CBP', category: 'service' };
    }
    if (status === 'failed') {
      const c = code ?? 131026;
      const details =
        c === 131047
          ? 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.'
          : c === 131026
            ? 'Message undeliverable: the recipient is not a WhatsApp user or has not accepted the terms.'
            : 'Message failed to send.';
      const title = c === 131047 ? 'Re-engagement message' : c === 131026 ? 'Message undeliverable' : 'Failure';
      base.errors = [{ code: c, title, message: title, error_data: { details }, href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/' }];
    }
    if (msg) {
      const line = this.threads.get(msg.to)?.find((l) => l.wamid === wamid);
      if (line) line.status = status;
    }
    return base;
  }

  // ---- Graph API (Switchboard → provider) -----------------------------------------------

  /** Handles `POST /{version}/{phone-number-id}/messages`; false when the request is not ours. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const match = /^\/(v\d+\.\d+)\/(\d+)\/messages$/.exec(url.pathname);
    if (!match || req.method !== 'POST') return false;
    const body = await readBody(req);
    if (req.headers.authorization !== `Bearer ${this.options.accessToken}`) {
      graphError(res, 401, 190, 'Error validating access token: The session is invalid.', 'OAuthException');
      return true;
    }
    const from = match[2] ?? '';
    if (!this.numbers().some((n) => n.phoneNumberId === from)) {
      graphError(res, 400, 100, `Unsupported post request. Object with ID '${match[2]}' does not exist`, 'GraphMethodException');
      return true;
    }
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(body) as Record<string, unknown>;
    } catch {
      graphError(res, 400, 100, 'Invalid parameter', 'OAuthException');
      return true;
    }
    if (json.messaging_product !== 'whatsapp') {
      graphError(res, 400, 100, '(#100) The parameter messaging_product is required.', 'OAuthException');
      return true;
    }
    if (json.status !== undefined) return this.markRead(res, json);
    const text = (json.text as { body?: unknown } | undefined)?.body;
    const to = typeof json.to === 'string' ? json.to.replace(/^\+/, '') : '';
    if (json.type !== 'text' || typeof text !== 'string' || !/^\d{6,20}$/.test(to)) {
      graphError(res, 400, 131009, '(#131009) Parameter value is not valid', 'OAuthException', "Invalid 'to' or 'text' parameter");
      return true;
    }
    const key = req.headers['idempotency-key'];
    const known = typeof key === 'string' ? this.byIdempotencyKey.get(key) : undefined;
    if (known) {
      sendJson(res, 200, { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id: known }] });
      return true;
    }
    const fault = this.faults.shift();
    if (fault?.kind === 'error') {
      graphError(res, fault.http, fault.code, fault.message, 'OAuthException', fault.details);
      return true;
    }
    const wamid = newWamid();
    const opaque = typeof json.biz_opaque_callback_data === 'string' ? json.biz_opaque_callback_data : null;
    const at = this.options.now();
    this.sent.push({ wamid, from, to, text, opaque, at });
    const recipient = this.customers.get(to);
    if (recipient) recipient.typingUntil = 0; // our reply replaces the typing indicator
    if (typeof key === 'string') this.byIdempotencyKey.set(key, wamid);
    this.line(to, { direction: 'out', text, at, wamid, status: 'accepted' });
    if (fault?.kind === 'drop-answer') res.socket?.destroy();
    else sendJson(res, 200, { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id: wamid, message_status: 'accepted' }] });
    if (this.options.statusMode === 'auto') this.scheduleStatuses(wamid, to);
    return true;
  }

  /**
   * `{status:'read', message_id, typing_indicator?:{type:'text'}}` (channels-reference 1.8):
   * marks the customer's message (and the earlier ones) read, and with `typing_indicator` shows
   * "typing…" on the customer's phone for 25 s or until our next message.
   */
  private markRead(res: ServerResponse, json: Record<string, unknown>): boolean {
    const messageId = json.message_id;
    const indicator = json.typing_indicator as { type?: unknown } | undefined;
    if (json.status !== 'read' || typeof messageId !== 'string') {
      graphError(res, 400, 100, '(#100) Param status must be "read" with a message_id', 'OAuthException');
      return true;
    }
    if (indicator !== undefined && indicator?.type !== 'text') {
      graphError(res, 400, 100, '(#100) Param typing_indicator[type] must be "text"', 'OAuthException');
      return true;
    }
    let found: { waId: string; index: number } | null = null;
    for (const [waId, lines] of this.threads) {
      const index = lines.findIndex((l) => l.direction === 'in' && l.wamid === messageId);
      if (index >= 0) found = { waId, index };
    }
    if (!found) {
      graphError(res, 400, 100, '(#100) Invalid parameter', 'OAuthException', 'message_id: no message with this id was received from a customer');
      return true;
    }
    this.marksRead.push(messageId);
    const lines = this.threads.get(found.waId) ?? [];
    for (let i = 0; i <= found.index; i++) if (lines[i]?.direction === 'in') lines[i]!.readByBusiness = true;
    if (indicator !== undefined) {
      const at = this.options.now();
      this.typingIndicators.push({ messageId, to: found.waId, at });
      const c = this.customers.get(found.waId);
      if (c) c.typingUntil = at + SIM_TYPING_MS;
    }
    sendJson(res, 200, { success: true });
    return true;
  }

  /** Whether the customer's phone shows the business typing now. */
  isTypingShown(waId: string): boolean {
    return (this.customers.get(waId)?.typingUntil ?? 0) > this.options.now();
  }

  /** The statuses a real recipient would produce for a message just accepted. */
  plannedStatuses(wamid: string, to: string): Array<{ wamid: string; status: 'sent' | 'delivered' | 'read' | 'failed'; code?: number }> {
    const c = this.customers.get(to);
    if (!c || !c.onWhatsApp) return [{ wamid, status: 'failed', code: 131026 }];
    if (c.lastInboundAt === null || this.options.now() - c.lastInboundAt > WINDOW_MS) return [{ wamid, status: 'failed', code: 131047 }];
    const seq: Array<{ wamid: string; status: 'sent' | 'delivered' | 'read' }> = [
      { wamid, status: 'sent' },
      { wamid, status: 'delivered' },
    ];
    if (c.readReceipts) seq.push({ wamid, status: 'read' });
    return seq;
  }

  private scheduleStatuses(wamid: string, to: string): void {
    let seq = this.plannedStatuses(wamid, to);
    if (this.options.chaos) {
      seq = [...seq, ...seq.filter(() => Math.random() < 0.3)];
      for (let i = seq.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [seq[i], seq[j]] = [seq[j]!, seq[i]!];
      }
    }
    seq.forEach((s, i) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        void this.emitStatuses([s]);
      }, this.options.stepMs * (i + 1));
      this.timers.add(t);
    });
  }

  private line(waId: string, line: SimThreadLine): void {
    let thread = this.threads.get(waId);
    if (!thread) this.threads.set(waId, (thread = []));
    thread.push(line);
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.sender.close();
  }
}

export function readBody(req: IncomingMessage, limit = 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function graphError(res: ServerResponse, http: number, code: number, message: string, type: string, details?: string): void {
  sendJson(res, http, {
    error: {
      message,
      type,
      code,
      ...(details ? { error_data: { messaging_product: 'whatsapp', details } } : {}),
      fbtrace_id: randomBytes(8).toString('base64url'),
    },
  });
}
