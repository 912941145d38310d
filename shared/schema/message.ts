import { IdSchema, z } from '../zod.ts';
import { LibraryUseSchema, MAX_USES_PER_MESSAGE } from './settings.ts';

/** Longest message or note text we accept, in characters. */
export const MAX_TEXT_LENGTH = 20_000;

/** Longest (sanitised) HTML body of an email entry, in characters. */
export const MAX_EMAIL_HTML = 100_000;

/** An attachment of an inbound email, listed by name, type and size (its bytes are not kept). */
export const EmailAttachmentSchema = z.strictObject({
  name: z.string().check(z.maxLength(255)),
  type: z.string().check(z.maxLength(255)),
  size: z.int().check(z.nonnegative()),
});
export type EmailAttachment = z.infer<typeof EmailAttachmentSchema>;

/**
 * What an email adds to a message entry (docs/channels.md, Email). On a contact's message the
 * server writes it: the subject, the HTML body already sanitised (MAIL1), the attachments, and
 * `automated` (why the mail counts as an automatic one: MAIL3). On an agent's message only
 * `html`: the rich alternative of a canned response, sanitised again before sending (MAIL5).
 */
export const EmailPartSchema = z.strictObject({
  subject: z.optional(z.string().check(z.maxLength(998))),
  html: z.optional(z.string().check(z.maxLength(MAX_EMAIL_HTML))),
  attachments: z.optional(z.array(EmailAttachmentSchema).check(z.maxLength(100))),
  automated: z.optional(z.string().check(z.maxLength(64))),
});
export type EmailPart = z.infer<typeof EmailPartSchema>;

export const AuthorSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('agent'), id: IdSchema }),
  z.object({ type: z.literal('contact'), id: IdSchema }),
  z.object({ type: z.literal('system') }),
]);
export type Author = z.infer<typeof AuthorSchema>;

/** Most agents one note may mention. */
export const MAX_MENTIONS = 20;

/**
 * An @mention in an internal note: a reference to a member, not just text. `start`..`end` is the
 * `@Name` it covers in the note's text (rendered as a chip); the server checks the range (CONV7)
 * and notifies the member (NTF4). Mentions of someone who is not a member notify nobody.
 */
export const MentionSchema = z.strictObject({ agentId: IdSchema, start: z.int().check(z.nonnegative()), end: z.int().check(z.positive()) });
export type Mention = z.infer<typeof MentionSchema>;

/**
 * One entry of a conversation's `messages` array, stored as one plain JSON value
 * (ContentAny), never as a nested Y.Map: see docs/document-model.md.
 *
 *  - `message`: visible to the contact (sent by an agent, or received from the contact)
 *  - `note`:    internal note, visible to agents only, never sent to the contact (CONV4)
 *  - `event`:   a history line written by the server (resolved, reopened, assigned…)
 */
export const MessageEntrySchema = z.object({
  id: IdSchema,
  kind: z.enum(['message', 'note', 'event']),
  author: AuthorSchema,
  text: z.string().check(z.maxLength(MAX_TEXT_LENGTH)),
  /** Milliseconds since the epoch, as the author's clock saw it. */
  createdAt: z.int().check(z.nonnegative()),
  /** For `event` entries: a machine-readable kind, e.g. 'resolved'. */
  event: z.optional(z.string().check(z.maxLength(64))),
  /**
   * For an agent's `message`: the quick replies and canned responses inserted into it, which the
   * server counts once in the settings document's `usage` (SET3). Never shown to the contact.
   */
  uses: z.optional(z.array(LibraryUseSchema).check(z.maxLength(MAX_USES_PER_MESSAGE))),
  /** For a `note`: the members it mentions (`@Name` ranges of `text`). */
  mentions: z.optional(z.array(MentionSchema).check(z.maxLength(MAX_MENTIONS))),
  /** Email only: subject, sanitised HTML, attachments (see EmailPartSchema). */
  email: z.optional(EmailPartSchema),
});
export type MessageEntry = z.infer<typeof MessageEntrySchema>;

/** What an agent may append from a client: a message or a note, authored by itself. */
export const AgentEntrySchema = z
  .strictObject({
    ...MessageEntrySchema.shape,
    kind: z.enum(['message', 'note']),
    author: z.object({ type: z.literal('agent'), id: IdSchema }),
    text: z.string().check(z.minLength(1), z.maxLength(MAX_TEXT_LENGTH)),
    event: z.optional(z.undefined()),
    /** An agent may only give the HTML alternative of a message (MAIL5), never of a note. */
    email: z.optional(z.strictObject({ html: z.string().check(z.minLength(1), z.maxLength(MAX_EMAIL_HTML)) })),
  })
  .check(
    z.superRefine((entry, ctx) => {
      if (entry.email && entry.kind !== 'message') ctx.addIssue({ code: 'custom', path: ['email'], message: 'only a message has an email part' });
      if (!entry.mentions) return;
      if (entry.kind !== 'note') ctx.addIssue({ code: 'custom', path: ['mentions'], message: 'only internal notes mention members' });
      let last = 0;
      for (const [i, m] of entry.mentions.entries()) {
        const ok = m.start >= last && m.end > m.start + 1 && m.end <= entry.text.length && entry.text[m.start] === '@';
        if (!ok) ctx.addIssue({ code: 'custom', path: ['mentions', i], message: 'a mention must cover an "@Name" of the text, in order' });
        last = m.end;
      }
    }),
  );
