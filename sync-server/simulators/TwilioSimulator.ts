import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { twilioSignature } from '../channels/twilio/twilioSignature.ts';
import { readBody, sendJson } from './WhatsAppSimulator.ts';
import { type WebhookSender, createWebhookSender } from './webhookSender.ts';

/**
 * A local stand-in for Twilio Programmable Messaging (channels-reference 2): signed
 * form-encoded webhooks for customer messages (with I-Twilio-Idempotency-Token) and status
 * callbacks to each message's StatusCallback, and the Messages REST API
 * `POST /2010-04-01/Accounts/{sid}/Messages.json` with basic auth answering 201 `queued`.
 * Recipients may be unreachable (30003), unknown (30005), landlines (30006), filtered (30007),
 * opted out (21610 on create); 'chaos' reorders and repeats callbacks.
 */
export interface TwilioSimulatorOptions {
  /** Switchboard's inbound webhook (/webhooks/twilio/sms). */
  inboundUrl: string;
  accountSid: string;
  authToken: string;
  /** Our number (customers write to it). */
  number: string;
  /** More numbers of the same account (several inboxes: "Sales", "Support"). */
  extraNumbers?: string[];
  statusMode?: 'auto' | 'manual';
  stepMs?: number;
  chaos?: boolean;
  fetch?: typeof fetch;
  now?: () => number;
}

export interface SmsCustomer {
  phone: string;
  /** Carrier outcome of messages to this phone: delivered, or an ErrorCode (undelivered / failed). */
  outcome: 'delivered' | 30003 | 30005 | 30006 | 30007 | 30008;
  optedOut: boolean;
}

export interface SmsSentMessage {
  sid: string;
  /** Our number it was sent from. */
  from: string;
  to: string;
  body: string;
  statusCallback: string | null;
  at: number;
  status: string;
}

const sid = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;

export class TwilioSimulator {
  readonly options: Required<Omit<TwilioSimulatorOptions, 'fetch' | 'chaos'>> & { chaos: boolean };
  readonly customers = new Map<string, SmsCustomer>();
  readonly sent: SmsSentMessage[] = [];
  readonly threads = new Map<string, Array<{ direction: 'in' | 'out'; text: string; at: number; sid: string; status?: string }>>();
  private readonly sender: WebhookSender;
  private readonly faults: Array<{ http: number; code: number; message: string } | 'drop-answer'> = [];
  private readonly byIdempotencyKey = new Map<string, SmsSentMessage>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(options: TwilioSimulatorOptions) {
    this.options = { statusMode: 'auto', stepMs: 400, now: Date.now, extraNumbers: [], ...options, chaos: options.chaos ?? false };
    this.sender = createWebhookSender(options.fetch ? { fetch: options.fetch } : {});
  }

  addCustomer(phone: string, opts: Partial<Omit<SmsCustomer, 'phone'>> = {}): SmsCustomer {
    const c: SmsCustomer = { phone, outcome: opts.outcome ?? 'delivered', optedOut: opts.optedOut ?? false };
    this.customers.set(phone, c);
    return c;
  }

  failNextSend(http: number, code: number, message: string): void {
    this.faults.push({ http, code, message });
  }

  dropNextAnswer(): void {
    this.faults.push('drop-answer');
  }

  /** Signs and posts form parameters exactly as Twilio does (all params, sorted, over the full URL). */
  private postForm(url: string, params: Record<string, string>): Promise<number | null> {
    const entries = Object.entries(params);
    return this.sender.post(url, new URLSearchParams(entries).toString(), {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature(this.options.authToken, url, entries),
      'i-twilio-idempotency-token': randomBytes(16).toString('hex'),
    });
  }

  /** Every number of the account, the primary first. */
  numbers(): string[] {
    return [this.options.number, ...this.options.extraNumbers];
  }

  /** The customer texts our number (or `to`, another of ours); resolves with Switchboard's final HTTP status. */
  customerSends(from: string, body: string, messageSid = sid('SM'), to = this.options.number): Promise<number | null> {
    if (!this.customers.has(from)) this.addCustomer(from);
    this.line(from, { direction: 'in', text: body, at: this.options.now(), sid: messageSid });
    return this.postForm(this.options.inboundUrl, {
      ToCountry: 'US',
      SmsMessageSid: messageSid,
      NumMedia: '0',
      SmsSid: messageSid,
      SmsStatus: 'received',
      Body: body,
      To: to,
      NumSegments: '1',
      MessageSid: messageSid,
      AccountSid: this.options.accountSid,
      From: from,
      ApiVersion: '2010-04-01',
    });
  }

  /** A status callback for one of the messages we accepted (any order, repeats allowed). */
  emitStatus(messageSid: string, status: string, errorCode?: number): Promise<number | null> {
    const msg = this.sent.find((m) => m.sid === messageSid);
    if (!msg?.statusCallback) return Promise.resolve(null);
    const ours = msg.from;
    msg.status = status;
    const line = this.threads.get(msg.to)?.find((l) => l.sid === messageSid);
    if (line) line.status = status;
    return this.postForm(msg.statusCallback, {
      AccountSid: this.options.accountSid,
      ApiVersion: '2010-04-01',
      ...(errorCode ? { ErrorCode: String(errorCode) } : {}),
      From: ours,
      MessageSid: messageSid,
      MessageStatus: status,
      SmsSid: messageSid,
      SmsStatus: status,
      To: msg.to,
    });
  }

