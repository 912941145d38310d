import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { MessageEntry } from '../../shared/schema/message.ts';
import { unstoredEntryIds } from './unstoredEntries.ts';

const entry = (id: string): MessageEntry => ({ id, kind: 'message', author: { type: 'agent', id: 'a1' }, text: id, createdAt: 1 });

describe('unstoredEntryIds', () => {
  it('lists the entries past what the server is known to have, value by value, and none of the other roots', () => {
    const doc = new Y.Doc();
    const messages = doc.getArray<MessageEntry>('messages');
    messages.insert(0, [entry('m1'), entry('m2')]); // one item, clocks 0 and 1
    doc.getMap('state').set('status', 'resolved'); // clock 2, not an entry
    messages.insert(2, [entry('m3')]); // clock 3
    const me = doc.clientID;
    expect(unstoredEntryIds(doc, new Map())).toEqual(new Set(['m1', 'm2', 'm3']));
    expect(unstoredEntryIds(doc, new Map([[me, 1]]))).toEqual(new Set(['m2', 'm3'])); // inside the first item
    expect(unstoredEntryIds(doc, new Map([[me, 3]]))).toEqual(new Set(['m3']));
    expect(unstoredEntryIds(doc, new Map([[me, 4]]))).toEqual(new Set());
  });

  it('looks at every client of the document (an earlier session of this device has its own)', () => {
    const doc = new Y.Doc();
    const earlier = new Y.Doc();
    earlier.getArray<MessageEntry>('messages').insert(0, [entry('old')]);
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(earlier));
    doc.getArray<MessageEntry>('messages').push([entry('new')]);
    expect(unstoredEntryIds(doc, new Map([[doc.clientID, 1]]))).toEqual(new Set(['old']));
    expect(unstoredEntryIds(doc, new Map([[earlier.clientID, 1]]))).toEqual(new Set(['new']));
  });
});
