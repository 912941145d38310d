/**
 * Turns an email's HTML (already sanitised by the server, MAIL1) into DOM nodes through a
 * second, stricter allow-list: the markup is parsed into an inert document (DOMParser runs no
 * scripts and loads nothing), and only allowed elements with allowed attributes are copied
 * into a fragment of the page's document. Nothing the mail says is ever assigned to innerHTML.
 */
const ALLOWED = new Set([
  'P', 'BR', 'DIV', 'SPAN', 'B', 'STRONG', 'I', 'EM', 'U', 'S', 'STRIKE', 'DEL', 'INS', 'MARK', 'SMALL', 'SUB', 'SUP',
  'BLOCKQUOTE', 'PRE', 'CODE', 'UL', 'OL', 'LI', 'DL', 'DT', 'DD', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HR',
  'A', 'TABLE', 'CAPTION', 'THEAD', 'TBODY', 'TFOOT', 'TR', 'TD', 'TH',
]);
/** Elements whose content is dropped with them (never shown as text). */
const DROP_WITH_CONTENT = new Set(['SCRIPT', 'STYLE', 'TEMPLATE', 'NOSCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'SVG', 'MATH', 'TITLE', 'HEAD', 'TEXTAREA', 'SELECT']);
/** Headings inside a chat bubble are shown as bold paragraphs. */
const HEADING = /^H[1-6]$/;
const MAX_NODES = 5_000;

export function isSafeEmailHref(href: string): boolean {
  return /^(https?:|mailto:)/i.test(href.trim());
}

export function safeEmailHtml(html: string, doc: Document = document): DocumentFragment {
  const parsed = new DOMParser().parseFromString(html, 'text/html');
  const out = doc.createDocumentFragment();
  let budget = MAX_NODES;
  const copy = (from: Node, to: Node) => {
    for (const child of Array.from(from.childNodes)) {
      if (--budget < 0) return;
      if (child.nodeType === Node.TEXT_NODE) {
        to.appendChild(doc.createTextNode(child.textContent ?? ''));
        continue;
      }
      if (child.nodeType !== Node.ELEMENT_NODE) continue;
      const el = child as Element;
      const tag = el.tagName.toUpperCase();
      if (DROP_WITH_CONTENT.has(tag)) continue;
      if (!ALLOWED.has(tag)) {
        copy(el, to); // unknown wrapper: keep its text
        continue;
      }
      const next = doc.createElement(HEADING.test(tag) ? 'p' : tag.toLowerCase());
      if (HEADING.test(tag)) next.className = 'email-body__heading';
      if (tag === 'A') {
        const href = el.getAttribute('href');
        if (href && isSafeEmailHref(href)) {
          next.setAttribute('href', href);
          next.setAttribute('target', '_blank');
          next.setAttribute('rel', 'noopener noreferrer nofollow');
        }
      }
      if ((tag === 'TD' || tag === 'TH') && /^\d{1,2}$/.test(el.getAttribute('colspan') ?? '')) next.setAttribute('colspan', el.getAttribute('colspan') as string);
      to.appendChild(next);
      copy(el, next);
    }
  };
  copy(parsed.body, out);
  return out;
}
