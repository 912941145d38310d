import type { ServerResponse } from 'node:http';
import type { MessageEntry } from '../../../shared/schema/message.ts';
import { SMS_MAX_BODY } from '../../../shared/channels/smsSegments.ts';
import type { ChannelAdapter, DeliveryOutcome, DeliveryTarget } from '../../conversations/ChannelAdapter.ts';
import type { ConversationService } from '../../conversations/ConversationService.ts';
import type { Router } from '../../http/Router.ts';
import type { Logger } from '../../ops/log.ts';
import type { ChannelLedger } from '../ChannelLedger.ts';
import { type ChannelModule, OUTCOME_UNKNOWN, type WebhookAnswer, neverReachedProvider } from '../ChannelModule.ts';
import { type TwilioAccount, twilioInbox } from '../channelConfig.ts';
import { readRawBody } from '../../http/readRawBody.ts';
import { TWILIO_STATUS, classifyTwilioError, twilioReason } from './twilioErrors.ts';
import { type FormParams, verifyTwilioSignature } from './twilioSignature.ts';

export const TWILIO_INBOUND_PATH = '/webhooks/twilio/sms';
export const TWILIO_STATUS_PATH = '/webhooks/twilio/status';
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

export interface TwilioSmsChannelOptions {
  accounts: TwilioAccount[];
  /** The URL Twilio calls us at (behind a proxy: the public one); signatures cover it. */
  publicBaseUrl: () => string;
  ledger: ChannelLedger;
  conversations: ConversationService;
  logger: Logger;
  fetch?: typeof fetch;
  now?: () => number;
  requestTimeoutMs?: number;
}

/**
 * The SMS channel through Twilio Programmable Messaging: the form-encoded inbound webhook and
 * status callbacks (both signed with X-Twilio-Signature over the public URL and the sorted
 * parameters), sending through the Messages REST API with basic auth and a StatusCallback that
 * carries our message id.
 */
export class TwilioSmsChannel implements ChannelAdapter, ChannelModule {
  readonly channel = 'sms' as const;
  readonly adapter = this;
  private readonly accounts: TwilioAccount[];
  private readonly publicBaseUrl: () => string;
  private readonly ledger: ChannelLedger;
  private readonly conversations: ConversationService;
  private readonly logger: Logger;
  private readonly fetch: typeof fetch;
  private readonly now: () => number;
  private readonly requestTimeoutMs: number;

  constructor(options: TwilioSmsChannelOptions) {
    this.accounts = options.accounts;
    this.publicBaseUrl = options.publicBaseUrl;
    this.ledger = options.ledger;
    this.conversations = options.conversations;
    this.logger = options.logger;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.now = options.now ?? Date.now;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
  }

  routes(router: Router): void {
    const handle = (kind: 'inbound' | 'status') => async ({ req, res, url }: { req: import('node:http').IncomingMessage; res: ServerResponse; url: URL }) => {
      const raw = await readRawBody(req, 64 * 1024);
      if (!raw.ok) return reply(res, { status: raw.status, body: raw.reason });
      const signature = req.headers['x-twilio-signature'];
      const signedUrl = `${this.publicBaseUrl().replace(/\/+$/, '')}${url.pathname}${url.search}`;
      reply(res, await this.receive(kind, signedUrl, raw.body, typeof signature === 'string' ? signature : undefined, url.searchParams.get('m')));
    };
    router.on('POST', TWILIO_INBOUND_PATH, handle('inbound'));
    router.on('POST', TWILIO_STATUS_PATH, handle('status'));
  }

