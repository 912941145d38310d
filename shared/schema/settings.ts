import { IdSchema, z } from '../zod.ts';
import { validateTemplate } from '../templates/validateTemplate.ts';

/**
 * Root types of the workspace settings document (`<ws>/settings`), written by admins and leads
 * (SET1); quick replies and canned responses are validated on save (SET2). Values are plain JSON,
 * each replaced whole on change.
 *
 *   workspace        Y.Map                    name and other plain settings
 *   quickReplies     Y.Map<QuickReply>        id → one quick reply (key = value.id)
 *   cannedResponses  Y.Map<CannedResponse>    id → one canned response (key = value.id)
 *   usage            Y.Map<UsageCount>        usageKey(kind, id) → how often it was sent;
 *                                              written only by the server (SET3)
 */
export const SETTINGS_ROOTS = {
  workspace: 'workspace',
  quickReplies: 'quickReplies',
  cannedResponses: 'cannedResponses',
  usage: 'usage',
} as const;

export const MAX_QUICK_REPLY_TEXT = 2_000;
export const MAX_CANNED_BODY = 10_000;
/** A workspace keeps at most this many of each (the menu stays instant at this size). */
export const MAX_LIBRARY_SIZE = 5_000;

/** A template field: within `max` characters, well-formed and using only known variables. */
const template = (max: number) =>
  z.string().check(
    z.minLength(1),
    z.maxLength(max),
    z.superRefine((source, ctx) => {
      for (const problem of validateTemplate(source)) {
        ctx.addIssue({ code: 'custom', message: problem.message, params: { start: problem.start, end: problem.end, problem: problem.code } });
      }
    }),
  );

const name = z.string().check(z.trim(), z.minLength(1), z.maxLength(100));
const category = z.string().check(z.trim(), z.maxLength(60));
/** Position in the list (ascending); ties are broken by name. A number is finite in zod 4. */
const order = z.number();

export const QuickReplySchema = z.strictObject({
  id: IdSchema,
  name,
  /** Typed after `/` to find it fast, e.g. `thanks`; may be empty. */
  shortcut: z.string().check(z.maxLength(32), z.regex(/^[a-z0-9_-]*$/, 'lower-case letters, digits, "-" and "_"')),
  category,
  text: template(MAX_QUICK_REPLY_TEXT),
  order,
});
export type QuickReply = z.infer<typeof QuickReplySchema>;

export const CannedResponseSchema = z.strictObject({
  id: IdSchema,
  title: name,
  category,
  /** The rich format of shared/templates/richText.ts, with variables. */
  body: template(MAX_CANNED_BODY),
  order,
});
export type CannedResponse = z.infer<typeof CannedResponseSchema>;

/** The two libraries of the settings document (their root names). */
export const LIBRARY_KINDS = ['quickReplies', 'cannedResponses'] as const;
export type LibraryKind = (typeof LIBRARY_KINDS)[number];

/** Most library entries one message may name in `uses`. */
export const MAX_USES_PER_MESSAGE = 10;

/**
 * A quick reply or canned response that went into a sent message: the composer stamps the
 * message entry with these (`MessageEntry.uses`), and the server counts each once (SET3).
 */
export const LibraryUseSchema = z.strictObject({ kind: z.enum(LIBRARY_KINDS), id: IdSchema });
export type LibraryUse = z.infer<typeof LibraryUseSchema>;

/**
 * Times sent, in total and per agent (server-counted, SET3), under `usageKey(kind, id)`:
 * the kind is part of the key so a quick reply and a canned response that share an id (ids of
 * imported entries are chosen by whoever wrote the file) never share a count.
 */
export interface UsageCount {
  total: number;
  byAgent: Record<string, number>;
  lastUsedAt: number;
}

/** The `usage` key of a library entry, e.g. `quickReplies:qr-refund` (":" never occurs in an id). */
export const usageKey = (kind: LibraryKind, id: string) => `${kind}:${id}`;

/** The first problem of an invalid value, with the path, for a refusal or an editor message. */
export function firstIssue(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid value';
  return `${issue.path.join('.') || 'value'}: ${issue.message}`;
}
