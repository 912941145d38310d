import type { DeliveryState } from '../../../shared/schema/delivery.ts';
import type { MessageEntry } from '../../../shared/schema/message.ts';
import type { ChannelAdapter, DeliveryOutcome, DeliveryTarget } from '../../conversations/ChannelAdapter.ts';
import type { ConversationService } from '../../conversations/ConversationService.ts';
import type { Router } from '../../http/Router.ts';
import type { Logger } from '../../ops/log.ts';
import type { ChannelLedger } from '../ChannelLedger.ts';
import { type ChannelModule, OUTCOME_UNKNOWN, type WebhookAnswer, neverReachedProvider } from '../ChannelModule.ts';
import { type WhatsAppAccount, whatsappInbox } from '../channelConfig.ts';
import { readRawBody } from '../../http/readRawBody.ts';
import { type GraphError, classifyGraphError } from './graphErrors.ts';
import { WaNotification, type WaStatus, describeWhatsAppMessage, whatsappFailure } from './whatsappPayload.ts';
import { verifyWhatsAppSignature } from './whatsappSignature.ts';

export const WHATSAPP_WEBHOOK_PATH = '/webhooks/whatsapp';
/** The customer service window (channels-reference 1.9). */
export const WHATSAPP_WINDOW_MS = 24 * 60 * 60 * 1000;
const MAX_BODY = 4096;

const STATUS_MAP: Record<string, DeliveryState> = { sent: 'sent', delivered: 'delivered', read: 'read', failed: 'failed' };

/** WhatsApp hides our typing indicator after 25 s; it is sent again at most this often per conversation. */
export const WHATSAPP_TYPING_EVERY_MS = 20_000;

const SCHEMA = `
-- Inbound WhatsApp messages: our message id → its wamid, for mark-as-read and the typing
-- indicator (both name the customer's message they answer). read_at: marked read at the provider.
CREATE TABLE IF NOT EXISTS whatsapp_inbound (
  message_id       TEXT PRIMARY KEY,
  workspace_id     TEXT NOT NULL,
  conversation_id  TEXT NOT NULL,
  wamid            TEXT NOT NULL,
  received_at      INTEGER NOT NULL,
  read_at          INTEGER
);
CREATE INDEX IF NOT EXISTS whatsapp_inbound_latest ON whatsapp_inbound(workspace_id, conversation_id, received_at);
`;

export interface WhatsAppChannelOptions {
  db?: import('better-sqlite3').Database;
  accounts: WhatsAppAccount[];
  ledger: ChannelLedger;
  conversations: ConversationService;
  logger: Logger;
  fetch?: typeof fetch;
  now?: () => number;
  /** Timeout of one Graph API request (ms). */
  requestTimeoutMs?: number;
}

/**
 * The WhatsApp Cloud API channel: the GET verification handshake, signed webhooks (inbound
 * messages, statuses) and sending through the Graph API. Inbound messages are stored once per
 * wamid; statuses advance receipts forward-only and are logged once per (wamid, status).
 */
export class WhatsAppChannel implements ChannelAdapter, ChannelModule {
  readonly channel = 'whatsapp' as const;
  readonly adapter = this;
  private readonly accounts: WhatsAppAccount[];
  private readonly ledger: ChannelLedger;
  private readonly conversations: ConversationService;
  private readonly logger: Logger;
  private readonly fetch: typeof fetch;
  private readonly now: () => number;
  private readonly requestTimeoutMs: number;
  private readonly db: import('better-sqlite3').Database | null;
  /** Conversation → when the typing indicator was last sent (throttle). */
  private readonly typingSentAt = new Map<string, number>();

  constructor(options: WhatsAppChannelOptions) {
    this.db = options.db ?? null;
    this.db?.exec(SCHEMA);
    this.accounts = options.accounts;
    this.ledger = options.ledger;
    this.conversations = options.conversations;
    this.logger = options.logger;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.now = options.now ?? Date.now;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
  }

  routes(router: Router): void {
    router.on('GET', WHATSAPP_WEBHOOK_PATH, ({ res, url }) => reply(res, this.verify(url.searchParams)));
    router.on('POST', WHATSAPP_WEBHOOK_PATH, async ({ req, res }) => {
      const raw = await readRawBody(req);
      if (!raw.ok) return reply(res, { status: raw.status, body: raw.reason });
      const signature = req.headers['x-hub-signature-256'];
      reply(res, await this.receive(raw.body, typeof signature === 'string' ? signature : undefined));
    });
  }

