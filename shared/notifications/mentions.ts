import { MAX_MENTIONS, type Mention } from '../schema/message.ts';

/**
 * @mentions of internal notes (docs/notifications.md). The composer remembers which members were
 * picked from the `@` menu; at send, each `@Name` of a picked member still in the text becomes
 * a reference with its range. Deleting the text deletes the mention.
 */

/** The ranges of `@Name` for each picked member still present in `text`, in order, non-overlapping. */
export function mentionRanges(text: string, picked: ReadonlyArray<{ agentId: string; name: string }>): Mention[] {
  const found: Mention[] = [];
  // Longest names first, so "@Sam Patel" is not taken as "@Sam" when both were picked.
  const byLength = [...picked].sort((a, b) => b.name.length - a.name.length);
  const taken = (start: number, end: number) => found.some((m) => start < m.end && end > m.start);
  for (const member of byLength) {
    const needle = `@${member.name}`;
    let from = 0;
    for (;;) {
      const start = text.indexOf(needle, from);
      if (start < 0) break;
      const end = start + needle.length;
      from = end;
      const boundaryBefore = start === 0 || /\s|[([{"']/.test(text[start - 1] ?? '');
      const boundaryAfter = end === text.length || !/[\p{L}\p{N}_]/u.test(text[end] ?? '');
      if (boundaryBefore && boundaryAfter && !taken(start, end)) found.push({ agentId: member.agentId, start, end });
    }
  }
  return found.sort((a, b) => a.start - b.start).slice(0, MAX_MENTIONS);
}

export type TextPart = { kind: 'text'; text: string } | { kind: 'mention'; text: string; agentId: string };

/** Splits a note's text into plain parts and mention chips (invalid ranges are shown as text). */
export function splitMentions(text: string, mentions: readonly Mention[] | undefined): TextPart[] {
  if (!mentions?.length) return [{ kind: 'text', text }];
  const parts: TextPart[] = [];
  let at = 0;
  for (const m of mentions) {
    if (m.start < at || m.end > text.length || m.end <= m.start) continue;
    if (m.start > at) parts.push({ kind: 'text', text: text.slice(at, m.start) });
    parts.push({ kind: 'mention', text: text.slice(m.start, m.end), agentId: m.agentId });
    at = m.end;
  }
  if (at < text.length) parts.push({ kind: 'text', text: text.slice(at) });
  return parts;
}

/** The `@query` being typed before the caret (at the start or after whitespace), or null. */
export function mentionQuery(value: string, caret: number): { start: number; query: string } | null {
  const lineStart = value.lastIndexOf('\n', caret - 1) + 1;
  const before = value.slice(lineStart, caret);
  const at = before.lastIndexOf('@');
  if (at < 0 || before.length - at > 41) return null;
  if (at > 0 && !/\s/.test(before[at - 1] ?? '')) return null;
  const query = before.slice(at + 1);
  // A query may hold one space ("Sam P") but not start with one.
  if (/^\s/.test(query) || /\s\S*\s/.test(query)) return null;
  return { start: lineStart + at, query };
}
