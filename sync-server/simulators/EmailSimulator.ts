import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { SMTPServer } from 'smtp-server';

/**
 * How the simulated customers' mail servers talk to Switchboard: STARTTLS whenever it is
 * offered, without verifying the certificate, as MTAs do between themselves (opportunistic
 * security, RFC 7435).
 */
const OPPORTUNISTIC_TLS = { rejectUnauthorized: false };

/**
 * A local stand-in for the mail side of the world (channels-reference 3): the SMTP relay our
 * replies go through, which is also the customers' mailboxes, and the customers' mail clients.
 *
 *  - Relay: an SMTP server (advertising DSN) that accepts our outgoing mail, keeps the envelope
 *    (VERP sender, ENVID, NOTIFY) and files it in the customer's mailbox; a mailbox collapses
 *    two copies of one Message-ID, as Gmail does.
 *  - Per customer outcome: delivered (no bounce: Switchboard infers delivery after its timeout),
 *    an RFC 3464 bounce (multipart/report from `MAIL FROM:<>` to the VERP address), a plain-text
 *    bounce, a delayed DSN, or an out-of-office auto-reply (Auto-Submitted: auto-replied).
 *  - Customers write real SMTP to Switchboard's listener, with threading headers when they reply.
 */
export type MailOutcome = 'delivered' | 'bounce' | 'plain-bounce' | 'delayed' | 'auto-reply';
export const MAIL_OUTCOMES: readonly MailOutcome[] = ['delivered', 'bounce', 'plain-bounce', 'delayed', 'auto-reply'];

export interface EmailSimulatorOptions {
  /** Switchboard's SMTP listener (set later with `setSwitchboard` when it starts after us). */
  switchboard: { host: string; port: number } | null;
  /** The support address customers write to. */
  supportAddress: string;
  /** Host name of the simulated customer MX, in DSNs. */
  mxName?: string;
  statusMode?: 'auto' | 'manual';
  /** Delay before a bounce or auto-reply in auto mode. */
  stepMs?: number;
}

export interface MailCustomer {
  address: string;
  name: string;
  outcome: MailOutcome;
}

/** A mail our relay accepted, as it saw it on the wire. */
export interface RelayedMail {
  envelopeFrom: string;
  to: string[];
  envid: string | null;
  notify: string[];
  raw: Buffer;
  messageId: string;
  inReplyTo: string | null;
  references: string[];
  subject: string;
  from: string;
  text: string;
  html: string | null;
  /** The Content-Type of the top part, e.g. multipart/alternative. */
  contentType: string;
  headers: Record<string, string>;
  at: number;
}

/** One line of a customer's mailbox (what the mail client page shows). */
export interface MailboxLine {
  direction: 'in' | 'out';
  messageId: string;
  subject: string;
  text: string;
  html: string | null;
  at: number;
  /** For mail from Switchboard: what became of it (delivered, bounced, delayed, auto-replied). */
  outcome?: string;
  /** For mail the customer sent: Switchboard's SMTP answer. */
  smtp?: string;
  attachments?: Array<{ name: string; type: string; size: number }>;
}

export class EmailSimulator {
  readonly options: Required<Omit<EmailSimulatorOptions, 'switchboard'>> & { switchboard: { host: string; port: number } | null };
  readonly customers = new Map<string, MailCustomer>();
  readonly mailboxes = new Map<string, MailboxLine[]>();
  readonly relayed: RelayedMail[] = [];
  private readonly relay: SMTPServer;
  private relayAddress: AddressInfo | null = null;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly waiters = new Set<() => void>();
  /** Refusals the relay gives to the next RCPT TO commands (tests: 550 unknown user, 451 try later). */
  private readonly faults: Array<{ code: number; message: string }> = [];
  private dropAnswers = 0;