  /**
   * An inbound message or a status callback. The signature is checked before anything is
   * stored (missing 400, wrong 403, as twilio-node does); then required parameters (400).
   */
  async receive(kind: 'inbound' | 'status', signedUrl: string, body: Buffer, signature: string | undefined, ourMessageId: string | null = null): Promise<WebhookAnswer> {
    if (!signature) {
      this.logger.warn({ event: 'webhook_refused', channel: 'sms', reason: 'missing-signature' });
      return { status: 400, body: 'missing X-Twilio-Signature' };
    }
    const params: FormParams = [...new URLSearchParams(body.toString('utf8'))];
    const tokens = [...new Set(this.accounts.map((a) => a.authToken))];
    const token = tokens.find((t) => verifyTwilioSignature(t, signedUrl, params, signature));
    if (token === undefined) {
      this.logger.warn({ event: 'webhook_refused', channel: 'sms', reason: 'bad-signature' });
      return { status: 403, body: 'bad signature' };
    }
    const get = (k: string) => params.find(([key]) => key === k)?.[1] ?? null;
    const sid = get('MessageSid');
    const accountSid = get('AccountSid');
    if (!sid || !/^[SM]M[0-9a-zA-Z]{32}$/.test(sid) || !accountSid) return { status: 400, body: 'missing MessageSid or AccountSid' };

    if (kind === 'status') {
      const providerStatus = get('MessageStatus') ?? get('SmsStatus');
      if (!providerStatus) return { status: 400, body: 'missing MessageStatus' };
      const status = TWILIO_STATUS[providerStatus];
      if (status) {
        const code = get('ErrorCode');
        const failed = status === 'failed';
        const outcome = await this.ledger.recordStatus({
          channel: 'sms',
          providerId: sid,
          providerStatus,
          status,
          ...(failed ? { code: code ?? providerStatus, reason: twilioReason(code, get('ErrorMessage') ?? (providerStatus === 'canceled' ? 'The message was canceled' : null)) } : {}),
          messageId: ourMessageId,
          raw: Object.fromEntries(params),
        });
        this.logger.debug({ event: 'sms_status', status, outcome });
      }
      return { status: 204, body: '' };
    }

    const from = get('From');
    const to = get('To');
    if (!from || !to) return { status: 400, body: 'missing From or To' };
    const account = this.accounts.find((a) => a.authToken === token && a.accountSid === accountSid && (a.fromNumber === to || (a.messagingServiceSid && a.messagingServiceSid === get('MessagingServiceSid'))));
    if (!account) {
      this.logger.warn({ event: 'webhook_ignored', channel: 'sms', reason: 'unknown-number' });
      return { status: 200, body: EMPTY_TWIML, contentType: 'text/xml' };
    }
    const media = Number(get('NumMedia') ?? '0');
    const types = Array.from({ length: Number.isFinite(media) ? Math.min(media, 10) : 0 }, (_, i) => get(`MediaContentType${i}`) ?? 'file');
    const text = [get('Body') ?? '', types.length ? `[${types.length} attachment${types.length > 1 ? 's' : ''}: ${types.join(', ')}]` : ''].filter(Boolean).join('\n') || '[Empty message]';
    const contact = await this.ledger.conversationFor({
      workspaceId: account.workspaceId,
      channel: 'sms',
      address: from,
      name: from,
      phone: from,
      inbox: twilioInbox(account),
      legacyInbox: this.accounts.find((a) => a.workspaceId === account.workspaceId) === account,
    });
    this.ledger.noteInbound(account.workspaceId, 'sms', from, this.now(), contact.conversationId);
    const result = await this.conversations.appendContactMessage({
      workspaceId: account.workspaceId,
      conversationId: contact.conversationId,
      key: `sms:${sid}`,
      text: text.slice(0, 20_000),
      at: this.now(),
    });
    if (!result.ok) this.logger.warn({ event: 'sms_message_refused', reason: result.message });
    else if (result.value.duplicate) this.logger.info({ event: 'webhook_duplicate', channel: 'sms' });
    return { status: 200, body: EMPTY_TWIML, contentType: 'text/xml' };
  }

  async deliver(target: DeliveryTarget, message: MessageEntry): Promise<DeliveryOutcome> {
    // From the number the conversation came in on; older conversations: the workspace's first.
    const ofWorkspace = this.accounts.filter((a) => a.workspaceId === target.workspaceId);
    const account = target.inbox ? ofWorkspace.find((a) => a.fromNumber === target.inbox?.id) : ofWorkspace[0];
    if (!account)
      return {
        status: 'failed',
        code: 'not-configured',
        reason: target.inbox ? `The SMS number ${target.inbox.name} is no longer set up for this workspace` : 'SMS is not set up for this workspace',
      };
    const to = this.ledger.addressOf(target.workspaceId, 'sms', target.conversationId)?.address ?? target.contact.phone;
    if (!to) return { status: 'failed', code: 'no-address', reason: 'This contact has no phone number' };
    const previous = this.ledger.outbound(message.id);
    if (previous?.provider_id) return { status: 'queued' };
    if (previous?.state === 'sending' && !account.idempotencyKeys) {
      this.ledger.endSend(message.id, 'failed');
      this.logger.warn({ event: 'delivery_in_doubt', channel: 'sms' });
      return OUTCOME_UNKNOWN;
    }
    if (message.text.length > SMS_MAX_BODY) return { status: 'failed', code: 'too-long', reason: `SMS messages are limited to ${SMS_MAX_BODY} characters` };

    const form = new URLSearchParams({ To: to, Body: message.text });
    if (account.messagingServiceSid) form.set('MessagingServiceSid', account.messagingServiceSid);
    else form.set('From', account.fromNumber);
    form.set('StatusCallback', `${this.publicBaseUrl().replace(/\/+$/, '')}${TWILIO_STATUS_PATH}?m=${encodeURIComponent(message.id)}`);

    this.ledger.beginSend(message.id, target.workspaceId, target.conversationId, 'sms');
    let response: Response;
    try {
      response = await this.fetch(`${account.apiBaseUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${account.accountSid}/Messages.json`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${account.accountSid}:${account.authToken}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          'idempotency-key': message.id,
        },
        body: form.toString(),
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
    } catch (err) {
      // A status callback carrying our id may have linked the message meanwhile: the provider has it.
      if (neverReachedProvider(err) || account.idempotencyKeys) {
        if (!this.ledger.endSend(message.id, 'retry')) return { status: 'queued' };
        return { status: 'retry', reason: 'Twilio could not be reached' };
      }
      return this.ledger.endSend(message.id, 'failed') ? OUTCOME_UNKNOWN : { status: 'queued' };
    }
    const json = (await response.json().catch(() => null)) as { sid?: string; status?: string; code?: number; message?: string } | null;
    if (response.ok && json?.sid) {
      await this.ledger.accepted(message.id, json.sid);
      return { status: 'queued' };
    }
    const verdict = classifyTwilioError(response.status, json);
    this.ledger.endSend(message.id, verdict.kind);
    if (verdict.kind === 'retry') return { status: 'retry', reason: verdict.reason };
    this.logger.warn({ event: 'sms_send_failed', code: verdict.code });
    return { status: 'failed', code: verdict.code, reason: verdict.reason };
  }
}

function reply(res: ServerResponse, answer: WebhookAnswer): void {
  res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(answer.body);
}