  /** GET handshake: echo `hub.challenge` when the verify token is one of ours, else 403. */
  verify(params: URLSearchParams): WebhookAnswer {
    const token = params.get('hub.verify_token');
    const challenge = params.get('hub.challenge');
    if (params.get('hub.mode') === 'subscribe' && token && challenge !== null && this.accounts.some((a) => a.verifyToken === token)) {
      this.logger.info({ event: 'whatsapp_webhook_verified' });
      return { status: 200, body: challenge, contentType: 'text/plain' };
    }
    this.logger.warn({ event: 'whatsapp_verify_refused' });
    return { status: 403, body: 'forbidden' };
  }

  /**
   * A webhook POST. The signature is checked against the raw bytes before anything else
   * (missing 401, wrong 403: nothing parsed, nothing stored); then the body must be a
   * notification (400). Only phone numbers of accounts sharing the matching app secret are
   * processed; others are acknowledged and ignored (Meta would otherwise retry for days).
   */
  async receive(body: Buffer, signature: string | undefined): Promise<WebhookAnswer> {
    if (!signature) {
      this.logger.warn({ event: 'webhook_refused', channel: 'whatsapp', reason: 'missing-signature' });
      return { status: 401, body: 'missing signature' };
    }
    const secrets = [...new Set(this.accounts.map((a) => a.appSecret))];
    const secret = secrets.find((s) => verifyWhatsAppSignature(body, signature, s));
    if (secret === undefined) {
      this.logger.warn({ event: 'webhook_refused', channel: 'whatsapp', reason: 'bad-signature' });
      return { status: 403, body: 'bad signature' };
    }
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      return { status: 400, body: 'invalid JSON' };
    }
    const parsed = WaNotification.safeParse(json);
    if (!parsed.success) {
      this.logger.warn({ event: 'webhook_refused', channel: 'whatsapp', reason: 'malformed' });
      return { status: 400, body: 'not a WhatsApp notification' };
    }
    for (const entry of parsed.data.entry) {
      for (const change of entry.changes) {
        if (change.field !== 'messages') continue;
        const value = change.value;
        const phoneNumberId = value.metadata?.phone_number_id;
        const account = this.accounts.find((a) => a.phoneNumberId === phoneNumberId && a.appSecret === secret);
        if (!account) {
          this.logger.warn({ event: 'webhook_ignored', channel: 'whatsapp', reason: 'unknown-phone-number-id' });
          continue;
        }
        for (const m of value.messages ?? []) {
          const name = value.contacts?.find((c) => c.wa_id === m.from)?.profile?.name ?? `+${m.from}`;
          await this.receiveMessage(account, m.from, name, m.id, describeWhatsAppMessage(m), Number(m.timestamp) * 1000);
        }
        for (const s of value.statuses ?? []) await this.receiveStatus(s);
      }
    }
    return { status: 200, body: 'ok' };
  }

  private async receiveMessage(account: WhatsAppAccount, waId: string, name: string, wamid: string, text: string, sentAt: number): Promise<void> {
    // One conversation per customer and business number: replies leave from the number written to.
    const contact = await this.ledger.conversationFor({
      workspaceId: account.workspaceId,
      channel: 'whatsapp',
      address: waId,
      name,
      phone: waId,
      inbox: whatsappInbox(account),
      legacyInbox: this.accounts.find((a) => a.workspaceId === account.workspaceId) === account,
    });
    // The window counts from when the customer wrote, never from the future.
    this.ledger.noteInbound(account.workspaceId, 'whatsapp', waId, Math.min(sentAt || this.now(), this.now()), contact.conversationId);
    const result = await this.conversations.appendContactMessage({
      workspaceId: account.workspaceId,
      conversationId: contact.conversationId,
      key: `whatsapp:${wamid}`,
      text: text.slice(0, 20_000) || '[Empty message]',
      at: this.now(),
    });
    if (!result.ok) this.logger.warn({ event: 'whatsapp_message_refused', reason: result.message });
    else if (result.value.duplicate) this.logger.info({ event: 'webhook_duplicate', channel: 'whatsapp' });
    else {
      this.db
        ?.prepare('INSERT OR IGNORE INTO whatsapp_inbound (message_id, workspace_id, conversation_id, wamid, received_at) VALUES (?, ?, ?, ?, ?)')
        .run(result.value.message.id, account.workspaceId, contact.conversationId, wamid, this.now());
    }
  }

  private async receiveStatus(s: WaStatus): Promise<void> {
    const status = STATUS_MAP[s.status];
    if (!status) return; // deleted / warning (older API): ignored
    const failure = status === 'failed' ? whatsappFailure(s) : null;
    const outcome = await this.ledger.recordStatus({
      channel: 'whatsapp',
      providerId: s.id,
      providerStatus: s.status,
      status,
      ...(failure ?? {}),
      messageId: s.biz_opaque_callback_data ?? null,
      raw: s,
    });
    this.logger.debug({ event: 'whatsapp_status', status, outcome });
  }

  // ---- typing indicator and mark-as-read (channels-reference 1.8) ----------------------------

  /**
   * An agent types a reply: WhatsApp's typing indicator, at most once per 20 s per conversation
   * (it shows for 25 s or until our reply; there is no "stop"). It names the customer's latest
   * message, which it also marks read (the API cannot do one without the other). Only inside the
   * 24-hour window, where a reply can follow.
   */
  async agentTyping(target: DeliveryTarget, typing: boolean): Promise<void> {
    if (!typing) return;
    const key = `${target.workspaceId}/${target.conversationId}`;
    const last = this.typingSentAt.get(key);
    if (last !== undefined && this.now() - last < WHATSAPP_TYPING_EVERY_MS) return;
    const latest = this.latestInbound(target.workspaceId, target.conversationId);
    if (!latest || this.now() - latest.received_at > WHATSAPP_WINDOW_MS) return;
    this.typingSentAt.set(key, this.now());
    if (this.typingSentAt.size > 10_000) this.typingSentAt.delete(this.typingSentAt.keys().next().value!);
    if (await this.postStatus(target.workspaceId, latest.wamid, true)) this.markedRead(latest.message_id, target);
  }

  /**
   * An agent has read the customer's messages up to `messageId` (ours): marks it read at
   * WhatsApp (which marks the earlier ones too), once. Customers who turned read receipts off
   * see nothing; that is WhatsApp's business.
   */
  async contactMessagesRead(target: DeliveryTarget, messageId: string): Promise<void> {
    const row = this.db
      ?.prepare('SELECT message_id, wamid, received_at, read_at FROM whatsapp_inbound WHERE message_id = ? AND workspace_id = ?')
      .get(messageId, target.workspaceId) as InboundRow | undefined;
    if (!row || row.read_at !== null) return;
    if (await this.postStatus(target.workspaceId, row.wamid, false)) this.markedRead(row.message_id, target);
  }

  private latestInbound(workspaceId: string, conversationId: string): InboundRow | null {
    return (
      (this.db
        ?.prepare(
          'SELECT message_id, wamid, received_at, read_at FROM whatsapp_inbound WHERE workspace_id = ? AND conversation_id = ? ORDER BY received_at DESC, rowid DESC LIMIT 1',
        )
        .get(workspaceId, conversationId) as InboundRow | undefined) ?? null
    );
  }

  /** Everything up to this message counts as read at the provider now. */
  private markedRead(messageId: string, target: DeliveryTarget): void {
    const row = this.db?.prepare('SELECT received_at FROM whatsapp_inbound WHERE message_id = ?').get(messageId) as { received_at: number } | undefined;
    if (!row) return;
    this.db
      ?.prepare('UPDATE whatsapp_inbound SET read_at = ? WHERE workspace_id = ? AND conversation_id = ? AND received_at <= ? AND read_at IS NULL')
      .run(this.now(), target.workspaceId, target.conversationId, row.received_at);
  }

  /** `{status:'read', message_id}` (with `typing_indicator` when typing); true when WhatsApp said success. */
  private async postStatus(workspaceId: string, wamid: string, typing: boolean): Promise<boolean> {
    const account = this.accounts.find((a) => a.workspaceId === workspaceId);
    if (!account) return false;
    try {
      const response = await this.fetch(`${account.graphBaseUrl.replace(/\/+$/, '')}/${account.apiVersion}/${account.phoneNumberId}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${account.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          messaging_product: 'whatsapp',
          status: 'read',
          message_id: wamid,
          ...(typing ? { typing_indicator: { type: 'text' } } : {}),
        }),
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
      const json = (await response.json().catch(() => null)) as { success?: boolean; error?: GraphError } | null;
      if (response.ok && json?.success === true) {
        this.logger.debug({ event: typing ? 'whatsapp_typing_sent' : 'whatsapp_marked_read' });
        return true;
      }
      this.logger.warn({ event: typing ? 'whatsapp_typing_failed' : 'whatsapp_mark_read_failed', code: json?.error?.code ?? response.status });
    } catch (err) {
      this.logger.warn({ event: typing ? 'whatsapp_typing_failed' : 'whatsapp_mark_read_failed', reason: String(err) });
    }
    return false;
  }

  // ---- sending ----------------------------------------------------------------------------

  async deliver(target: DeliveryTarget, message: MessageEntry): Promise<DeliveryOutcome> {
    // From the number the conversation came in on; older conversations: the workspace's first.
    const ofWorkspace = this.accounts.filter((a) => a.workspaceId === target.workspaceId);
    const account = target.inbox ? ofWorkspace.find((a) => a.phoneNumberId === target.inbox?.id) : ofWorkspace[0];
    if (!account)
      return {
        status: 'failed',
        code: 'not-configured',
        reason: target.inbox ? `The WhatsApp number ${target.inbox.name} is no longer set up for this workspace` : 'WhatsApp is not set up for this workspace',
      };
    const contact = this.ledger.addressOf(target.workspaceId, 'whatsapp', target.conversationId);
    const to = contact?.address ?? target.contact.phone;
    if (!to) return { status: 'failed', code: 'no-address', reason: 'This contact has no WhatsApp number' };

    const previous = this.ledger.outbound(message.id);
    if (previous?.provider_id) return { status: 'queued' }; // already accepted; its statuses arrive by webhook
    if (previous?.state === 'sending' && !account.idempotencyKeys) {
      this.ledger.endSend(message.id, 'failed');
      this.logger.warn({ event: 'delivery_in_doubt', channel: 'whatsapp' });
      return OUTCOME_UNKNOWN;
    }
    if (message.text.length > MAX_BODY) return { status: 'failed', code: 'too-long', reason: `WhatsApp messages are limited to ${MAX_BODY} characters` };
    const lastInbound = contact?.lastInboundAt ?? null;
    if (lastInbound === null || this.now() - lastInbound > WHATSAPP_WINDOW_MS) {
      return {
        status: 'failed',
        code: 'window-closed',
        reason: 'More than 24 hours have passed since the customer last wrote: WhatsApp only allows a template message now',
      };
    }

    this.ledger.beginSend(message.id, target.workspaceId, target.conversationId, 'whatsapp');
    let response: Response;
    try {
      response = await this.fetch(`${account.graphBaseUrl.replace(/\/+$/, '')}/${account.apiVersion}/${account.phoneNumberId}/messages`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${account.accessToken}`,
          'content-type': 'application/json',
          'idempotency-key': message.id,
        },
        body: JSON.stringify({
          messaging_product: 'whatsapp',
          recipient_type: 'individual',
          to,
          type: 'text',
          text: { body: message.text, preview_url: false },
          biz_opaque_callback_data: message.id,
        }),
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
    } catch (err) {
      // A status callback carrying our id may have linked the message meanwhile: the provider has it.
      if (neverReachedProvider(err) || account.idempotencyKeys) {
        if (!this.ledger.endSend(message.id, 'retry')) return { status: 'queued' };
        return { status: 'retry', reason: 'WhatsApp could not be reached' };
      }
      return this.ledger.endSend(message.id, 'failed') ? OUTCOME_UNKNOWN : { status: 'queued' };
    }
    const json = (await response.json().catch(() => null)) as { messages?: Array<{ id?: string }>; error?: GraphError } | null;
    const wamid = json?.messages?.[0]?.id;
    if (response.ok && wamid) {
      await this.ledger.accepted(message.id, wamid);
      return { status: 'queued' };
    }
    const verdict = classifyGraphError(response.status, json?.error ?? null);
    this.ledger.endSend(message.id, verdict.kind);
    if (verdict.kind === 'retry') return { status: 'retry', reason: verdict.reason };
    this.logger.warn({ event: 'whatsapp_send_failed', code: verdict.code });
    return { status: 'failed', code: verdict.code, reason: verdict.reason };
  }
}

interface InboundRow {
  message_id: string;
  wamid: string;
  received_at: number;
  read_at: number | null;
}

function reply(res: import('node:http').ServerResponse, answer: WebhookAnswer): void {
  res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(answer.body);
}
