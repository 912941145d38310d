import { createHash } from 'node:crypto';
import type { ParsedMail } from 'mailparser';
import type { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { MAX_TEXT_LENGTH, type EmailAttachment, type EmailPart, type MessageEntry } from '../../../shared/schema/message.ts';
import type { ChannelAdapter, DeliveryOutcome, DeliveryTarget } from '../../conversations/ChannelAdapter.ts';
import type { ConversationService } from '../../conversations/ConversationService.ts';
import type { Logger } from '../../ops/log.ts';
import type { ChannelLedger } from '../ChannelLedger.ts';
import { type ChannelModule, OUTCOME_UNKNOWN } from '../ChannelModule.ts';
import type { EmailAccount, SmtpListenerConfig } from '../channelConfig.ts';
import { detectAutomated } from './detectAutomated.ts';
import { EmailStore } from './EmailStore.ts';
import { type Dsn, dsnReason, parseDeliveryStatus, returnedMessageId } from './parseDsn.ts';
import type { SmtpEnvelope, SmtpListener, SmtpListenerOptions, SmtpRefusal } from './SmtpListener.ts';
import { normaliseIds, ourMessageId, parseOurMessageId, replyReferences, replySubject, threadCandidates } from './threading.ts';
import { parseVerp, verpAddress } from './verp.ts';

export interface EmailChannelOptions {
  accounts: EmailAccount[];
  listener: SmtpListenerConfig;
  db: import('better-sqlite3').Database;
  ledger: ChannelLedger;
  conversations: ConversationService;
  logger: Logger;
  now?: () => number;
}

type Route = { kind: 'inbox'; account: EmailAccount } | { kind: 'bounce'; account: EmailAccount; messageId: string };

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();
const PLAIN_BOUNCE_SUBJECT = /undeliver|undelivered|delivery (status notification|failure|has failed)|returned mail|failure notice|mail delivery (failed|system)|non-?delivery/i;

/**
 * The email channel (docs/channels.md, Email): inbound mail through the built-in SMTP listener
 * (threaded into conversations by Message-ID, In-Reply-To and References; HTML sanitised;
 * attachments listed; automated mail flagged; idempotent on Message-ID), replies through an
 * SMTP relay (nodemailer) with our own Message-ID, reply headers and a VERP return path, and
 * delivery status from DSN or VERP bounces, or "delivered" once no bounce came in time.
 */
export class EmailChannel implements ChannelAdapter, ChannelModule {
  readonly channel = 'email' as const;
  readonly adapter = this;
  readonly store: EmailStore;
  private readonly accounts: EmailAccount[];
  private readonly ledger: ChannelLedger;
  private readonly conversations: ConversationService;
  private readonly logger: Logger;
  private readonly now: () => number;
  /** Built at start() when there are accounts. */
  private listener: SmtpListener | null = null;
  private readonly listenerConfig: SmtpListenerConfig;
  private readonly transports = new Map<string, Transporter<SMTPTransport.SentMessageInfo>>();
  /** Inbound mail is processed one at a time: two copies of one mail never race past the Message-ID check. */
  private inbound: Promise<unknown> = Promise.resolve();
  private sweepTimer: ReturnType<typeof setInterval> | null = null;

  constructor(options: EmailChannelOptions) {
    this.accounts = options.accounts;
    this.ledger = options.ledger;
    this.conversations = options.conversations;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.store = new EmailStore(options.db);
    this.listenerConfig = options.listener;
  }

  routes(): void {
    // Email arrives over SMTP, not HTTP.
  }

  /**
   * Starts the SMTP listener and the "delivered if no bounce" sweep (with accounts only). The
   * mail libraries (smtp-server, mailparser, nodemailer, sanitize-html: about 8 MiB of heap) are
   * loaded then, or at the first send, so a server without email does not carry them.
   */
  async start(): Promise<void> {
    if (this.accounts.length === 0 || this.listener) return;
    const { SmtpListener } = await import('./SmtpListener.ts');
    const options: SmtpListenerOptions = {
      config: this.listenerConfig,
      logger: this.logger,
      checkRecipient: (address) => (this.route(address) ? null : this.refuseRecipient(address)),
      onMail: (raw, envelope) => this.receive(raw, envelope),
    };
    this.listener = new SmtpListener(options);
    const port = await this.listener.listen();
    const every = Math.max(1_000, Math.min(60_000, Math.floor(Math.min(...this.accounts.map((a) => a.deliveredAfterMs)) / 4)));
    this.sweepTimer = setInterval(() => void this.sweep().catch((err: unknown) => this.logger.error({ event: 'email_sweep_failed', reason: String(err) })), every);
    this.sweepTimer.unref?.();
    this.logger.info({ event: 'smtp_listening', port });
  }

  /** The listener's port once started (null without email accounts). */
  get smtpPort(): number | null {
    return this.listener?.port ?? null;
  }

  async close(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
    await this.listener?.close();
    await this.inbound.catch(() => undefined);
    for (const t of this.transports.values()) t.close();
    this.transports.clear();
  }

  // ---- inbound ----------------------------------------------------------------------------

  private route(address: string): Route | null {
    const lower = address.toLowerCase();
    for (const account of this.accounts) {
      if (account.address.toLowerCase() === lower) return { kind: 'inbox', account };
      const verp = parseVerp(address, account.bounceLocalPart, domainOf(account.address), account.verpSecret);
      if (verp.kind === 'ok') return { kind: 'bounce', account, messageId: verp.messageId };
    }
    return null;
  }

  private refuseRecipient(address: string): SmtpRefusal {
    for (const account of this.accounts) {
      if (parseVerp(address, account.bounceLocalPart, domainOf(account.address), account.verpSecret).kind === 'forged') {
        return { code: 550, message: '5.7.1 This bounce address is not valid (MAIL4)' };
      }
    }
    return { code: 550, message: '5.1.1 No such mailbox here' };
  }

  /** One accepted SMTP transaction: every recipient's route, in order, one mail at a time. */
  receive(raw: Buffer, envelope: SmtpEnvelope): Promise<SmtpRefusal | null> {
    const run = this.inbound.then(() => this.receiveNow(raw, envelope));
    this.inbound = run.catch(() => undefined);
    return run;
  }

  private async receiveNow(raw: Buffer, envelope: SmtpEnvelope): Promise<SmtpRefusal | null> {
    const routes = envelope.to.map((a) => this.route(a)).filter((r): r is Route => r !== null);
    if (routes.length === 0) return { code: 550, message: '5.1.1 No such mailbox here' };
    let parsed: ParsedMail;
    try {
      const { simpleParser } = await import('mailparser');
      parsed = await simpleParser(raw, { keepDeliveryStatus: true, skipImageLinks: true, maxHtmlLengthToParse: 2 * 1024 * 1024 });
    } catch {
      return { code: 550, message: '5.6.0 The message could not be parsed' };
    }
    const seen = new Set<string>();
    for (const route of routes) {
      const key = route.kind === 'inbox' ? `in:${route.account.workspaceId}:${route.account.address}` : `b:${route.messageId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const refusal = route.kind === 'inbox' ? await this.receiveInbox(route.account, parsed, raw, envelope) : await this.receiveBounce(route.account, route.messageId, parsed, envelope);
      if (refusal) return refusal;
    }
    return null;
  }

  private async receiveInbox(account: EmailAccount, parsed: ParsedMail, raw: Buffer, envelope: SmtpEnvelope): Promise<SmtpRefusal | null> {
    const ws = account.workspaceId;
    const sender = parsed.from?.value[0];
    const fromAddress = sender?.address?.trim().toLowerCase() ?? '';
    if (!/^[^\s@<>]{1,64}@[^\s@<>]{1,253}$/.test(fromAddress)) {
      this.logger.info({ event: 'email_refused', reason: 'no-sender' });
      return { code: 550, message: '5.1.7 The From address is missing or invalid' };
    }
    const headerId = normaliseIds(parsed.messageId)[0] ?? `<sha256.${createHash('sha256').update(raw).digest('hex')}@switchboard.invalid>`;
    if (this.store.message(ws, headerId)) {
      this.logger.info({ event: 'email_duplicate', channel: 'email' });
      return null; // MAIL2: accepted again (so the sender stops retrying), stored once
    }
    const automated = detectAutomated({
      headers: parsed.headers as Map<string, unknown>,
      envelopeFrom: envelope.from,
      fromAddress,
      contentType: (parsed.headers.get('content-type') as { value?: string } | undefined)?.value ?? '',
      ownAddresses: this.accounts.map((a) => a.address),
      loopToken: this.loopToken(account),
    });
    if (automated === 'loop') {
      this.logger.warn({ event: 'email_loop_dropped', channel: 'email' });
      return null;
    }
    if (automated === 'report') {
      // A delivery report sent to the support address rather than our VERP address.
      const matched = await this.receiveUnaddressedReport(account, parsed);
      if (!matched) this.logger.info({ event: 'email_report_dropped', channel: 'email' });
      return null;
    }

    const refs = normaliseIds(parsed.references);
    const subject = (parsed.subject ?? '').trim().slice(0, 998);
    const conversationId = await this.conversationFor(account, parsed, fromAddress, sender?.name?.trim() || fromAddress, subject);

    const html = typeof parsed.html === 'string' ? (await import('./sanitizeEmailHtml.ts')).sanitizeInboundHtml(parsed.html) : null;
    const attachments: EmailAttachment[] = parsed.attachments
      .filter((a) => !a.related || a.contentDisposition === 'attachment')
      .slice(0, 100)
      .map((a) => ({ name: (a.filename ?? 'attachment').slice(0, 255), type: (a.contentType ?? 'application/octet-stream').slice(0, 255), size: a.size ?? a.content.length }));
    let text = (parsed.text ?? '').replace(/\r\n?/g, '\n').trim();
    if (!text) text = attachments.length ? `[${attachments.length} attachment${attachments.length > 1 ? 's' : ''}: ${attachments.map((a) => a.name).join(', ')}]` : subject ? `[${subject}]` : '[Empty message]';
    if (text.length > MAX_TEXT_LENGTH) text = `${text.slice(0, MAX_TEXT_LENGTH - 40)}\n[… message shortened]`;
    const email: EmailPart = {
      ...(subject ? { subject } : {}),
      ...(html ? { html } : {}),
      ...(attachments.length ? { attachments } : {}),
      ...(automated ? { automated } : {}),
    };
    const at = this.now();
    const result = await this.conversations.appendContactMessage({
      workspaceId: ws,
      conversationId,
      key: `email:${headerId}`,
      text,
      at,
      email,
      reopen: automated === null,
    });
    if (!result.ok) {
      this.logger.warn({ event: 'email_message_refused', reason: result.message });
      return { code: 550, message: '5.6.0 The message could not be stored' };
    }
    this.store.addMessage({ workspace_id: ws, header_id: headerId, conversation_id: conversationId, message_id: result.value.message.id, direction: 'in', refs, created_at: at });
    this.ledger.noteInbound(ws, 'email', fromAddress, at);
    this.logger.info({ event: 'email_received', channel: 'email', automated: automated ?? undefined, attachments: attachments.length });
    return null;
  }

  /**
   * The conversation a mail belongs to: the one holding its parent (In-Reply-To, then References
   * newest first), else the one named by one of our own Message-IDs, else a new one. A new thread
   * from a known sender starts a new conversation of the same contact, as help desks do (one
   * conversation per email thread; no subject-only threading).
   */
  private async conversationFor(account: EmailAccount, parsed: ParsedMail, address: string, name: string, subject: string): Promise<string> {
    const ws = account.workspaceId;
    const domain = domainOf(account.address);
    for (const id of threadCandidates(parsed.inReplyTo, parsed.references)) {
      const known = this.store.message(ws, id);
      if (known) return known.conversation_id;
      const ours = parseOurMessageId(id, domain);
      if (ours && this.store.thread(ws, ours.conversationId)) return ours.conversationId;
    }
    const contact = this.ledger.contact(ws, 'email', address);
    let conversationId: string;
    if (!contact) {
      conversationId = (await this.ledger.conversationFor({ workspaceId: ws, channel: 'email', address, name, email: address })).conversationId;
    } else {
      const meta = await this.conversations.createConversation({
        workspaceId: ws,
        channel: 'email',
        contact: { id: contact.contactId, name: contact.name.slice(0, 200), email: address.slice(0, 320) },
      });
      conversationId = meta.id;
    }
    this.store.addThread(ws, conversationId, { address, subject });
    return conversationId;
  }

  private async receiveBounce(account: EmailAccount, messageId: string, parsed: ParsedMail, envelope: SmtpEnvelope): Promise<SmtpRefusal | null> {
    const dsn = this.readDsn(parsed);
    const from = parsed.from?.value[0]?.address?.toLowerCase() ?? '';
    if (!dsn) {
      const looksLikeBounce = envelope.from === '' || /^(mailer-daemon|postmaster)@/i.test(from) || PLAIN_BOUNCE_SUBJECT.test(parsed.subject ?? '');
      if (!looksLikeBounce) {
        // An auto-reply (or a person) answering our Return-Path: a message in the thread, not a bounce.
        const sent = this.store.outgoing(messageId);
        if (!sent) return null;
        return this.receiveInbox(account, parsed, Buffer.from(`${messageId}:${parsed.messageId ?? ''}`), envelope);
      }
      const reason = plainBounceReason(parsed.text ?? '');
      await this.fail(messageId, 'bounce', reason, { kind: 'plain-bounce', subject: (parsed.subject ?? '').slice(0, 200) });
      return null;
    }
    await this.applyDsn(account, messageId, dsn);
    return null;
  }

  /** A DSN that came to the support address: matched only by a returned Message-ID of ours whose recipient it names. */
  private async receiveUnaddressedReport(account: EmailAccount, parsed: ParsedMail): Promise<boolean> {
    const dsn = this.readDsn(parsed);
    if (!dsn) return false;
    const returned = parsed.attachments.find((a) => /^(text\/rfc822-headers|message\/rfc822|message\/global-headers)$/i.test(a.contentType));
    const headerId = returned ? returnedMessageId(returned.content.toString('utf8')) : null;
    const ours = headerId ? parseOurMessageId(normaliseIds(headerId)[0] ?? '', domainOf(account.address)) : null;
    if (!ours) return false;
    const thread = this.store.thread(account.workspaceId, ours.conversationId);
    if (!thread || !dsn.recipients.some((r) => r.finalRecipient === thread.address)) return false;
    await this.applyDsn(account, ours.messageId, dsn);
    return true;
  }

  private readDsn(parsed: ParsedMail): Dsn | null {
    const part = parsed.attachments.find((a) => /^message\/(global-)?delivery-status$/i.test(a.contentType));
    return part ? parseDeliveryStatus(part.content.toString('utf8')) : null;
  }

  private async applyDsn(account: EmailAccount, messageId: string, dsn: Dsn): Promise<void> {
    const sent = this.store.outgoing(messageId);
    if (!sent) {
      this.logger.info({ event: 'email_bounce_unknown', channel: 'email' });
      return;
    }
    const thread = this.store.thread(sent.workspace_id, sent.conversation_id);
    const r = dsn.recipients.find((x) => x.finalRecipient === thread?.address) ?? dsn.recipients[0];
    if (!r) return;
    const raw = { kind: 'dsn', reportingMta: dsn.reportingMta, envelopeId: dsn.envelopeId, action: r.action, status: r.status, diagnostic: r.diagnostic };
    if (r.action === 'failed') {
      await this.fail(messageId, r.status, dsnReason(r), raw);
    } else if (r.action === 'delayed') {
      this.store.extend(messageId, this.now(), account.deliveredAfterMs);
      await this.ledger.recordStatus({ channel: 'email', providerId: sent.header_id, providerStatus: 'dsn-delayed', status: 'sent', messageId, raw });
      this.logger.info({ event: 'email_delayed', channel: 'email', status: r.status });
    } else {
      this.store.stopAwaiting(messageId);
      await this.ledger.recordStatus({ channel: 'email', providerId: sent.header_id, providerStatus: `dsn-${r.action}`, status: 'delivered', messageId, raw });
    }
  }

  private async fail(messageId: string, code: string, reason: string, raw: unknown): Promise<void> {
    const sent = this.store.outgoing(messageId);
    if (!sent) {
      this.logger.info({ event: 'email_bounce_unknown', channel: 'email' });
      return;
    }
    this.store.stopAwaiting(messageId);
    const outcome = await this.ledger.recordStatus({ channel: 'email', providerId: sent.header_id, providerStatus: 'bounce-failed', status: 'failed', code, reason, messageId, raw });
    this.logger.info({ event: 'email_bounced', channel: 'email', code, outcome });
  }

  // ---- "delivered if no bounce" -----------------------------------------------------------

  /**
   * Marks delivered every sent mail whose wait for a bounce is over (spec: "an email is marked
   * as delivered if no bounce is received"); a later bounce still wins (failed after delivered).
   * Runs on a timer; tests call it with a fake clock.
   */
  async sweep(now: number = this.now()): Promise<number> {
    const due = this.store.due(now);
    for (const row of due) {
      this.store.stopAwaiting(row.message_id);
      await this.ledger.recordStatus({ channel: 'email', providerId: row.header_id, providerStatus: 'no-bounce', status: 'delivered', messageId: row.message_id, raw: { kind: 'no-bounce', at: now } });
    }
    if (due.length) this.logger.info({ event: 'email_delivered_no_bounce', count: due.length });
    return due.length;
  }

  // ---- outbound ---------------------------------------------------------------------------

  private loopToken(account: EmailAccount): string {
    return `switchboard ${account.address.toLowerCase()}`;
  }

  private async transport(account: EmailAccount): Promise<Transporter<SMTPTransport.SentMessageInfo>> {
    const key = `${account.workspaceId}\u0000${account.address}`;
    let t = this.transports.get(key);
    if (!t) {
      const { default: nodemailer } = await import('nodemailer');
      // Another send may have created it while the library loaded.
      const created = this.transports.get(key);
      if (created) return created;
      const { relay } = account;
      t = nodemailer.createTransport({
        host: relay.host,
        port: relay.port,
        secure: relay.secure,
        requireTLS: relay.requireTLS,
        ...(relay.auth ? { auth: { user: relay.auth.user, pass: relay.auth.pass } } : {}),
        tls: { rejectUnauthorized: relay.rejectUnauthorized },
        connectionTimeout: 15_000,
        greetingTimeout: 15_000,
        socketTimeout: 60_000,
      });
      this.transports.set(key, t);
    }
    return t;
  }

  async deliver(target: DeliveryTarget, message: MessageEntry): Promise<DeliveryOutcome> {
    const account = this.accounts.find((a) => a.workspaceId === target.workspaceId);
    if (!account) return { status: 'failed', code: 'not-configured', reason: 'Email is not set up for this workspace' };
    const thread = this.store.thread(target.workspaceId, target.conversationId);
    const to = thread?.address ?? target.contact.email;
    if (!to) return { status: 'failed', code: 'no-address', reason: 'This contact has no email address' };
    const previous = this.ledger.outbound(message.id);
    if (previous?.provider_id) return { status: 'sent' };
    if (previous?.state === 'sending' && !account.resendInDoubt) {
      this.ledger.endSend(message.id, 'failed');
      this.logger.warn({ event: 'delivery_in_doubt', channel: 'email' });
      return OUTCOME_UNKNOWN;
    }

    const domain = domainOf(account.address);
    const headerId = ourMessageId(target.conversationId, message.id, domain);
    const parent = this.store.latestInbound(target.workspaceId, target.conversationId);
    const references = parent ? replyReferences(parent.refs, parent.headerId) : [];
    this.store.addMessage({
      workspace_id: target.workspaceId,
      header_id: headerId,
      conversation_id: target.conversationId,
      message_id: message.id,
      direction: 'out',
      refs: references,
      created_at: this.now(),
    });
    const html = message.email?.html ? (await import('./sanitizeEmailHtml.ts')).sanitizeOutboundHtml(message.email.html) : null;
    const returnPath = verpAddress(account.bounceLocalPart, domain, message.id, account.verpSecret);

    this.ledger.beginSend(message.id, target.workspaceId, target.conversationId, 'email');
    let info: SMTPTransport.SentMessageInfo;
    try {
      info = await (await this.transport(account)).sendMail({
        from: { name: account.fromName, address: account.address },
        to,
        subject: replySubject(thread?.subject),
        text: message.text,
        ...(html ? { html } : {}),
        messageId: headerId,
        ...(parent ? { inReplyTo: parent.headerId, references } : {}),
        envelope: { from: returnPath, to: [to] },
        dsn: { id: message.id, return: 'headers', notify: ['failure', 'delay'], recipient: to },
        headers: { 'X-Loop': this.loopToken(account) },
      });
    } catch (err) {
      return this.sendError(message.id, err, account);
    }
    if (!info.accepted.some((a) => (typeof a === 'string' ? a : (a as { address: string }).address).toLowerCase() === to.toLowerCase())) {
      this.ledger.endSend(message.id, 'failed');
      return { status: 'failed', code: 'rejected', reason: `The mail server refused the recipient ${to}` };
    }
    await this.ledger.accepted(message.id, headerId);
    this.store.await(message.id, target.workspaceId, headerId, this.now() + account.deliveredAfterMs);
    this.logger.info({ event: 'email_sent', channel: 'email', html: html !== null });
    return { status: 'sent' };
  }

  /** 5xx: permanent (the relay's answer is the reason); 4xx and lost connections: retry with the same Message-ID. */
  private sendError(messageId: string, err: unknown, account: EmailAccount): DeliveryOutcome {
    const e = err as { responseCode?: number; response?: string; code?: string; command?: string };
    const answer = (e.response ?? '').replace(/\s+/g, ' ').slice(0, 300);
    if (e.responseCode && e.responseCode >= 500) {
      this.ledger.endSend(messageId, 'failed');
      this.logger.warn({ event: 'email_send_failed', code: e.responseCode });
      return { status: 'failed', code: `smtp-${e.responseCode}`, reason: `The mail server refused this message: ${answer || e.responseCode}` };
    }
    if (e.code === 'EAUTH') {
      this.ledger.endSend(messageId, 'failed');
      return { status: 'failed', code: 'relay-auth', reason: 'The mail relay refused our credentials: check the email settings' };
    }
    // The connection broke without an answer: the relay may have the mail (cut after DATA).
    // Same Message-ID again (mailboxes collapse it) or "outcome unknown". A connection that was
    // never made is always retried.
    const neverReached = e.code === 'EDNS' || /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN/.test(`${e.code ?? ''} ${(err as Error).message ?? ''}`);
    const inDoubt = !e.responseCode && !neverReached;
    if (inDoubt && !account.resendInDoubt) return this.ledger.endSend(messageId, 'failed') ? OUTCOME_UNKNOWN : { status: 'sent' };
    if (!this.ledger.endSend(messageId, 'retry')) return { status: 'sent' };
    return { status: 'retry', reason: e.responseCode ? `The mail server asked to try later: ${answer}` : 'The mail relay could not be reached' };
  }
}

/** The first informative lines of a plain-text bounce, as its reason. */
function plainBounceReason(text: string): string {
  const lines = text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^-+$/.test(l) && !/^>/.test(l));
  const useful = lines.find((l) => /\b[45]\d\d\b|\b[45]\.\d+\.\d+\b|unknown|not exist|rejected|refused|full|quota/i.test(l)) ?? lines[0] ?? 'The message bounced';
  return `Bounced: ${useful}`.slice(0, 300);
}
