import {
  type CannedResponse,
  CannedResponseSchema,
  type LibraryKind,
  MAX_CANNED_BODY,
  MAX_QUICK_REPLY_TEXT,
  type QuickReply,
  QuickReplySchema,
} from '../../shared/schema/settings.ts';
import { describeProblems, validateTemplate } from '../../shared/templates/validateTemplate.ts';

/**
 * The settings editor's form for a quick reply or canned response: which fields it has, and
 * what is wrong with what was typed, field by field, with template problems at their line and
 * column. Checks what the server checks (SET2) and a little more (a shortcut used twice).
 */

export type FieldName = 'name' | 'title' | 'shortcut' | 'category' | 'text' | 'body';
export type FormValues = Partial<Record<FieldName, string>>;

export interface FieldSpec {
  name: FieldName;
  label: string;
  /** `template`: a textarea whose text may use variables. */
  control: 'input' | 'template';
  maxLength: number;
  required: boolean;
  hint?: string;
}

export interface FormSpec {
  /** "quick reply", "canned response". */
  singular: string;
  plural: string;
  fields: readonly FieldSpec[];
  /** The field naming the entry (name or title). */
  labelField: FieldName;
  templateField: FieldName;
}

const CATEGORY: FieldSpec = { name: 'category', label: 'Category', control: 'input', maxLength: 60, required: false, hint: 'Groups it in the menu and the list; leave empty for none.' };

export const FORMS: Record<LibraryKind, FormSpec> = {
  quickReplies: {
    singular: 'quick reply',
    plural: 'quick replies',
    labelField: 'name',
    templateField: 'text',
    fields: [
      { name: 'name', label: 'Name', control: 'input', maxLength: 100, required: true },
      {
        name: 'shortcut',
        label: 'Shortcut',
        control: 'input',
        maxLength: 32,
        required: false,
        hint: 'Typed after / in the composer to find it fast. Lower-case letters, digits, - and _.',
      },
      CATEGORY,
      { name: 'text', label: 'Text', control: 'template', maxLength: MAX_QUICK_REPLY_TEXT, required: true, hint: 'Variables such as {{first_name|there}} are filled in when the reply is sent.' },
    ],
  },
  cannedResponses: {
    singular: 'canned response',
    plural: 'canned responses',
    labelField: 'title',
    templateField: 'body',
    fields: [
      { name: 'title', label: 'Title', control: 'input', maxLength: 100, required: true },
      CATEGORY,
      {
        name: 'body',
        label: 'Body',
        control: 'template',
        maxLength: MAX_CANNED_BODY,
        required: true,
        hint: 'Formatting: **bold**, *italic*, lines starting with "- " or "1. " for lists, [text](https://link). Variables such as {{first_name|there}} are filled in when it is sent.',
      },
    ],
  },
};

/** A template problem as the form shows it. */
export interface TemplateProblemView {
  /** "line 1, column 4: unknown variable "frist_name": did you mean "first_name"?" */
  message: string;
  /** The offending text, e.g. `{{frist_name}}`. */
  excerpt: string;
  start: number;
  end: number;
}

export interface FieldError {
  message: string;
  problems?: readonly TemplateProblemView[];
}
export type FormErrors = Partial<Record<FieldName, FieldError>>;

export function emptyValues(kind: LibraryKind): FormValues {
  return Object.fromEntries(FORMS[kind].fields.map((f) => [f.name, ''])) as FormValues;
}

export function valuesOf(entry: QuickReply | CannedResponse): FormValues {
  return 'text' in entry
    ? { name: entry.name, shortcut: entry.shortcut, category: entry.category, text: entry.text }
    : { title: entry.title, category: entry.category, body: entry.body };
}

/** The entry the form describes (not yet validated). */
export function toEntry(kind: LibraryKind, values: FormValues, base: { id: string; order: number }): QuickReply | CannedResponse {
  const v = (name: FieldName) => values[name] ?? '';
  return kind === 'quickReplies'
    ? { id: base.id, name: v('name').trim(), shortcut: v('shortcut').trim(), category: v('category').trim(), text: v('text'), order: base.order }
    : { id: base.id, title: v('title').trim(), category: v('category').trim(), body: v('body'), order: base.order };
}

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/**
 * What is wrong with the form, by field (empty: it may be saved). `others` are the library's
 * other entries (a shortcut must be unique).
 */
export function formErrors(kind: LibraryKind, values: FormValues, base: { id: string; order: number }, others: readonly (QuickReply | CannedResponse)[]): FormErrors {
  const errors: FormErrors = {};
  const spec = FORMS[kind];
  for (const field of spec.fields) {
    const raw = values[field.name] ?? '';
    const value = field.control === 'template' ? raw : raw.trim();
    if (field.required && value.trim() === '') {
      errors[field.name] = { message: `${field.label} is required.` };
      continue;
    }
    if (value.length > field.maxLength) {
      errors[field.name] = { message: `${field.label} is ${plural(value.length - field.maxLength, 'character')} too long (at most ${field.maxLength.toLocaleString('en-US')}).` };
      continue;
    }
    if (field.control === 'template') {
      const problems = validateTemplate(value);
      if (problems.length > 0) {
        const lines = describeProblems(value, problems);
        errors[field.name] = {
          message: `${field.label} has ${plural(problems.length, 'problem')}: fix ${problems.length === 1 ? 'it' : 'them'} to save.`,
          problems: problems.map((p, i) => ({ message: lines[i] ?? p.message, excerpt: value.slice(p.start, Math.max(p.end, p.start + 1)), start: p.start, end: p.end })),
        };
      }
    }
  }
  const shortcut = values.shortcut?.trim();
  if (kind === 'quickReplies' && shortcut && !errors.shortcut) {
    if (!/^[a-z0-9_-]*$/.test(shortcut)) errors.shortcut = { message: 'Use only lower-case letters, digits, "-" and "_".' };
    else {
      const owner = others.find((e) => e.id !== base.id && 'shortcut' in e && e.shortcut === shortcut);
      if (owner && 'name' in owner) errors.shortcut = { message: `/${shortcut} is already the shortcut of “${owner.name}”.` };
    }
  }
  if (Object.keys(errors).length > 0) return errors;
  // Anything else the schema (and so the server) would refuse, on the field it concerns.
  const parsed = (kind === 'quickReplies' ? QuickReplySchema : CannedResponseSchema).safeParse(toEntry(kind, values, base));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = (spec.fields.find((f) => f.name === issue.path[0])?.name ?? spec.labelField) as FieldName;
      errors[name] ??= { message: issue.message };
    }
  }
  return errors;
}

/** The fields with errors, in form order (the first gets focus when saving is refused). */
export function invalidFields(kind: LibraryKind, errors: FormErrors): FieldName[] {
  return FORMS[kind].fields.map((f) => f.name).filter((name) => errors[name] !== undefined);
}
