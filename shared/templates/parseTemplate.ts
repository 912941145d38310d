/**
 * The template syntax of quick replies and canned responses, parsed once into parts.
 *
 *   Hi {{first_name|there}}, I am {{agent.first_name}}.
 *
 * A variable is `{{name}}` or `{{name|fallback}}`; spaces around the name and the fallback are
 * ignored. Names are lower-case words joined by `_`, optionally namespaced with one dot
 * (`agent.name`, `attributes.plan`). A single `{` or `}` is ordinary text; `{{` always opens a
 * variable, so a template with `{{` that is not a valid variable is malformed (flagged at save
 * time with its position, see validateTemplate.ts).
 */

export interface TextPart {
  type: 'text';
  text: string;
}

export interface VariablePart {
  type: 'variable';
  /** The variable name, e.g. `first_name`, `agent.name`, `attributes.plan`. */
  name: string;
  /** Text used when the value is missing or empty; null without `|`. */
  fallback: string | null;
  /** Offsets of `{{` and just after `}}` in the source. */
  start: number;
  end: number;
}

export type TemplatePart = TextPart | VariablePart;

export type SyntaxErrorCode = 'unclosed-variable' | 'empty-variable' | 'invalid-name' | 'stray-close' | 'nested-open';

export interface TemplateSyntaxError {
  code: SyntaxErrorCode;
  /** Offsets into the source: what to underline in the editor. */
  start: number;
  end: number;
  message: string;
}

export interface ParsedTemplate {
  parts: TemplatePart[];
  errors: TemplateSyntaxError[];
}

export const VARIABLE_NAME = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)?$/;
/** Longest fallback text we accept. */
export const MAX_FALLBACK_LENGTH = 200;

/**
 * Parses a template. Never throws: malformed pieces become errors and are kept as literal text,
 * so a preview of a broken template still shows everything the author wrote.
 */
export function parseTemplate(source: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  const errors: TemplateSyntaxError[] = [];
  let text = '';
  let i = 0;
  const pushText = (s: string) => {
    text += s;
  };
  const flush = () => {
    if (text) parts.push({ type: 'text', text });
    text = '';
  };

  while (i < source.length) {
    const open = source.indexOf('{{', i);
    const strayAt = source.indexOf('}}', i);
    if (strayAt !== -1 && (open === -1 || strayAt < open)) {
      errors.push({ code: 'stray-close', start: strayAt, end: strayAt + 2, message: '"}}" without a matching "{{"' });
      pushText(source.slice(i, strayAt + 2));
      i = strayAt + 2;
      continue;
    }
    if (open === -1) {
      pushText(source.slice(i));
      break;
    }
    pushText(source.slice(i, open));
    const close = source.indexOf('}}', open + 2);
    const reopen = source.indexOf('{{', open + 2);
    if (close === -1) {
      errors.push({ code: 'unclosed-variable', start: open, end: source.length, message: '"{{" is never closed with "}}"' });
      pushText(source.slice(open));
      break;
    }
    if (reopen !== -1 && reopen < close) {
      errors.push({ code: 'nested-open', start: open, end: reopen + 2, message: '"{{" opened again before "}}"' });
      pushText(source.slice(open, reopen));
      i = reopen;
      continue;
    }
    const inner = source.slice(open + 2, close);
    const end = close + 2;
    const bar = inner.indexOf('|');
    const name = (bar === -1 ? inner : inner.slice(0, bar)).trim();
    const fallback = bar === -1 ? null : inner.slice(bar + 1).trim();
    if (!name) {
      errors.push({ code: 'empty-variable', start: open, end, message: 'empty variable: write a name between "{{" and "}}"' });
      pushText(source.slice(open, end));
    } else if (!VARIABLE_NAME.test(name)) {
      errors.push({ code: 'invalid-name', start: open, end, message: `"${name.slice(0, 40)}" is not a variable name (lower-case letters, digits, "_", one ".")` });
      pushText(source.slice(open, end));
    } else if (fallback !== null && fallback.length > MAX_FALLBACK_LENGTH) {
      errors.push({ code: 'invalid-name', start: open, end, message: `fallback longer than ${MAX_FALLBACK_LENGTH} characters` });
      pushText(source.slice(open, end));
    } else {
      flush();
      parts.push({ type: 'variable', name, fallback, start: open, end });
    }
    i = end;
  }
  flush();
  return { parts, errors };
}
