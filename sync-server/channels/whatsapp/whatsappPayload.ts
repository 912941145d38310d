import { z } from '../../../shared/zod.ts';

/**
 * The WhatsApp Cloud API webhook notification (channels-reference 1.3–1.5), parsed loosely:
 * unknown fields pass, only what we use is checked.
 */
const optionalString = () => z.optional(z.string());
/** A string of `min`..`max` characters. */
const sized = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max));

const Media = z.looseObject({ id: optionalString(), mime_type: optionalString(), caption: optionalString(), filename: optionalString(), voice: z.optional(z.boolean()) });

export const WaInboundMessage = z.looseObject({
  from: z.string().check(z.regex(/^\d{1,20}$/)),
  id: sized(1, 256),
  timestamp: z.string().check(z.regex(/^\d{1,12}$/)),
  type: sized(1, 40),
  text: z.optional(z.looseObject({ body: z.string() })),
  image: z.optional(Media),
  video: z.optional(Media),
  audio: z.optional(Media),
  sticker: z.optional(Media),
  document: z.optional(Media),
  location: z.optional(z.looseObject({ latitude: z.number(), longitude: z.number(), name: optionalString(), address: optionalString() })),
  contacts: z.optional(
    z.array(
      z.looseObject({
        name: z.optional(z.looseObject({ formatted_name: optionalString() })),
        phones: z.optional(z.array(z.looseObject({ phone: optionalString() }))),
      }),
    ),
  ),
  interactive: z.optional(
    z.looseObject({ type: z.string(), button_reply: z.optional(z.looseObject({ title: z.string() })), list_reply: z.optional(z.looseObject({ title: z.string() })) }),
  ),
  button: z.optional(z.looseObject({ text: optionalString(), payload: optionalString() })),
  reaction: z.optional(z.looseObject({ message_id: optionalString(), emoji: optionalString() })),
});
export type WaInboundMessage = z.infer<typeof WaInboundMessage>;

export const WaStatus = z.looseObject({
  id: sized(1, 256),
  status: sized(1, 40),
  timestamp: optionalString(),
  recipient_id: optionalString(),
  biz_opaque_callback_data: optionalString(),
  errors: z.optional(
    z.array(
      z.looseObject({ code: z.number(), title: optionalString(), message: optionalString(), error_data: z.optional(z.looseObject({ details: optionalString() })) }),
    ),
  ),
});
export type WaStatus = z.infer<typeof WaStatus>;

export const WaNotification = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(
    z.object({
      id: z.string(),
      changes: z.array(
        z.object({
          field: z.string(),
          value: z.looseObject({
            messaging_product: optionalString(),
            metadata: z.optional(z.looseObject({ phone_number_id: z.string(), display_phone_number: optionalString() })),
            contacts: z.optional(z.array(z.looseObject({ wa_id: optionalString(), profile: z.optional(z.looseObject({ name: optionalString() })) }))),
            messages: z.optional(z.array(WaInboundMessage)),
            statuses: z.optional(z.array(WaStatus)),
          }),
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
