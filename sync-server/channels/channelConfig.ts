import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ID_PATTERN } from '../../shared/ids.ts';

/**
 * Per-workspace channel settings (docs/channels.md). Pointing a channel at the real provider
 * or at a simulator is only a matter of base URLs and credentials.
 */
export const WhatsAppAccountSchema = z.object({
  workspaceId: z.string().regex(ID_PATTERN),
  /** metadata.phone_number_id of the webhooks, and the sender in the send URL. */
  phoneNumberId: z.string().regex(/^\d{1,32}$/),
  displayPhoneNumber: z.string().max(40).optional(),
  /** What agents see for this number's conversations ("Sales", "Support"); default the number. */
  displayName: z.string().trim().min(1).max(40).optional(),
  /** Keys X-Hub-Signature-256. */
  appSecret: z.string().min(1),
  /** Bearer token of the Graph API. */
  accessToken: z.string().min(1),
  /** hub.verify_token of the GET handshake. */
  verifyToken: z.string().min(1),
  graphBaseUrl: z.string().url().default('https://graph.facebook.com'),
  apiVersion: z.string().regex(/^v\d+\.\d+$/).default('v21.0'),
  /**
   * Whether the provider honours our `Idempotency-Key` header (the simulators do; the Graph API
   * is not documented to). Decides what happens to a send whose answer was lost in a restart:
   * re-sent with the same key (true) or marked failed as "outcome unknown" (false).
   */
  idempotencyKeys: z.boolean().default(false),
});
export type WhatsAppAccount = z.infer<typeof WhatsAppAccountSchema>;

export const TwilioAccountSchema = z.object({
  workspaceId: z.string().regex(ID_PATTERN),
  accountSid: z.string().regex(/^AC[0-9a-zA-Z]{32}$/),
  authToken: z.string().min(1),
  /** E.164 sender number (the `To` of inbound messages). */
  fromNumber: z.string().regex(/^\+\d{6,15}$/),
  /** What agents see for this number's conversations ("Sales", "Support"); default the number. */
  displayName: z.string().trim().min(1).max(40).optional(),
  messagingServiceSid: z.string().regex(/^MG[0-9a-zA-Z]{32}$/).optional(),
  apiBaseUrl: z.string().url().default('https://api.twilio.com'),
  idempotencyKeys: z.boolean().default(false),
});
export type TwilioAccount = z.infer<typeof TwilioAccountSchema>;

/** The relay (smarthost) our replies go through: any SMTP server (a provider's, or the simulator). */
export const SmtpRelaySchema = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(587),
  /** Implicit TLS (port 465); otherwise STARTTLS is used when the relay offers it. */
  secure: z.boolean().default(false),
  /** Refuse to send without STARTTLS (recommended for a real relay). */
  requireTLS: z.boolean().default(false),
  auth: z.object({ user: z.string().min(1), pass: z.string().min(1) }).optional(),
  /** For self-signed relays in test setups only. */
  rejectUnauthorized: z.boolean().default(true),
});
export type SmtpRelay = z.infer<typeof SmtpRelaySchema>;

export const EmailAccountSchema = z.object({
  workspaceId: z.string().regex(ID_PATTERN),
  /** The support address customers write to (inbound RCPT TO) and our replies' From. */
  address: z.string().email().max(254),
  /** Display name in From, e.g. "Acme Support". */
  fromName: z.string().max(100).default('Support'),
  /** Local part of the VERP return path: `<bounceLocalPart>+<token>@<domain of address>`. */
  bounceLocalPart: z.string().regex(/^[a-z0-9._-]{1,32}$/).default('bounces'),
  /** Keys the HMAC in VERP tokens, so forged bounces cannot fail our messages (MAIL4). */
  verpSecret: z.string().min(16),
  relay: SmtpRelaySchema,
  /** A sent mail counts as delivered when no bounce arrived within this time (spec: 24–72 h). */
  deliveredAfterMs: z.number().int().min(1_000).default(48 * 3_600_000),
  /**
   * After a crash between handing a mail to the relay and its 250, send it again with the same
   * Message-ID (mailboxes collapse duplicates of one Message-ID) instead of marking it
   * "outcome unknown".
   */
  resendInDoubt: z.boolean().default(true),
});
export type EmailAccount = z.infer<typeof EmailAccountSchema>;

/** The built-in SMTP listener for inbound mail and bounces (MX or a relay's forward target). */
export const SmtpListenerSchema = z.object({
  host: z.string().default('0.0.0.0'),
  /** 0: any free port (tests, demo); 25 in production behind the MX, or 2525 behind a relay. */
  port: z.number().int().min(0).max(65535).default(2525),
  /** Largest mail accepted, in bytes (announced with SIZE; larger mail is refused with 552). */
  maxBytes: z.number().int().min(1024).max(100 * 1024 * 1024).default(10 * 1024 * 1024),
  /** Host name in the greeting. */
  name: z.string().max(253).optional(),
  /**
   * STARTTLS: PEM files of the listener's key and certificate (chain). Without them the listener
   * speaks plain SMTP (behind the MX or a relay on a private network).
   */
  tls: z.object({ keyFile: z.string().min(1), certFile: z.string().min(1) }).optional(),
});
export type SmtpListenerConfig = z.infer<typeof SmtpListenerSchema>;

export const ChannelConfigSchema = z.object({
  /**
   * The URL the providers call us at (behind a proxy: the public one). Twilio signs the full URL
   * it called, and our StatusCallback is built from it. Default: the server's own URL.
   */
  publicBaseUrl: z.string().url().optional(),
  /** Several numbers per workspace are several entries; each number appears once. */
  whatsapp: z
    .array(WhatsAppAccountSchema)
    .default([])
    .refine((a) => new Set(a.map((x) => x.phoneNumberId)).size === a.length, 'a phoneNumberId is configured twice'),
  twilio: z
    .array(TwilioAccountSchema)
    .default([])
    .refine((a) => new Set(a.map((x) => x.fromNumber)).size === a.length, 'a fromNumber is configured twice'),
  email: z.array(EmailAccountSchema).default([]),
  /** Inbound mail; started only when `email` names an account. */
  smtpListener: SmtpListenerSchema.default({ host: '0.0.0.0', port: 2525, maxBytes: 10 * 1024 * 1024 }),
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