  constructor(options: EmailSimulatorOptions) {
    this.options = { mxName: 'mx.customer.example', statusMode: 'auto', stepMs: 800, ...options };
    this.relay = new SMTPServer({
      name: 'relay.sim.example',
      authOptional: true,
      hideDSN: false,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onAuth: (_auth, _session, cb) => cb(null, { user: 'sim' }),
      onRcptTo: (_address, _session, cb) => {
        const fault = this.faults.shift();
        cb(fault ? Object.assign(new Error(fault.message), { responseCode: fault.code }) : null);
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks);
          const env = session.envelope as typeof session.envelope & { dsn?: { envid?: string | null } };
          const rcpts = session.envelope.rcptTo as Array<{ address: string; dsn?: { notify?: string[] } }>;
          this.accept(raw, {
            envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: rcpts.map((r) => r.address.toLowerCase()),
            envid: env.dsn?.envid ?? null,
            notify: rcpts[0]?.dsn?.notify ?? [],
          }).then(
            () => {
              if (this.dropAnswers > 0) {
                // The mail is filed, but the 250 never reaches the sender: the connection dies.
                this.dropAnswers--;
                const connections = (this.relay as unknown as { connections: Set<{ session: { id: string }; _socket: { destroy(): void } }> }).connections;
                for (const c of connections) if (c.session.id === session.id) c._socket.destroy();
                return;
              }
              callback(null);
            },
            () => callback(Object.assign(new Error('4.3.0 Relay error'), { responseCode: 451 })),
          );
        });
      },
    });
  }

  /** Starts the relay on `port` (0: any); resolves with the port. */
  async start(port = 0, host = '127.0.0.1'): Promise<number> {
    this.relayAddress = await new Promise<AddressInfo>((resolve, reject) => {
      this.relay.server.once('error', reject);
      this.relay.listen(port, host, () => resolve(this.relay.server.address() as AddressInfo));
    });
    return this.relayAddress.port;
  }

  get relayPort(): number {
    return this.relayAddress?.port ?? 0;
  }

  /** The relay files the next mail but the connection breaks before its 250 (a lost answer). */
  dropNextAnswer(): void {
    this.dropAnswers++;
  }

  /** The relay refuses the next recipient with this SMTP answer. */
  failNextRcpt(code: number, message: string): void {
    this.faults.push({ code, message });
  }

  setSwitchboard(host: string, port: number): void {
    this.options.switchboard = { host, port };
  }

  addCustomer(address: string, name: string, opts: { outcome?: MailOutcome } = {}): MailCustomer {
    const c: MailCustomer = { address: address.toLowerCase(), name, outcome: opts.outcome ?? 'delivered' };
    this.customers.set(c.address, c);
    if (!this.mailboxes.has(c.address)) this.mailboxes.set(c.address, []);
    return c;
  }

  /** Resolves once `count` mails went through the relay. */
  async waitForRelayed(count: number): Promise<RelayedMail> {
    while (this.relayed.length < count) await new Promise<void>((resolve) => this.waiters.add(resolve));
    return this.relayed[count - 1] as RelayedMail;
  }

  private async accept(raw: Buffer, envelope: { envelopeFrom: string; to: string[]; envid: string | null; notify: string[] }): Promise<void> {
    const parsed = await simpleParser(raw);
    const headerText = (name: string) => {
      const v = parsed.headers.get(name);
      return v === undefined ? '' : typeof v === 'string' ? v : typeof v === 'object' && v !== null && 'value' in v ? String((v as { value: unknown }).value) : String(v);
    };
    const refs = parsed.references ? (Array.isArray(parsed.references) ? parsed.references : [parsed.references]) : [];
    const mail: RelayedMail = {
      ...envelope,
      raw,
      messageId: parsed.messageId ?? '',
      inReplyTo: parsed.inReplyTo ?? null,
      references: refs.flatMap((r) => r.match(/<[^>]+>/g) ?? []),
      subject: parsed.subject ?? '',
      from: parsed.from?.value[0]?.address ?? '',
      text: (parsed.text ?? '').trim(),
      html: typeof parsed.html === 'string' ? parsed.html : null,
      contentType: headerText('content-type'),
      headers: Object.fromEntries(parsed.headerLines.map((h) => [h.key, h.line.slice(h.line.indexOf(':') + 1).trim()])),
      at: Date.now(),
    };
    this.relayed.push(mail);
    for (const w of this.waiters) w();
    this.waiters.clear();
    for (const to of envelope.to) {
      const box = this.mailboxes.get(to) ?? [];
      this.mailboxes.set(to, box);
      if (box.some((l) => l.direction === 'in' && l.messageId === mail.messageId)) continue; // same Message-ID: one mail
      const customer = this.customers.get(to) ?? this.addCustomer(to, to);
      const line: MailboxLine = { direction: 'in', messageId: mail.messageId, subject: mail.subject, text: mail.text, html: mail.html, at: mail.at, outcome: customer.outcome === 'auto-reply' ? 'delivered' : customer.outcome };
      box.push(line);
      if (this.options.statusMode === 'auto' && customer.outcome !== 'delivered') this.later(() => this.react(mail, customer));
    }
  }

  private later(fn: () => Promise<unknown>): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      void fn().catch(() => undefined);
    }, this.options.stepMs);
    this.timers.add(t);
  }

  /** What the customer's side does with a mail: bounce, delay, auto-reply (manual mode: tests call it). */
  async react(mail: RelayedMail, customer: MailCustomer = this.customers.get(mail.to[0] ?? '') ?? { address: mail.to[0] ?? '', name: '', outcome: 'delivered' }): Promise<number> {
    switch (customer.outcome) {
      case 'bounce':
        return this.sendDsn(mail, 'failed');
      case 'delayed':
        return this.sendDsn(mail, 'delayed');
      case 'plain-bounce':
        return this.sendPlainBounce(mail);
      case 'auto-reply':
        return this.sendAutoReply(mail, customer);
      default:
        return 250;
    }
  }

  /** An RFC 3464 report (RFC 6522 multipart/report) from `MAIL FROM:<>` to the mail's envelope sender. */
  sendDsn(mail: RelayedMail, action: 'failed' | 'delayed' | 'delivered', opts: { status?: string; diagnostic?: string; to?: string } = {}): Promise<number> {
    const rcpt = mail.to[0] ?? '';
    const status = opts.status ?? (action === 'failed' ? '5.1.1' : action === 'delayed' ? '4.4.1' : '2.0.0');
    const diagnostic =
      opts.diagnostic ??
      (action === 'failed'
        ? `smtp; 550 5.1.1 <${rcpt}>: Recipient address rejected: User unknown in virtual mailbox table`
        : action === 'delayed'
          ? 'smtp; 451 4.4.1 No answer from host'
          : 'smtp; 250 2.0.0 OK');
    const boundary = `dsn_${randomBytes(8).toString('hex')}`;
    const mx = this.options.mxName;
    const human =
      action === 'failed'
        ? `This is the mail system at host ${mx}.\r\n\r\nI'm sorry to have to inform you that your message could not\r\nbe delivered to one or more recipients.\r\n\r\n<${rcpt}>: host ${mx} said: ${diagnostic.replace(/^smtp;\s*/, '')}`
        : action === 'delayed'
          ? `This is the mail system at host ${mx}.\r\n\r\n####################################################################\r\n# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #\r\n####################################################################\r\n\r\nYour message could not be delivered for 4 hours. It will be retried.`
          : `Your message was delivered to <${rcpt}>.`;
    const returned = mail.raw.toString('utf8').split(/\r?\n\r?\n/)[0] ?? '';
    const raw = [
      `From: Mail Delivery System <MAILER-DAEMON@${mx}>`,
      `To: ${mail.envelopeFrom}`,
      `Subject: ${action === 'failed' ? 'Undelivered Mail Returned to Sender' : action === 'delayed' ? 'Delayed Mail (still being retried)' : 'Successful Mail Delivery Report'}`,
      `Date: ${new Date().toUTCString()}`,
      `Message-ID: <${randomBytes(8).toString('hex')}@${mx}>`,
      'Auto-Submitted: auto-replied',
      'MIME-Version: 1.0',
      `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=us-ascii',
      '',
      human,
      '',
      `--${boundary}`,
      'Content-Type: message/delivery-status',
      '',
      `Reporting-MTA: dns; ${mx}`,
      ...(mail.envid ? [`Original-Envelope-Id: ${mail.envid}`] : []),
      `Arrival-Date: ${new Date(mail.at).toUTCString()}`,
      '',
      `Final-Recipient: rfc822; ${rcpt}`,
      `Original-Recipient: rfc822; ${rcpt}`,
      `Action: ${action}`,
      `Status: ${status}`,
      `Remote-MTA: dns; ${mx}`,
      `Diagnostic-Code: ${diagnostic}`,
      ...(action === 'delayed' ? [`Will-Retry-Until: ${new Date(Date.now() + 5 * 86_400_000).toUTCString()}`] : []),
      '',
      `--${boundary}`,
      'Content-Type: text/rfc822-headers',
      '',
      returned,
      '',
      `--${boundary}--`,
      '',
    ].join('\r\n');
    this.mark(mail, action === 'failed' ? 'bounced' : action);
    return this.sendRaw('', [opts.to ?? mail.envelopeFrom], raw);
  }

  /** A bounce in prose only (no RFC 3464 part), as many servers still send: only VERP identifies it. */
  sendPlainBounce(mail: RelayedMail): Promise<number> {
    const rcpt = mail.to[0] ?? '';
    const raw = [
      `From: postmaster@${this.options.mxName}`,
      `To: ${mail.envelopeFrom}`,
      'Subject: failure notice',
      `Date: ${new Date().toUTCString()}`,
      `Message-ID: <${randomBytes(8).toString('hex')}@${this.options.mxName}>`,
      'Content-Type: text/plain; charset=us-ascii',
      '',
      `Hi. This is the qmail-send program at ${this.options.mxName}.`,
      "I'm afraid I wasn't able to deliver your message to the following addresses.",
      'This is a permanent error; I\'ve given up. Sorry it didn\'t work out.',
      '',
      `<${rcpt}>:`,
      'Sorry, no mailbox here by that name. (#5.1.1)',
      '',
    ].join('\r\n');
    this.mark(mail, 'bounced');
    return this.sendRaw('', [mail.envelopeFrom], raw);
  }

  /** An out-of-office answer (RFC 3834): to the From address, Auto-Submitted: auto-replied, threaded. */
  async sendAutoReply(mail: RelayedMail, customer: MailCustomer): Promise<number> {
    this.mark(mail, 'auto-replied');
    const result = await this.submit({
      from: { name: customer.name, address: customer.address },
      to: mail.from,
      subject: `Automatic reply: ${mail.subject}`,
      text: `I am out of the office until Monday and will read your message when I am back.\n\n${customer.name}`,
      messageId: `<ooo.${randomBytes(8).toString('hex')}@${customer.address.split('@')[1] ?? 'customer.example'}>`,
      inReplyTo: mail.messageId,
      references: [...mail.references, mail.messageId],
      headers: { 'Auto-Submitted': 'auto-replied', 'X-Autoreply': 'yes' },
      envelope: { from: '', to: [mail.from] },
    });
    return result.code;
  }

  private mark(mail: RelayedMail, outcome: string): void {
    for (const to of mail.to) for (const l of this.mailboxes.get(to) ?? []) if (l.direction === 'in' && l.messageId === mail.messageId) l.outcome = outcome;
  }

  /**
   * The customer writes (or replies: `inReplyTo` is the Message-ID of one of our mails in their
   * mailbox) through real SMTP to Switchboard. Resolves with Switchboard's SMTP answer.
   */
  async customerSends(
    address: string,
    mail: { subject?: string; text: string; html?: string; inReplyTo?: string; attachments?: Array<{ filename: string; content: string | Buffer; contentType?: string }>; messageId?: string; name?: string },
  ): Promise<{ code: number; response: string; messageId: string }> {
    const lower = address.toLowerCase();
    const customer = this.customers.get(lower) ?? this.addCustomer(lower, mail.name ?? lower);
    const box = this.mailboxes.get(lower) ?? [];
    const parent = mail.inReplyTo ? this.relayed.find((m) => m.messageId === mail.inReplyTo) : undefined;
    const subject = mail.subject ?? (parent ? (/^re:/i.test(parent.subject) ? parent.subject : `Re: ${parent.subject}`) : 'Question');
    const messageId = mail.messageId ?? `<${randomBytes(10).toString('hex')}@${lower.split('@')[1] ?? 'customer.example'}>`;
    const result = await this.submit({
      from: { name: customer.name, address: customer.address },
      to: this.options.supportAddress,
      subject,
      text: mail.text,
      ...(mail.html ? { html: mail.html } : {}),
      messageId,
      ...(parent ? { inReplyTo: parent.messageId, references: [...parent.references, parent.messageId] } : {}),
      ...(mail.attachments ? { attachments: mail.attachments } : {}),
    });
    box.push({
      direction: 'out',
      messageId,
      subject,
      text: mail.text,
      html: mail.html ?? null,
      at: Date.now(),
      smtp: result.response,
      ...(mail.attachments ? { attachments: mail.attachments.map((a) => ({ name: a.filename, type: a.contentType ?? 'application/octet-stream', size: Buffer.byteLength(a.content) })) } : {}),
    });
    this.mailboxes.set(lower, box);
    return { ...result, messageId };
  }

  private async submit(message: SendMailOptions): Promise<{ code: number; response: string }> {
    const target = this.options.switchboard;
    if (!target) return { code: 421, response: '421 Switchboard is not listening yet' };
    const transport = nodemailer.createTransport({ host: target.host, port: target.port, secure: false, tls: OPPORTUNISTIC_TLS, connectionTimeout: 5_000 });
    try {
      const info = await transport.sendMail(message);
      return { code: Number.parseInt(info.response, 10) || 250, response: info.response };
    } catch (err) {
      const e = err as { responseCode?: number; response?: string; message: string };
      return { code: e.responseCode ?? 421, response: e.response ?? e.message };
    } finally {
      transport.close();
    }
  }

  /** Sends a raw message with the given envelope to Switchboard (bounces, forged mail in tests). */
  async sendRaw(envelopeFrom: string, to: string[], raw: string | Buffer): Promise<number> {
    const target = this.options.switchboard;
    if (!target) return 421;
    const transport = nodemailer.createTransport({ host: target.host, port: target.port, secure: false, tls: OPPORTUNISTIC_TLS, connectionTimeout: 5_000 });
    try {
      await transport.sendMail({ envelope: { from: envelopeFrom, to }, raw });
      return 250;
    } catch (err) {
      return (err as { responseCode?: number }).responseCode ?? 421;
    } finally {
      transport.close();
    }
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (!this.relayAddress) return;
    this.relayAddress = null;
    await new Promise<void>((resolve) => this.relay.close(() => resolve()));
  }
}
