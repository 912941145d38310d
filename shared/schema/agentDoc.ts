/**
 * Root types of an agent's private document (`<ws>/agent/<agentId>`), read and written only
 * by that agent (from any of its devices).
 *
 *   draft:<conversationId>  Y.Text   the unsent reply of that conversation. One root type per
 *                                    conversation, so two offline devices that both start a draft
 *                                    merge their text instead of one replacing the other.
 *   read                    Y.Map<number>  conversation id → inboundCount seen (read position)
 *   scroll                  Y.Map<ScrollPosition>  conversation id → where the thread was left
 *   prefs                   Y.Map   per-agent preferences (plain JSON values)
 *   draftMeta               Y.Map<DraftMeta>  conversation id → rich flag and library uses of the draft
 */
export const AGENT_ROOTS = { read: 'read', scroll: 'scroll', prefs: 'prefs', draftMeta: 'draftMeta' } as const;

/**
 * `draftMeta`: conversation id → what the draft's text alone does not say, kept with it across
 * reloads and devices: `rich` (a canned response was inserted: its rich format is rendered at
 * send) and `uses` (the library entries inserted, for the usage counts, SET3). Removed when the
 * draft is sent or emptied.
 */
export interface DraftMeta {
  rich: boolean;
  uses: Array<{ kind: 'quickReplies' | 'cannedResponses'; id: string }>;
}

/** Most `uses` a draft keeps (as many as a message may name). */
export const MAX_DRAFT_USES = 10;

/** A well-formed DraftMeta (a plain check, shared by the server's rules and the client). */
export function isDraftMeta(v: unknown): v is DraftMeta {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const m = v as Record<string, unknown>;
  if (Object.keys(m).some((k) => k !== 'rich' && k !== 'uses')) return false;
  if (typeof m.rich !== 'boolean' || !Array.isArray(m.uses) || m.uses.length > MAX_DRAFT_USES) return false;
  return m.uses.every((u: unknown) => {
    if (typeof u !== 'object' || u === null) return false;
    const use = u as Record<string, unknown>;
    return (
      Object.keys(use).length === 2 &&
      (use.kind === 'quickReplies' || use.kind === 'cannedResponses') &&
      typeof use.id === 'string' &&
      /^[A-Za-z0-9_-]{1,64}$/.test(use.id)
    );
  });
}

export const DRAFT_PREFIX = 'draft:';
export const draftRoot = (conversationId: string) => `${DRAFT_PREFIX}${conversationId}`;

/** Where the thread was left: the message at the top of the viewport and the offset into it. */
export interface ScrollPosition {
  /** Id of the anchor message, or null when the thread was scrolled to the bottom. */
  anchor: string | null;
  offset: number;
}

/** Longest draft we keep, in characters. */
export const MAX_DRAFT_LENGTH = 20_000;
