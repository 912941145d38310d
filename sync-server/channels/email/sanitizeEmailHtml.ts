import sanitizeHtml from 'sanitize-html';
import { MAX_EMAIL_HTML } from '../../../shared/schema/message.ts';

/**
 * HTML from the outside world, sanitised on the server before any agent's client sees it
 * (MAIL1): an allow-list of formatting tags, links only to http(s) and mailto, no scripts,
 * styles, forms, frames, event handlers or remote images (a remote image is a tracking pixel
 * and would reveal when and where an agent read the mail: it becomes its alt text). The client
 * shows the result in a sandboxed frame without scripts as a second wall.
 */
const INBOUND: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'br', 'div', 'span', 'b', 'strong', 'i', 'em', 'u', 's', 'strike', 'del', 'ins', 'mark', 'small', 'sub', 'sup',
    'blockquote', 'pre', 'code', 'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr',
    'a', 'table', 'caption', 'thead', 'tbody', 'tfoot', 'tr', 'td', 'th',
  ],
  // target and rel are set by transformTags below, never taken from the mail.
  allowedAttributes: { a: ['href', 'title', 'target', 'rel'], td: ['colspan', 'rowspan'], th: ['colspan', 'rowspan'], ol: ['start'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'head', 'template', 'iframe', 'object', 'svg', 'math'],
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, target: '_blank', rel: 'noopener noreferrer nofollow' } }),
    img: (_tagName, attribs) => ({ tagName: 'span', attribs: {}, text: attribs.alt ? `[image: ${attribs.alt.slice(0, 200)}]` : '' }),
  },
};

/** Sanitises an inbound mail's HTML body; null when nothing visible remains. */
export function sanitizeInboundHtml(html: string): string | null {
  const clean = sanitizeHtml(html, INBOUND).trim();
  if (!clean || !/[^\s]/.test(clean.replace(/<[^>]*>/g, '').replace(/&nbsp;/g, ' '))) return null;
  return clean.length > MAX_EMAIL_HTML ? null : clean;
}

/**
 * The HTML alternative of an agent's message (a rich canned response), reduced to the markup
 * the canned-response renderer makes (MAIL5): whatever a client wrote, nothing else is sent.
 */
const OUTBOUND: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'strong', 'em', 'a', 'ul', 'ol', 'li'],
  allowedAttributes: { a: ['href'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
};

export function sanitizeOutboundHtml(html: string): string | null {
  const clean = sanitizeHtml(html, OUTBOUND).trim();
  return clean ? clean : null;
}
