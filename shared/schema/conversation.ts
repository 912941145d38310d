import { IdSchema, z } from '../zod.ts';
import { CHANNELS } from '../channels/capabilities.ts';

/**
 * Root types of a conversation document (`<ws>/conv/<id>`). Write rules: docs/document-model.md.
 *
 *   messages  Y.Array<MessageEntry>   append-only; agents append their own messages and notes
 *   receipts  Y.Map<Receipt>           message id → delivery status; server only
 *   meta      Y.Map                    channel, contact, assignee, createdAt; server only
 *   state     Y.Map                    'status': 'open' | 'resolved'; agents and server
 */
export const CONV_ROOTS = {
  messages: 'messages',
  receipts: 'receipts',
  meta: 'meta',
  state: 'state',
} as const;

export const CONVERSATION_STATUSES = ['open', 'resolved'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

/** Keys of `state` a client may write, each with its value schema. */
export const ClientStateKeys = {
  status: z.enum(CONVERSATION_STATUSES),
} as const;

export const ContactSchema = z.object({
  id: IdSchema,
  name: z.string().check(z.maxLength(200)),
  email: z.optional(z.string().check(z.maxLength(320))),
  phone: z.optional(z.string().check(z.maxLength(40))),
});
export type Contact = z.infer<typeof ContactSchema>;

/**
 * The business number (or address) a conversation came in on: one workspace may have several
 * per channel ("Sales", "Support"). Replies go out from it. `id` is the provider's key
 * (WhatsApp phone_number_id, the Twilio number), `name` what agents see.
 */
export interface InboxRef {
  id: string;
  name: string;
}

/** Keys of `meta` (server-written). */
export interface ConversationMeta {
  id: string;
  channel: (typeof CHANNELS)[number];
  contact: Contact;
  /** Absent for channels with one inbox per workspace (webchat) and older conversations. */
  inbox?: InboxRef;
  createdAt: number;
  assigneeId: string | null;
}
