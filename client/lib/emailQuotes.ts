/**
 * Quoted history at the end of an email reply ("On Tue, Ana wrote:" and the `>` lines below it,
 * or the `<blockquote>` mail clients wrap around the previous message): a reply repeats the
 * whole thread, which the conversation already shows, so the bubble folds it behind a
 * "Show quoted text" disclosure. Only a trailing quote is folded, and never a whole message.
 */

/** Outlook's header above an unquoted copy of the previous message. */
const ORIGINAL_MESSAGE = /^-{2,}\s*(Original Message|Forwarded message)\s*-{2,}\s*$/i;
/** An attribution line that introduces the quoted message, in the common clients' languages. */
const ATTRIBUTION = [
  /^On .{3,200} wrote:\s*$/i,
  /^Le .{3,200} a écrit\s?:\s*$/i,
  /^Am .{3,200} schrieb .{1,200}:\s*$/i,
  /^El .{3,200} escribió:\s*$/i,
  ORIGINAL_MESSAGE,
];
const isAttribution = (line: string) => ATTRIBUTION.some((re) => re.test(line.trim()));
const isQuoteLine = (line: string) => /^\s*>/.test(line);

/** Splits a plain-text email into what the sender wrote and the quoted history at its end (or null). */
export function splitQuotedText(text: string): { body: string; quoted: string | null } {
  const lines = text.split(/\r?\n/);
  // From the end: the trailing run of quote lines (blank lines inside it allowed).
  let start = lines.length;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] as string;
    if (isQuoteLine(line) || (line.trim() === '' && start < lines.length)) start = i;
    else if (line.trim() !== '' || start < lines.length) break;
  }
  // The attribution line just above the quotes belongs to them; without quotes, an "Original
  // Message" header introduces an unquoted copy, folded as a whole.
  let cut: number;
  if (start < lines.length) {
    cut = start;
    let above = start - 1;
    while (above >= 0 && (lines[above] as string).trim() === '') above--;
    if (above >= 0 && isAttribution(lines[above] as string)) cut = above;
  } else {
    cut = lines.findIndex((line) => ORIGINAL_MESSAGE.test(line.trim()));
  }
  if (cut <= 0) return { body: text, quoted: null };
  const body = lines.slice(0, cut).join('\n').trimEnd();
  if (!body.trim()) return { body: text, quoted: null };
  return { body, quoted: lines.slice(cut).join('\n').trim() };
}

/**
 * Folds the trailing quote of an email's (already sanitised) HTML in place: the last top-level
 * element when it is a `<blockquote>`, or a wrapper whose content is an attribution line and a
 * `<blockquote>` (Gmail's layout), goes into a `<details>` with a "Show quoted text" summary.
 */
export function foldQuotedHtml(root: DocumentFragment | Element, doc: Document = document): void {
  let last: Element | null = root.lastElementChild;
  // Trailing empty wrappers and line breaks are not content.
  while (last && (last.tagName === 'BR' || (last.textContent ?? '').trim() === '')) last = last.previousElementSibling;
  if (!last || !isQuoteBlock(last)) return;
  const quote = last;
  const nodes: Node[] = [quote];
  // The attribution just before a bare blockquote belongs to it.
  const before = quote.previousElementSibling;
  if (quote.tagName === 'BLOCKQUOTE' && before && isAttribution(before.textContent ?? '')) nodes.unshift(before);
  // Never fold the whole message.
  const rest = Array.from(root.childNodes).filter((n) => !nodes.includes(n) && !isAfter(n, quote));
  if (!rest.some((n) => (n.textContent ?? '').trim() !== '')) return;
  const details = doc.createElement('details');
  details.className = 'email-quote';
  const summary = doc.createElement('summary');
  summary.textContent = 'Show quoted text';
  details.appendChild(summary);
  root.insertBefore(details, nodes[0] as Node);
  for (const node of nodes) details.appendChild(node);
}

/** A blockquote, or a wrapper holding (optionally) an attribution line and then a blockquote. */
function isQuoteBlock(el: Element): boolean {
  if (el.tagName === 'BLOCKQUOTE') return true;
  if (el.tagName !== 'DIV') return false;
  const children = Array.from(el.children).filter((c) => c.tagName !== 'BR');
  const inner = children.at(-1);
  if (!inner || inner.tagName !== 'BLOCKQUOTE') return false;
  const lead = children.slice(0, -1).map((c) => c.textContent ?? '').join(' ').trim();
  return lead === '' || isAttribution(lead);
}

function isAfter(node: Node, ref: Node): boolean {
  return (ref.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;
}
