import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { Logger } from '../../ops/log.ts';
import type { SmtpListenerConfig } from '../channelConfig.ts';

/** An SMTP refusal: a reply code and its text (with the RFC 3463 enhanced status first). */
export interface SmtpRefusal {
  code: number;
  message: string;
}

export interface SmtpEnvelope {
  /** `MAIL FROM`; "" for the null sender `<>` (bounces). */
  from: string;
  to: string[];
}

export interface SmtpListenerOptions {
  config: SmtpListenerConfig;
  logger: Logger;
  /** Accepts or refuses one `RCPT TO` (unknown mailbox, forged bounce address). */
  checkRecipient(address: string): SmtpRefusal | null;
  /** Takes a whole mail; resolves to null (250 accepted) or a refusal. */
  onMail(raw: Buffer, envelope: SmtpEnvelope): Promise<SmtpRefusal | null>;
}

const MAX_RECIPIENTS = 50;

const smtpError = (r: SmtpRefusal) => Object.assign(new Error(r.message), { responseCode: r.code });

/**
 * The built-in SMTP listener (smtp-server): SMTP without authentication, as an MX or a relay's
 * forward target, offering STARTTLS when a key and certificate are configured. It refuses
 * unknown recipients at RCPT TO, mail above the size limit with 552, and hands every accepted
 * mail's raw bytes to the email channel.
 */
export class SmtpListener {
  private readonly server: SMTPServer;
  private readonly options: SmtpListenerOptions;
  private address: AddressInfo | null = null;

  constructor(options: SmtpListenerOptions) {
    this.options = options;
    const { config, logger } = options;
    // Read at start: a missing or unreadable file stops the server with its path in the error.
    const tls = config.tls ? { key: readFileSync(config.tls.keyFile), cert: readFileSync(config.tls.certFile) } : null;
    this.server = new SMTPServer({
      ...(config.name ? { name: config.name } : {}),
      banner: 'Switchboard inbound mail',
      size: config.maxBytes,
      authOptional: true,
      ...(tls ? { key: tls.key, cert: tls.cert } : {}),
      disabledCommands: tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
      logger: false,
      socketTimeout: 60_000,
      closeTimeout: 5_000,
      onRcptTo: (address, session, callback) => {
        if (session.envelope.rcptTo.length >= MAX_RECIPIENTS) return callback(smtpError({ code: 452, message: '4.5.3 Too many recipients' }));
        const refusal = options.checkRecipient(address.address);
        if (refusal) logger.info({ event: 'smtp_rcpt_refused', code: refusal.code });
        callback(refusal ? smtpError(refusal) : null);
      },
      onData: (stream, session, callback) => this.onData(stream, session, callback),
    });
    this.server.on('error', (err) => logger.warn({ event: 'smtp_error', reason: err.message }));
  }

  private onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void): void {
    const { config, logger } = this.options;
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= config.maxBytes) chunks.push(chunk);
    });
    stream.on('end', () => {
      if (stream.sizeExceeded || size > config.maxBytes) {
        logger.info({ event: 'smtp_refused', reason: 'too-big', bytes: size });
        return callback(smtpError({ code: 552, message: `5.3.4 Message too big: the limit is ${config.maxBytes} bytes` }));
      }
      const mailFrom = session.envelope.mailFrom;
      const envelope: SmtpEnvelope = {
        from: mailFrom ? mailFrom.address : '',
        to: session.envelope.rcptTo.map((r) => r.address),
      };
      logger.debug({ event: 'smtp_mail', bytes: size, tls: session.secure === true });
      this.options.onMail(Buffer.concat(chunks), envelope).then(
        (refusal) => callback(refusal ? smtpError(refusal) : null),
        (err: unknown) => {
          logger.error({ event: 'smtp_mail_failed', reason: String(err) });
          callback(smtpError({ code: 451, message: '4.3.0 Temporary failure, try again later' }));
        },
      );
    });
  }

  /** Starts listening; resolves with the port (useful with port 0). */
  async listen(): Promise<number> {
    const { config } = this.options;
    this.address = await new Promise<AddressInfo>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.server.once('error', onError);
      this.server.listen(config.port, config.host, () => {
        this.server.server.off('error', onError);
        resolve(this.server.server.address() as AddressInfo);
      });
    });
    return this.address.port;
  }

  get port(): number | null {
    return this.address?.port ?? null;
  }

  close(): Promise<void> {
    if (!this.address) return Promise.resolve();
    this.address = null;
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
