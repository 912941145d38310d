import { escapeHtml } from './escapeHtml.ts';
import { renderTemplate } from './renderTemplate.ts';
import { type Block, type Inline, isSafeHref, parseRichText } from './richText.ts';
import type { TemplateContext } from './templateVariables.ts';

/**
 * Renderers of the canned-response format (richText.ts) with variables filled in from
 * `context`. The structure comes from the template source only; every value is text, escaped
 * for HTML. A link whose target is not http(s) or mailto after filling in is rendered as text.
 */

const fill = (text: string, context: TemplateContext) => renderTemplate(text, context).text;

/** HTML for email bodies. */
export function renderRichHtml(source: string, context: TemplateContext = {}): string {
  const inline = (nodes: Inline[]): string =>
    nodes
      .map((n) => {
        switch (n.type) {
          case 'text':
            return escapeHtml(fill(n.text, context));
          case 'break':
            return '<br>';
          case 'bold':
            return `<strong>${inline(n.children)}</strong>`;
          case 'italic':
            return `<em>${inline(n.children)}</em>`;
          case 'link': {
            const href = fill(n.href, context);
            const label = inline(n.children);
            return isSafeHref(href) ? `<a href="${escapeHtml(href)}">${label}</a>` : label;
          }
        }
      })
      .join('');
  return parseRichText(source)
    .map((b: Block) => {
      if (b.type === 'paragraph') return `<p>${inline(b.children)}</p>`;
      const tag = b.ordered ? 'ol' : 'ul';
      return `<${tag}>${b.items.map((item) => `<li>${inline(item)}</li>`).join('')}</${tag}>`;
    })
    .join('\n');
}

interface PlainStyle {
  bold: (s: string) => string;
  italic: (s: string) => string;
  link: (label: string, href: string) => string;
}

function renderWith(source: string, context: TemplateContext, style: PlainStyle): string {
  const inline = (nodes: Inline[]): string =>
    nodes
      .map((n) => {
        switch (n.type) {
          case 'text':
            return fill(n.text, context);
          case 'break':
            return '\n';
          case 'bold':
            return style.bold(inline(n.children));
          case 'italic':
            return style.italic(inline(n.children));
          case 'link': {
            const href = fill(n.href, context);
            const label = inline(n.children);
            return isSafeHref(href) ? style.link(label, href) : label;
          }
        }
      })
      .join('');
  return parseRichText(source)
    .map((b) => {
      if (b.type === 'paragraph') return inline(b.children);
      return b.items.map((item, i) => `${b.ordered ? `${i + 1}.` : '•'} ${inline(item)}`).join('\n');
    })
    .join('\n\n');
}

const linkText = (label: string, href: string) => {
  const bare = href.replace(/^mailto:/i, '');
  return label === href || label === bare ? bare : `${label} (${bare})`;
};

/** Plain text: the email alternative part, SMS and webchat. */
export const renderRichPlain = (source: string, context: TemplateContext = {}) =>
  renderWith(source, context, { bold: (s) => s, italic: (s) => s, link: linkText });

/** WhatsApp's own markers: *bold*, _italic_. */
export const renderRichWhatsApp = (source: string, context: TemplateContext = {}) =>
  renderWith(source, context, { bold: (s) => (s ? `*${s}*` : s), italic: (s) => (s ? `_${s}_` : s), link: linkText });
