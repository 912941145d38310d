import { readFileSync } from 'node:fs';
import { ID_PATTERN } from '../../shared/ids.ts';
import { z } from '../../shared/zod.ts';

/**
 * Per-workspace channel settings (docs/channels.md). Pointing a channel at the real provider
 * or at a simulator is only a matter of base URLs and credentials.
 */
export const WhatsAppAccountSchema = z.object({
  workspaceId: z.string().check(z.regex(ID_PATTERN)),
  /** metadata.phone_number_id of the webhooks, and the sender in the send URL. */
  phoneNumberId: z.string().check(z.regex(/^\d{1,32}$/)),
  displayPhoneNumber: z.optional(z.string().check(z.maxLength(40))),
  /** What agents see for this number's conversations ("Sales", "Support"); default the number. */
  displayName: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(40))),
  /** Keys X-Hub-Signature-256. */
  appSecret: z.string().check(z.minLength(1)),
  /** Bearer token of the Graph API. */
  accessToken: z.string().check(z.minLength(1)),
  /** hub.verify_token of the GET handshake. */
  verifyToken: z.string().check(z.minLength(1)),
  graphBaseUrl: z._default(z.url(), 'https://graph.facebook.com'),
  apiVersion: z._default(z.string().check(z.regex(/^v\d+\.\d+$/)), 'v21.0'),
  /**
   * Whether the provider honours our `Idempotency-Key` header (the simulators do; the Graph API
   * is not documented to). Decides what happens to a send whose answer was lost in a restart:
   * re-sent with the same key (true) or marked failed as "outcome unknown" (false).
   */
  idempotencyKeys: z._default(z.boolean(), false),
});
export type WhatsAppAccount = z.infer<typeof WhatsAppAccountSchema>;

export const TwilioAccountSchema = z.object({
  workspaceId: z.string().check(z.regex(ID_PATTERN)),
  accountSid: z.string().check(z.regex(/^AC[0-9a-zA-Z]{32}$/)),
  authToken: z.string().check(z.minLength(1)),
  /** E.164 sender number (the `To` of inbound messages). */
  fromNumber: z.string().check(z.regex(/^\+\d{6,15}$/)),
  /** What agents see for this number's conversations ("Sales", "Support"); default the number. */
  displayName: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(40))),
  messagingServiceSid: z.optional(z.string().check(z.regex(/^MG[0-9a-zA-Z]{32}$/))),
  apiBaseUrl: z._default(z.url(), 'https://api.twilio.com'),
  idempotencyKeys: z._default(z.boolean(), false),
});
export type TwilioAccount = z.infer<typeof TwilioAccountSchema>;

/** The relay (smarthost) our replies go through: any SMTP server (a provider's, or the simulator). */
export const SmtpRelaySchema = z.object({
  host: z.string().check(z.minLength(1)),
  port: z._default(z.int().check(z.minimum(1), z.maximum(65535)), 587),
  /** Implicit TLS (port 465); otherwise STARTTLS is used when the relay offers it. */
  secure: z._default(z.boolean(), false),
  /** Refuse to send without STARTTLS (recommended for a real relay). */
  requireTLS: z._default(z.boolean(), false),
  auth: z.optional(z.object({ user: z.string().check(z.minLength(1)), pass: z.string().check(z.minLength(1)) })),
  /** For self-signed relays in test setups only. */
  rejectUnauthorized: z._default(z.boolean(), true),
});
export type SmtpRelay = z.infer<typeof SmtpRelaySchema>;

export const EmailAccountSchema = z.object({
  workspaceId: z.string().check(z.regex(ID_PATTERN)),
  /** The support address customers write to (inbound RCPT TO) and our replies' From. */
  address: z.email().check(z.maxLength(254)),
  /** Display name in From, e.g. "Acme Support". */
  fromName: z._default(z.string().check(z.maxLength(100)), 'Support'),
  /** Local part of the VERP return path: `<bounceLocalPart>+<token>@<domain of address>`. */
  bounceLocalPart: z._default(z.string().check(z.regex(/^[a-z0-9._-]{1,32}$/)), 'bounces'),
  /** Keys the HMAC in VERP tokens, so forged bounces cannot fail our messages (MAIL4). */
  verpSecret: z.string().check(z.minLength(16)),
  relay: SmtpRelaySchema,
  /** A sent mail counts as delivered when no bounce arrived within this time (spec: 24–72 h). */
  deliveredAfterMs: z._default(z.int().check(z.minimum(1_000)), 48 * 3_600_000),
  /**
   * After a crash between handing a mail to the relay and its 250, send it again with the same
   * Message-ID (mailboxes collapse duplicates of one Message-ID) instead of marking it
   * "outcome unknown".
   */
  resendInDoubt: z._default(z.boolean(), true),
});
export type EmailAccount = z.infer<typeof EmailAccountSchema>;

