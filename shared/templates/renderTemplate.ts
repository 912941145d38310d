import { parseTemplate, type ParsedTemplate } from './parseTemplate.ts';
import { isKnownVariable, resolveVariable, type TemplateContext } from './templateVariables.ts';

/**
 * One piece of a rendered template, for previews: literal text, a variable's value, its fallback,
 * or an empty variable (missing value and no fallback: what the spec's "variables not filling"
 * pitfall is about, highlighted in the composer's preview).
 */
export type RenderedSegment =
  | { kind: 'text'; text: string }
  | { kind: 'value'; name: string; text: string }
  | { kind: 'fallback'; name: string; text: string }
  | { kind: 'empty'; name: string; text: '' }
  /** An unknown name (only in text typed by hand): kept as written. */
  | { kind: 'unknown'; name: string; text: string };

export interface RenderedTemplate {
  segments: RenderedSegment[];
  /** The plain text the contact receives. */
  text: string;
  /** Variables that rendered empty. */
  empty: string[];
  /** Names that are not variables (typed by hand): the contact receives them as written. */
  unknown: string[];
}

/**
 * Renders a template against a context. Values are inserted as text and never parsed again: a
 * contact named `{{agent.email}}` or `<b>x</b>` is that literal text. For HTML output use
 * renderTemplateHtml, which escapes values.
 */
export function renderTemplate(template: string | ParsedTemplate, context: TemplateContext): RenderedTemplate {
  const parsed = typeof template === 'string' ? parseTemplate(template) : template;
  const segments: RenderedSegment[] = [];
  const empty: string[] = [];
  const unknown: string[] = [];
  for (const part of parsed.parts) {
    if (part.type === 'text') {
      segments.push({ kind: 'text', text: part.text });
      continue;
    }
    if (!isKnownVariable(part.name)) {
      segments.push({ kind: 'unknown', name: part.name, text: `{{${part.name}${part.fallback !== null ? `|${part.fallback}` : ''}}}` });
      if (!unknown.includes(part.name)) unknown.push(part.name);
      continue;
    }
    const value = resolveVariable(part.name, context);
    if (value) segments.push({ kind: 'value', name: part.name, text: value });
    else if (part.fallback) segments.push({ kind: 'fallback', name: part.name, text: part.fallback });
    else {
      segments.push({ kind: 'empty', name: part.name, text: '' });
      empty.push(part.name);
    }
  }
  return { segments, text: segments.map((s) => s.text).join(''), empty, unknown };
}

/** Whether a text uses template variables at all (plain replies skip rendering). */
export const hasVariables = (text: string) => text.includes('{{');
