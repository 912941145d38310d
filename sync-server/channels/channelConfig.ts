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
  messagingServiceSid: z.string().regex(/^MG[0-9a-zA-Z]{32}$/).optional(),
  apiBaseUrl: z.string().url().default('https://api.twilio.com'),
  idempotencyKeys: z.boolean().default(false),
});
export type TwilioAccount = z.infer<typeof TwilioAccountSchema>;

export const ChannelConfigSchema = z.object({
  /**
   * The URL the providers call us at (behind a proxy: the public one). Twilio signs the full URL
   * it called, and our StatusCallback is built from it. Default: the server's own URL.
   */
  publicBaseUrl: z.string().url().optional(),
  whatsapp: z.array(WhatsAppAccountSchema).default([]),
  twilio: z.array(TwilioAccountSchema).default([]),
});
export type ChannelConfig = z.infer<typeof ChannelConfigSchema>;
export type ChannelConfigInput = z.input<typeof ChannelConfigSchema>;

export const EMPTY_CHANNEL_CONFIG: ChannelConfig = { whatsapp: [], twilio: [] };

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
