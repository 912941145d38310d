import { createMemo, createRoot, createSignal } from 'solid-js';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { QuickReply, UsageCount } from '../../shared/schema/settings.ts';
import type { DocHandle } from '../sync/SyncClient.ts';
import { createLibrary, type LibraryStore, MAX_IMPORT_CHARS } from './createLibrary.ts';

const reply = (id: string, order: number, over: Partial<QuickReply> = {}): QuickReply => ({
  id,
  name: `Reply ${id}`,
  shortcut: id,
  category: '',
  text: `Text of ${id}`,
  order,
  ...over,
});

/** A library over a plain Y.Doc (what the settings document holds), inside a Solid root. */
function withLibrary(test: (library: LibraryStore, doc: Y.Doc) => void, role: 'admin' | 'agent' = 'admin') {
  const doc = new Y.Doc();
  const handle = { doc: () => doc } as unknown as DocHandle;
  createRoot((dispose) => {
    test(createLibrary(handle, role), doc);
    dispose();
  });
}
const names = (library: LibraryStore) => library.quickReplies().map((r) => r.id);
const seed = (doc: Y.Doc, ...replies: QuickReply[]) => {
  for (const r of replies) doc.getMap('quickReplies').set(r.id, r);
};

describe('library store', () => {
  it('lists entries by order, then name, live as the document changes', () => {
    withLibrary((library, doc) => {
      seed(doc, reply('b', 2), reply('a', 1), reply('c', 2, { name: 'Aardvark' }));
      expect(names(library)).toEqual(['a', 'c', 'b']);
      doc.getMap('quickReplies').delete('c');
      expect(names(library)).toEqual(['a', 'b']);
    });
  });

  it('only admins and leads may edit', () => {
    withLibrary((library) => expect(library.canEdit).toBe(true), 'admin');
    withLibrary((library) => expect(library.canEdit).toBe(false), 'agent');
  });

  it('follows a role change at once: a demoted lead loses the edit controls without a reload', () => {
    const doc = new Y.Doc();
    const handle = { doc: () => doc } as unknown as DocHandle;
    createRoot((dispose) => {
      const [role, setRole] = createSignal<'lead' | 'agent'>('lead');
      const library = createLibrary(handle, role);
      const shown = createMemo(() => library.canEdit);
      expect(shown()).toBe(true);
      setRole('agent');
      expect(shown()).toBe(false);
      dispose();
    });
  });

  it('SET2: refuses to save an entry with a bad template, as the server would', () => {
    withLibrary((library, doc) => {
      const result = library.save('quickReplies', reply('a', 1, { text: 'Hi {{frist_name}}' }));
      expect(result).toEqual({ ok: false, message: expect.stringContaining('unknown variable "frist_name"') });
      expect(doc.getMap('quickReplies').size).toBe(0);
    });
  });

  it('moves an entry past its neighbour, and renumbers when orders tie', () => {
    withLibrary((library, doc) => {
      seed(doc, reply('a', 1), reply('b', 2), reply('c', 3));
      expect(library.move('quickReplies', 'c', -1)).toBe(true);
      expect(names(library)).toEqual(['a', 'c', 'b']);
      expect(library.move('quickReplies', 'a', -1)).toBe(false);

      seed(doc, reply('a', 5), reply('b', 5), reply('c', 5));
      expect(names(library)).toEqual(['a', 'b', 'c']);
      library.move('quickReplies', 'a', 1);
      expect(names(library)).toEqual(['b', 'a', 'c']);
      expect(library.quickReplies().map((r) => r.order)).toEqual([1, 2, 3]);
    });
  });

  it('moves within the entries shown (one category) past entries of other categories', () => {
    withLibrary((library, doc) => {
      seed(doc, reply('a', 1, { category: 'X' }), reply('b', 2, { category: 'Y' }), reply('c', 3, { category: 'X' }));
      expect(library.move('quickReplies', 'c', -1, ['a', 'c'])).toBe(true);
      expect(names(library)).toEqual(['c', 'b', 'a']);
      expect(library.move('quickReplies', 'c', -1, ['a', 'c'])).toBe(false);
    });
  });

  it('imports new and replacing entries in one transaction, and exports what it imported', () => {
    withLibrary((library, doc) => {
      seed(doc, reply('a', 1));
      let transactions = 0;
      doc.on('afterTransaction', () => transactions++);
      const result = library.importJson(
        'quickReplies',
        JSON.stringify([
          { id: 'a', name: 'Renamed', shortcut: 'a', category: '', text: 'New text', order: 1 },
          { name: 'Fresh', shortcut: 'fresh', category: 'New', text: 'Hello {{first_name|there}}' },
        ]),
      );
      expect(result).toEqual({ ok: true, added: 1, updated: 1 });
      expect(transactions).toBe(1);
      expect(library.quickReplies().map((r) => [r.name, r.order])).toEqual([
        ['Renamed', 1],
        ['Fresh', 2],
      ]);
      const exported = JSON.parse(library.exportJson('quickReplies')) as QuickReply[];
      expect(exported).toEqual(library.quickReplies());
    });
  });

  it('imports nothing when any entry is invalid, and reports every problem by entry', () => {
    withLibrary((library, doc) => {
      seed(doc, reply('a', 1, { shortcut: 'hi' }));
      const result = library.importJson(
        'quickReplies',
        JSON.stringify([
          { name: 'Good', shortcut: 'good', category: '', text: 'Fine' },
          { name: 'Broken', shortcut: 'Bad!', category: '', text: 'Hi {{first_name' },
          'not an entry',
          { id: 'x', name: 'Twice', shortcut: '', category: '', text: 'One' },
          { id: 'x', name: 'Twice again', shortcut: '', category: '', text: 'Two' },
          { name: 'Clash', shortcut: 'hi', category: '', text: 'Three' },
        ]),
      );
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.message).toBe('Nothing was imported: 4 entries have problems.');
      expect(result.problems.map((p) => [p.entry, p.label])).toEqual([
        [2, 'Broken'],
        [2, 'Broken'],
        [3, null],
        [5, 'Twice again'],
        [6, 'Clash'],
      ]);
      expect(result.problems[0]?.message).toMatch(/^shortcut: /);
      expect(result.problems[1]?.message).toBe('text: "{{" is never closed with "}}"');
      expect(result.problems[3]?.message).toBe('the same id as entry 4');
      expect(doc.getMap('quickReplies').size).toBe(1);
    });
  });

  it('refuses files that are not a JSON array of entries, or too large for one update', () => {
    withLibrary((library) => {
      expect(library.importJson('quickReplies', '{oops')).toMatchObject({ ok: false, message: 'The file is not valid JSON.' });
      expect(library.importJson('quickReplies', '{"a":1}')).toMatchObject({ ok: false, message: expect.stringContaining('JSON array') });
      expect(library.importJson('quickReplies', '[]')).toMatchObject({ ok: false, message: 'The file holds no entries.' });
      expect(library.importJson('quickReplies', ' '.repeat(MAX_IMPORT_CHARS + 1))).toMatchObject({ ok: false, message: expect.stringContaining('too large') });
    });
  });

  it('reads usage counts by kind and id (the server writes them, SET3)', () => {
    withLibrary((library, doc) => {
      const count: UsageCount = { total: 3, byAgent: { sam: 3 }, lastUsedAt: 10 };
      doc.getMap('usage').set('quickReplies:a', count);
      expect(library.usage('quickReplies', 'a')).toEqual(count);
      expect(library.usage('cannedResponses', 'a')).toBeUndefined();
    });
  });
});