  /** Handles the Messages REST API; false when the request is not ours. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const match = /^\/2010-04-01\/Accounts\/(AC[0-9a-zA-Z]{32})\/Messages\.json$/.exec(url.pathname);
    if (!match || req.method !== 'POST') return false;
    const raw = await readBody(req);
    const expected = `Basic ${Buffer.from(`${this.options.accountSid}:${this.options.authToken}`).toString('base64')}`;
    if (match[1] !== this.options.accountSid || req.headers.authorization !== expected) {
      return twilioError(res, 401, 20003, 'Authenticate');
    }
    const form = new URLSearchParams(raw);
    const to = form.get('To') ?? '';
    const body = form.get('Body') ?? '';
    if (!/^\+\d{6,15}$/.test(to)) return twilioError(res, 400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    if (!body) return twilioError(res, 400, 21602, 'Message body is required.');
    if (body.length > 1600) return twilioError(res, 400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
    const callback = form.get('StatusCallback');
    if (callback !== null && !/^https?:\/\/[^/]/.test(callback)) return twilioError(res, 400, 21609, `The StatusCallback URL ${callback} is not a valid URL.`);
    if (this.customers.get(to)?.optedOut) return twilioError(res, 400, 21610, 'Attempt to send to unsubscribed recipient');
    const fromNumber = form.get('From') ?? (form.get('MessagingServiceSid') ? this.options.number : '');
    if (!this.numbers().includes(fromNumber))
      return twilioError(res, 400, 21606, `The From phone number ${fromNumber} is not a valid, SMS-capable inbound phone number or short code for your account.`);
    const key = req.headers['idempotency-key'];
    const known = typeof key === 'string' ? this.byIdempotencyKey.get(key) : undefined;
    if (known) return respondCreated(res, this.resource(known)), true;
    const fault = this.faults.shift();
    if (fault && fault !== 'drop-answer') return twilioError(res, fault.http, fault.code, fault.message);
    const msg: SmsSentMessage = { sid: sid('SM'), from: fromNumber, to, body, statusCallback: callback, at: this.options.now(), status: 'queued' };
    this.sent.push(msg);
    if (typeof key === 'string') this.byIdempotencyKey.set(key, msg);
    this.line(to, { direction: 'out', text: body, at: msg.at, sid: msg.sid, status: 'queued' });
    if (fault === 'drop-answer') res.socket?.destroy();
    else respondCreated(res, this.resource(msg));
    if (this.options.statusMode === 'auto') this.scheduleStatuses(msg);
    return true;
  }

  /** The callbacks a real carrier would produce after `queued` (no callback for the initial status). */
  plannedStatuses(msg: SmsSentMessage): Array<{ status: string; errorCode?: number }> {
    const outcome = this.customers.get(msg.to)?.outcome ?? 'delivered';
    if (outcome === 30008) return [{ status: 'sending' }, { status: 'failed', errorCode: 30008 }];
    if (outcome === 'delivered') return [{ status: 'sending' }, { status: 'sent' }, { status: 'delivered' }];
    return [{ status: 'sending' }, { status: 'sent' }, { status: 'undelivered', errorCode: outcome }];
  }

  private scheduleStatuses(msg: SmsSentMessage): void {
    let seq = this.plannedStatuses(msg);
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
        void this.emitStatus(msg.sid, s.status, s.errorCode);
      }, this.options.stepMs * (i + 1));
      this.timers.add(t);
    });
  }

  private resource(msg: SmsSentMessage): Record<string, unknown> {
    const date = new Date(msg.at).toUTCString().replace('GMT', '+0000');
    return {
      sid: msg.sid,
      account_sid: this.options.accountSid,
      messaging_service_sid: null,
      from: msg.from,
      to: msg.to,
      body: msg.body,
      status: 'queued',
      direction: 'outbound-api',
      num_segments: '1',
      num_media: '0',
      error_code: null,
      error_message: null,
      price: null,
      price_unit: 'USD',
      api_version: '2010-04-01',
      date_created: date,
      date_updated: date,
      date_sent: null,
      uri: `/2010-04-01/Accounts/${this.options.accountSid}/Messages/${msg.sid}.json`,
      subresource_uris: { media: `/2010-04-01/Accounts/${this.options.accountSid}/Messages/${msg.sid}/Media.json` },
    };
  }

  private line(phone: string, line: { direction: 'in' | 'out'; text: string; at: number; sid: string; status?: string }): void {
    let thread = this.threads.get(phone);
    if (!thread) this.threads.set(phone, (thread = []));
    thread.push(line);
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.sender.close();
  }
}

function respondCreated(res: ServerResponse, body: Record<string, unknown>): void {
  sendJson(res, 201, body);
}

function twilioError(res: ServerResponse, http: number, code: number, message: string): true {
  sendJson(res, http, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status: http });
  return true;
}
