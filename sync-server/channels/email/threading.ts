import { ID_PATTERN } from '../../../shared/ids.ts';

/**
 * Email threading (RFC 5322 §3.6.4; docs/channels.md, Email). A reply names its parent in
 * `In-Reply-To` and the thread's ancestry in `References` (oldest first).
 */

/** Message ids as mailparser gives them (string, several in one string, or an array), normalised to `<id>` tokens. */
export function normaliseIds(value: string | string[] | undefined | null): string[] {
  if (!value) return [];
  const text = Array.isArray(value) ? value.join(' ') : value;
  const found = text.match(/<[^<>\s]{1,250}>/g);
  if (found) return found.map((id) => id.toLowerCase() === id ? id : lowerDomain(id));
  // A bare id without brackets (mailparser adds them for Message-ID, not always elsewhere).
  return text
    .split(/[\s,]+/)
    .filter((t) => /^[^<>\s@]{1,200}@[^<>\s@]{1,200}$/.test(t))
    .map((t) => lowerDomain(`<${t}>`));
}

/** The domain part of a Message-ID is case-insensitive; the local part is compared as sent. */
function lowerDomain(id: string): string {
  const at = id.lastIndexOf('@');
  return at < 0 ? id : `${id.slice(0, at)}${id.slice(at).toLowerCase()}`;
}

/** Ids to look up, in order: In-Reply-To first, then References newest first (at most 30). */
export function threadCandidates(inReplyTo: string | string[] | undefined, references: string | string[] | undefined): string[] {
  const ids = [...normaliseIds(inReplyTo), ...normaliseIds(references).reverse()];
  return [...new Set(ids)].slice(0, 30);
}

/** Our own Message-ID for an outgoing message: it names the conversation, so a reply finds it even if our record is gone. */
export function ourMessageId(conversationId: string, messageId: string, domain: string): string {
  return `<c_${conversationId}.m_${messageId}@${domain.toLowerCase()}>`;
}

/** The conversation and message named by one of our own Message-IDs, or null. */
export function parseOurMessageId(id: string, domain: string): { conversationId: string; messageId: string } | null {
  const m = /^<c_([^.@<>]+)\.m_([^.@<>]+)@([^<>]+)>$/.exec(id);
  if (!m || m[3]?.toLowerCase() !== domain.toLowerCase()) return null;
  const [, conversationId = '', messageId = ''] = m;
  return ID_PATTERN.test(conversationId) && ID_PATTERN.test(messageId) ? { conversationId, messageId } : null;
}

/** `Re: <subject>` without stacking prefixes. */
export function replySubject(subject: string | null | undefined): string {
  const s = (subject ?? '').trim();
  if (!s) return 'Re: Your message';
  return /^(re|aw|sv|antw)\s*:/i.test(s) ? s : `Re: ${s}`;
}

/** References of a reply to `parent`: its References then its Message-ID, capped (oldest dropped, root kept). */
export function replyReferences(parentReferences: string[], parentId: string, max = 20): string[] {
  const all = [...new Set([...parentReferences, parentId])];
  if (all.length <= max) return all;
  return [all[0] as string, ...all.slice(all.length - (max - 1))];
}
