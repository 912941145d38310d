import { z } from 'zod';
import { ID_PATTERN } from '../ids.ts';
import { LibraryUseSchema, MAX_USES_PER_MESSAGE } from './settings.ts';

/** Longest message or note text we accept, in characters. */
export const MAX_TEXT_LENGTH = 20_000;

export const AuthorSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('agent'), id: z.string().regex(ID_PATTERN) }),
  z.object({ type: z.literal('contact'), id: z.string().regex(ID_PATTERN) }),
  z.object({ type: z.literal('system') }),
]);
export type Author = z.infer<typeof AuthorSchema>;

/**
 * One entry of a conversation's `messages` array, stored as one plain JSON value
 * (ContentAny), never as a nested Y.Map: see docs/document-model.md.
 *
 *  - `message`: visible to the contact (sent by an agent, or received from the contact)
 *  - `note`:    internal note, visible to agents only, never sent to the contact (CONV4)
 *  - `event`:   a history line written by the server (resolved, reopened, assigned…)
 */
export const MessageEntrySchema = z.object({
  id: z.string().regex(ID_PATTERN),
  kind: z.enum(['message', 'note', 'event']),
  author: AuthorSchema,
  text: z.string().max(MAX_TEXT_LENGTH),
  /** Milliseconds since the epoch, as the author's clock saw it. */
  createdAt: z.number().int().nonnegative(),
  /** For `event` entries: a machine-readable kind, e.g. 'resolved'. */
  event: z.string().max(64).optional(),
  /**
   * For an agent's `message`: the quick replies and canned responses inserted into it, which the
   * server counts once in the settings document's `usage` (SET3). Never shown to the contact.
   */
  uses: z.array(LibraryUseSchema).max(MAX_USES_PER_MESSAGE).optional(),
});
export type MessageEntry = z.infer<typeof MessageEntrySchema>;

/** What an agent may append from a client: a message or a note, authored by itself. */
export const AgentEntrySchema = MessageEntrySchema.extend({
  kind: z.enum(['message', 'note']),
  author: z.object({ type: z.literal('agent'), id: z.string().regex(ID_PATTERN) }),
  text: z.string().min(1).max(MAX_TEXT_LENGTH),
  event: z.undefined().optional(),
}).strict();
