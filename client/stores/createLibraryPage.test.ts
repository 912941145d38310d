import { createRoot } from 'solid-js';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { QuickReply } from '../../shared/schema/settings.ts';
import type { DocHandle } from '../sync/SyncClient.ts';
import { createLibrary } from './createLibrary.ts';
import { createLibraryPage, type LibraryPageStore } from './createLibraryPage.ts';

const reply = (id: string, order: number, over: Partial<QuickReply> = {}): QuickReply => ({
  id,
  name: `Reply ${id}`,
  shortcut: id,
  category: '',
  text: `Text of ${id}`,
  order,
  ...over,
});

function withPage(test: (page: LibraryPageStore, doc: Y.Doc) => void) {
  const doc = new Y.Doc();
  for (const r of [reply('a', 1, { category: 'Greetings' }), reply('b', 2, { category: 'Billing' }), reply('c', 3, { category: 'Greetings' })]) {
    doc.getMap('quickReplies').set(r.id, r);
  }
  createRoot((dispose) => {
    test(createLibraryPage(createLibrary({ doc: () => doc } as unknown as DocHandle, 'lead'), 'quickReplies'), doc);
    dispose();
  });
}
const stored = (doc: Y.Doc, id: string) => doc.getMap<QuickReply>('quickReplies').get(id);

describe('library settings page', () => {
  it('refuses to save until the form is valid, showing errors only after the first try', () => {
    withPage((page, doc) => {
      page.startNew();
      page.setField('name', 'Thanks');
      page.setField('text', 'Thanks {{frist_name}}');
      expect(page.errors()).toEqual({});
      expect(page.save()).toEqual({ ok: false, fields: ['text'] });
      expect(page.errors().text?.problems?.[0]?.message).toMatch(/^line 1, column 8: unknown variable "frist_name"/);
      page.setField('text', 'Thanks {{first_name}}');
      expect(page.errors()).toEqual({});
      const id = page.editor()?.id ?? '';
      expect(page.save()).toEqual({ ok: true });
      expect(page.editor()).toBeNull();
      expect(stored(doc, id)).toMatchObject({ name: 'Thanks', text: 'Thanks {{first_name}}', order: 4 });
      expect(page.announcement()).toBe('Quick reply “Thanks” created.');
    });
  });

  it('a new entry starts in the category being shown', () => {
    withPage((page) => {
      page.setCategory('Billing');
      page.startNew();
      expect(page.editor()?.values.category).toBe('Billing');
    });
  });

  it('warns when someone else changes or deletes the entry being edited, and keeps its current place on save', () => {
    withPage((page, doc) => {
      page.startEdit(stored(doc, 'a') as QuickReply);
      expect(page.conflict()).toBeNull();
      doc.getMap('quickReplies').set('a', reply('a', 9, { category: 'Greetings', name: 'Changed elsewhere' }));
      expect(page.conflict()).toBe('changed');
      page.setField('text', 'Mine');
      expect(page.save()).toEqual({ ok: true });
      expect(stored(doc, 'a')).toMatchObject({ name: 'Reply a', text: 'Mine', order: 9 });

      page.startEdit(stored(doc, 'b') as QuickReply);
      doc.getMap('quickReplies').delete('b');
      expect(page.conflict()).toBe('deleted');
    });
  });

  it('deletes only after confirmation', () => {
    withPage((page, doc) => {
      page.askDelete(stored(doc, 'b') as QuickReply);
      page.cancelDelete();
      expect(stored(doc, 'b')).toBeDefined();
      page.askDelete(stored(doc, 'b') as QuickReply);
      page.confirmDelete();
      expect(stored(doc, 'b')).toBeUndefined();
      expect(page.announcement()).toBe('Quick reply “Reply b” deleted.');
    });
  });

  it('filters by category and moves within it, announcing the new position', () => {
    withPage((page) => {
      expect(page.categories()).toEqual(['Billing', 'Greetings']);
      page.setCategory('Greetings');
      expect(page.shown().map((e) => e.id)).toEqual(['a', 'c']);
      expect(page.move(page.shown()[1] as QuickReply, -1)).toBe(true);
      expect(page.shown().map((e) => e.id)).toEqual(['c', 'a']);
      expect(page.all().map((e) => e.id)).toEqual(['c', 'b', 'a']);
      expect(page.announcement()).toBe('“Reply c” moved to position 1 of 2.');
      page.setCategory('Nope');
      expect(page.category()).toBe('');
    });
  });

  it('exports under a file name per library and shows what an import did', () => {
    withPage((page) => {
      expect(page.exportFile().filename).toBe('quick-replies.json');
      const result = page.importText(JSON.stringify([{ name: 'New', shortcut: 'new', category: '', text: 'Hi' }]));
      expect(result).toEqual({ ok: true, added: 1, updated: 0 });
      expect(page.importResult()).toEqual(result);
      page.dismissImport();
      expect(page.importResult()).toBeNull();
    });
  });
});
