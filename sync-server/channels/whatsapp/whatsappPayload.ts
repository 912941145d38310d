import { z } from 'zod';

/**
 * The WhatsApp Cloud API webhook notification (channels-reference 1.3–1.5), parsed loosely:
 * unknown fields pass, only what we use is checked.
 */
const Media = z.object({ id: z.string().optional(), mime_type: z.string().optional(), caption: z.string().optional(), filename: z.string().optional(), voice: z.boolean().optional() }).loose();

export const WaInboundMessage = z
  .object({
    from: z.string().regex(/^\d{1,20}$/),
    id: z.string().min(1).max(256),
    timestamp: z.string().regex(/^\d{1,12}$/),
    type: z.string().min(1).max(40),
    text: z.object({ body: z.string() }).loose().optional(),
    image: Media.optional(),
    video: Media.optional(),
    audio: Media.optional(),
    sticker: Media.optional(),
    document: Media.optional(),
    location: z.object({ latitude: z.number(), longitude: z.number(), name: z.string().optional(), address: z.string().optional() }).loose().optional(),
    contacts: z.array(z.object({ name: z.object({ formatted_name: z.string().optional() }).loose().optional(), phones: z.array(z.object({ phone: z.string().optional() }).loose()).optional() }).loose()).optional(),
    interactive: z.object({ type: z.string(), button_reply: z.object({ title: z.string() }).loose().optional(), list_reply: z.object({ title: z.string() }).loose().optional() }).loose().optional(),
    button: z.object({ text: z.string().optional(), payload: z.string().optional() }).loose().optional(),
    reaction: z.object({ message_id: z.string().optional(), emoji: z.string().optional() }).loose().optional(),
  })
  .loose();
export type WaInboundMessage = z.infer<typeof WaInboundMessage>;

export const WaStatus = z
  .object({
    id: z.string().min(1).max(256),
    status: z.string().min(1).max(40),
    timestamp: z.string().optional(),
    recipient_id: z.string().optional(),
    biz_opaque_callback_data: z.string().optional(),
    errors: z
      .array(z.object({ code: z.number(), title: z.string().optional(), message: z.string().optional(), error_data: z.object({ details: z.string().optional() }).loose().optional() }).loose())
      .optional(),
  })
  .loose();
export type WaStatus = z.infer<typeof WaStatus>;

export const WaNotification = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(
    z.object({
      id: z.string(),
      changes: z.array(
        z.object({
          field: z.string(),
          value: z
            .object({
              messaging_product: z.string().optional(),
              metadata: z.object({ phone_number_id: z.string(), display_phone_number: z.string().optional() }).loose().optional(),
              contacts: z.array(z.object({ wa_id: z.string().optional(), profile: z.object({ name: z.string().optional() }).loose().optional() }).loose()).optional(),
              messages: z.array(WaInboundMessage).optional(),
              statuses: z.array(WaStatus).optional(),
            })
            .loose(),
        }),
      ),
    }),
  ),
});
export type WaNotification = z.infer<typeof WaNotification>;

const MEDIA_LABELS: Record<string, string> = { image: 'Image', video: 'Video', audio: 'Audio', sticker: 'Sticker', document: 'Document' };

/**
 * The text an agent sees for an inbound message: the text itself, or a clear placeholder with
 * the caption for every other type (never dropped).
 */
export function describeWhatsAppMessage(m: WaInboundMessage): string {
  const join = (label: string, extra?: string) => (extra?.trim() ? `[${label}] ${extra.trim()}` : `[${label}]`);
  switch (m.type) {
    case 'text':
      return m.text?.body ?? '[Empty message]';
    case 'image':
    case 'video':
    case 'sticker':
      return join(MEDIA_LABELS[m.type] ?? m.type, m[m.type]?.caption);
    case 'audio':
      return join(m.audio?.voice ? 'Voice message' : 'Audio', m.audio?.caption);
    case 'document':
      return join(m.document?.filename ? `Document: ${m.document.filename}` : 'Document', m.document?.caption);
    case 'location': {
      const l = m.location;
      if (!l) return '[Location]';
      const where = [l.name, l.address].filter(Boolean).join(', ');
      return join('Location', `${where ? `${where} ` : ''}(${l.latitude}, ${l.longitude})`);
    }
    case 'contacts': {
      const cards = (m.contacts ?? []).map((c) => [c.name?.formatted_name, ...(c.phones ?? []).map((p) => p.phone)].filter(Boolean).join(' '));
      return join(cards.length > 1 ? 'Contact cards' : 'Contact card', cards.join('; '));
    }
    case 'interactive':
      return join('Reply', m.interactive?.button_reply?.title ?? m.interactive?.list_reply?.title);
    case 'button':
      return join('Button', m.button?.text ?? m.button?.payload);
    case 'reaction':
      return m.reaction?.emoji ? join('Reaction', `${m.reaction.emoji} to an earlier message`) : '[Reaction removed]';
    case 'unsupported':
      return '[A message type WhatsApp cannot show here was received]';
    default:
      return join(`${m.type} message`);
  }
}

/** A readable reason for a failed status, from its first error. */
export function whatsappFailure(s: WaStatus): { code: string; reason: string } {
  const e = s.errors?.[0];
  if (!e) return { code: 'unknown', reason: 'WhatsApp reported the message as failed without a reason' };
  return { code: String(e.code), reason: e.error_data?.details ?? e.message ?? e.title ?? `WhatsApp error ${e.code}` };
}
