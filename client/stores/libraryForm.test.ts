import { describe, expect, it } from 'vitest';
import type { QuickReply } from '../../shared/schema/settings.ts';
import { emptyValues, formErrors, invalidFields, toEntry, valuesOf } from './libraryForm.ts';

const base = { id: 'new1', order: 3 };
const greeting: QuickReply = { id: 'qr1', name: 'Greeting', shortcut: 'hi', category: 'Greetings', text: 'Hi!', order: 1 };

describe('library form', () => {
  it('accepts a complete quick reply and builds the entry with trimmed fields', () => {
    const values = { name: ' Thanks ', shortcut: 'thx', category: ' Closing ', text: 'Thanks {{first_name|there}}!' };
    expect(formErrors('quickReplies', values, base, [greeting])).toEqual({});
    expect(toEntry('quickReplies', values, base)).toEqual({ id: 'new1', name: 'Thanks', shortcut: 'thx', category: 'Closing', text: 'Thanks {{first_name|there}}!', order: 3 });
  });

  it('requires a name and a text, in form order', () => {
    const errors = formErrors('quickReplies', emptyValues('quickReplies'), base, []);
    expect(errors.name?.message).toBe('Name is required.');
    expect(errors.text?.message).toBe('Text is required.');
    expect(invalidFields('quickReplies', errors)).toEqual(['name', 'text']);
  });

  it('lists every template problem with its line, column and the offending text', () => {
    const text = 'Hello {{frist_name}},\nyour order {{order_id';
    const errors = formErrors('quickReplies', { name: 'X', shortcut: '', category: '', text }, base, []);
    expect(errors.text?.message).toBe('Text has 2 problems: fix them to save.');
    expect(errors.text?.problems?.map((p) => [p.message, p.excerpt])).toEqual([
      ['line 1, column 7: unknown variable "frist_name": did you mean "first_name"?', '{{frist_name}}'],
      [expect.stringMatching(/^line 2, column 12: /), expect.stringMatching(/^\{\{order_id/)],
    ]);
    expect(text.slice(errors.text?.problems?.[0]?.start, errors.text?.problems?.[0]?.end)).toBe('{{frist_name}}');
  });

  it('refuses a shortcut with other characters, or one another quick reply already has', () => {
    const values = (shortcut: string) => ({ name: 'X', shortcut, category: '', text: 'T' });
    expect(formErrors('quickReplies', values('Hi There'), base, [greeting]).shortcut?.message).toMatch(/lower-case letters/);
    expect(formErrors('quickReplies', values('hi'), base, [greeting]).shortcut?.message).toBe('/hi is already the shortcut of “Greeting”.');
    // Editing the entry that owns it is fine.
    expect(formErrors('quickReplies', valuesOf(greeting), greeting, [greeting])).toEqual({});
  });

  it('says by how much a field is too long', () => {
    const errors = formErrors('cannedResponses', { title: 'x'.repeat(103), category: '', body: 'B' }, base, []);
    expect(errors.title?.message).toBe('Title is 3 characters too long (at most 100).');
  });

  it('builds a canned response from its own fields', () => {
    const values = { title: 'Returns', category: '', body: '**Free** returns, {{first_name|there}}.' };
    expect(formErrors('cannedResponses', values, base, [])).toEqual({});
    expect(toEntry('cannedResponses', values, base)).toEqual({ id: 'new1', title: 'Returns', category: '', body: values.body, order: 3 });
  });
});
