import { z } from 'zod';
import { CHANNELS } from '../channels/capabilities.ts';
import { ID_PATTERN } from '../ids.ts';

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
  id: z.string().regex(ID_PATTERN),
  name: z.string().max(200),
  email: z.string().max(320).optional(),
  phone: z.string().max(40).optional(),
});
export type Contact = z.infer<typeof ContactSchema>;

/** Keys of `meta` (server-written). */
export interface ConversationMeta {
  id: string;
  channel: (typeof CHANNELS)[number];
  contact: Contact;
  createdAt: number;
  assigneeId: string | null;
}
