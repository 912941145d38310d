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
 */
export const AGENT_ROOTS = { read: 'read', scroll: 'scroll', prefs: 'prefs' } as const;

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