/** The built-in SMTP listener for inbound mail and bounces (MX or a relay's forward target). */
export const SmtpListenerSchema = z.object({
  host: z._default(z.string(), '0.0.0.0'),
  /** 0: any free port (tests, demo); 25 in production behind the MX, or 2525 behind a relay. */
  port: z._default(z.int().check(z.minimum(0), z.maximum(65535)), 2525),
  /** Largest mail accepted, in bytes (announced with SIZE; larger mail is refused with 552). */
  maxBytes: z._default(z.int().check(z.minimum(1024), z.maximum(100 * 1024 * 1024)), 10 * 1024 * 1024),
  /** Host name in the greeting. */
  name: z.optional(z.string().check(z.maxLength(253))),
  /**
   * STARTTLS: PEM files of the listener's key and certificate (chain). Without them the listener
   * speaks plain SMTP (behind the MX or a relay on a private network).
   */
  tls: z.optional(z.object({ keyFile: z.string().check(z.minLength(1)), certFile: z.string().check(z.minLength(1)) })),
});
export type SmtpListenerConfig = z.infer<typeof SmtpListenerSchema>;

export const ChannelConfigSchema = z.object({
  /**
   * The URL the providers call us at (behind a proxy: the public one). Twilio signs the full URL
   * it called, and our StatusCallback is built from it. Default: the server's own URL.
   */
  publicBaseUrl: z.optional(z.url()),
  /** Several numbers per workspace are several entries; each number appears once. */
  whatsapp: z
    ._default(z.array(WhatsAppAccountSchema), [])
    .check(z.refine((a) => new Set(a.map((x) => x.phoneNumberId)).size === a.length, 'a phoneNumberId is configured twice')),
  twilio: z
    ._default(z.array(TwilioAccountSchema), [])
    .check(z.refine((a) => new Set(a.map((x) => x.fromNumber)).size === a.length, 'a fromNumber is configured twice')),
  email: z._default(z.array(EmailAccountSchema), []),
  /** Inbound mail; started only when `email` names an account. */
  smtpListener: z._default(SmtpListenerSchema, { host: '0.0.0.0', port: 2525, maxBytes: 10 * 1024 * 1024 }),
});
export type ChannelConfig = z.infer<typeof ChannelConfigSchema>;

/** The inbox (number) an account is, as conversations show it. */
export const whatsappInbox = (a: WhatsAppAccount) => ({
  id: a.phoneNumberId,
  name: a.displayName ?? (a.displayPhoneNumber ? `+${a.displayPhoneNumber.replace(/^\+/, '')}` : a.phoneNumberId),
});
export const twilioInbox = (a: TwilioAccount) => ({ id: a.fromNumber, name: a.displayName ?? a.fromNumber });
export type ChannelConfigInput = z.input<typeof ChannelConfigSchema>;

export const EMPTY_CHANNEL_CONFIG: ChannelConfig = ChannelConfigSchema.parse({});

export type ChannelConfigResult = { ok: true; config: ChannelConfig } | { ok: false; message: string };

export function parseChannelConfig(value: unknown): ChannelConfigResult {
  const parsed = ChannelConfigSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, message: `channel config: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, config: parsed.data };
}

/** Reads a channel config file (JSON). */
export function loadChannelConfig(path: string): ChannelConfigResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return { ok: false, message: `cannot read channel config ${path}: ${(err as Error).message}` };
  }
  try {
    return parseChannelConfig(JSON.parse(text) as unknown);
  } catch {
    return { ok: false, message: `channel config ${path} is not valid JSON` };
  }
}
