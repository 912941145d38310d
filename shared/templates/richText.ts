/**
 * The small rich format of canned responses (a Markdown subset), parsed from the template source
 * before variables are filled in, so a value can never add formatting, links or markup:
 *
 *   **bold**   *italic*   [link text](https://example.com)   (http, https and mailto only)
 *   - item     (or "* item")  a bulleted list
 *   1. item    a numbered list
 *   a blank line separates paragraphs; a single newline is a line break.
 *
 * `{{variables}}` are atomic: markers inside them are not formatting. Renderers (renderRich.ts)
 * turn the tree into HTML (email), plain text (alternative part, SMS, webchat) or WhatsApp's own
 * markers.
 */

export type Inline =
  | { type: 'text'; text: string }
  | { type: 'break' }
  | { type: 'bold'; children: Inline[] }
  | { type: 'italic'; children: Inline[] }
  | { type: 'link'; href: string; children: Inline[] };

export type Block =
  | { type: 'paragraph'; children: Inline[] }
  | { type: 'list'; ordered: boolean; items: Inline[][] };

const BULLET = /^\s*[-*]\s+(.*)$/;
const NUMBERED = /^\s*\d{1,3}[.)]\s+(.*)$/;

/** Parses the rich format into blocks. Never throws: anything unrecognised is text. */
export function parseRichText(source: string): Block[] {
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  let list: { ordered: boolean; items: string[] } | null = null;
  const endParagraph = () => {
    if (paragraph.length) blocks.push({ type: 'paragraph', children: parseLines(paragraph) });
    paragraph = [];
  };
  const endList = () => {
    if (list) blocks.push({ type: 'list', ordered: list.ordered, items: list.items.map((item) => parseInline(item)) });
    list = null;
  };
  for (const line of source.replace(/\r\n?/g, '\n').split('\n')) {
    const bullet = BULLET.exec(line);
    const numbered = bullet ? null : NUMBERED.exec(line);
    if (bullet || numbered) {
      const ordered = numbered !== null;
      endParagraph();
      if (list && list.ordered !== ordered) endList();
      list ??= { ordered, items: [] };
      list.items.push((bullet ?? numbered)?.[1] ?? '');
    } else if (line.trim() === '') {
      endParagraph();
      endList();
    } else {
      endList();
      paragraph.push(line);
    }
  }
  endParagraph();
  endList();
  return blocks;
}

function parseLines(lines: string[]): Inline[] {
  const out: Inline[] = [];
  lines.forEach((line, i) => {
    if (i > 0) out.push({ type: 'break' });
    out.push(...parseInline(line));
  });
  return out;
}

/** End of a `{{…}}` starting at `i`, or -1. */
const variableEnd = (s: string, i: number) => {
  if (!s.startsWith('{{', i)) return -1;
  const close = s.indexOf('}}', i + 2);
  return close === -1 ? -1 : close + 2;
};

/** Finds `marker` at or after `from`, skipping variables; -1 when absent. */
function findMarker(s: string, marker: string, from: number): number {
  let i = from;
  while (i < s.length) {
    const v = variableEnd(s, i);
    if (v !== -1) {
      i = v;
      continue;
    }
    if (s.startsWith(marker, i) && (marker !== '*' || s[i + 1] !== '*')) return i;
    i++;
  }
  return -1;
}

const LINK = /^\[([^\]\n]+)\]\(([^()\s]+)\)/;

/** Inline formatting of one line. */
export function parseInline(s: string): Inline[] {
  const out: Inline[] = [];
  let text = '';
  const flush = () => {
    if (text) out.push({ type: 'text', text });
    text = '';
  };
  let i = 0;
  while (i < s.length) {
    const v = variableEnd(s, i);
    if (v !== -1) {
      text += s.slice(i, v);
      i = v;
      continue;
    }
    if (s.startsWith('**', i)) {
      const close = findMarker(s, '**', i + 2);
      if (close > i + 2) {
        flush();
        out.push({ type: 'bold', children: parseInline(s.slice(i + 2, close)) });
        i = close + 2;
        continue;
      }
    } else if (s[i] === '*' && s[i + 1] !== ' ') {
      const close = findMarker(s, '*', i + 1);
      if (close > i + 1 && s[close - 1] !== ' ') {
        flush();
        out.push({ type: 'italic', children: parseInline(s.slice(i + 1, close)) });
        i = close + 1;
        continue;
      }
    } else if (s[i] === '[') {
      const m = LINK.exec(s.slice(i));
      if (m?.[1] && m[2]) {
        flush();
        out.push({ type: 'link', href: m[2], children: parseInline(m[1]) });
        i += m[0].length;
        continue;
      }
    }
    text += s[i];
    i++;
  }
  flush();
  return out;
}

/** Whether a link target may be rendered as a link (after variables are filled in). */
export function isSafeHref(href: string): boolean {
  return /^(https?:\/\/[^\s<>"']+|mailto:[^\s<>"']+)$/i.test(href);
}
