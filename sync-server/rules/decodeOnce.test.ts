import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyDecoded, decodeRecording } from './decodeOnce.ts';

/**
 * An update with the shapes clients send: entries, a nested map, text, and a delete. The client
 * id is fixed (a random one is written in 1 to 5 bytes), so two samples with notes of one length
 * have the same length and their values sit at the same positions.
 */
function sampleUpdates(note = 'see above', clientID = 1001): { base: Uint8Array; update: Uint8Array } {
  const client = new Y.Doc();
  client.clientID = clientID;
  client.getArray('messages').insert(0, [{ id: 'm0', kind: 'message', text: 'first', createdAt: 1 }]);
  const base = Y.encodeStateAsUpdate(client);
  const before = Y.encodeStateVector(client);
  client.transact(() => {
    const messages = client.getArray<unknown>('messages');
    messages.insert(1, [
      { id: 'm1', kind: 'message', author: { type: 'agent', id: 'a1' }, text: 'héllo 👋', createdAt: 2 },
      { id: 'm2', kind: 'note', mentions: [{ agentId: 'a2' }], text: note, createdAt: 3 },
    ]);
    messages.delete(0, 1);
    const state = client.getMap<unknown>('state');
    state.set('status', 'resolved');
    const nested = new Y.Map<unknown>();
    state.set('nested', nested);
    nested.set('n', [1, 2, { deep: true }]);
    client.getText('draft').insert(0, 'typed');
  });
  return { base, update: Y.encodeStateAsUpdate(client, before) };
}

describe('decoding a client update once', () => {
  it('applies to the same document as Y.applyUpdate does', () => {
    const { base, update } = sampleUpdates();
    const plain = new Y.Doc();
    const once = new Y.Doc();
    Y.applyUpdate(plain, base);
    Y.applyUpdate(once, base);
    Y.applyUpdate(plain, update);
    const { values } = decodeRecording(update);
    applyDecoded(once, update, null, values);
    expect(once.getArray('messages').toJSON()).toEqual(plain.getArray('messages').toJSON());
    expect(once.getMap('state').toJSON()).toEqual(plain.getMap('state').toJSON());
    expect(once.getText('draft').toString()).toBe('typed');
    expect(Y.encodeStateAsUpdate(once)).toEqual(Y.encodeStateAsUpdate(plain));
  });

  it('reuses the values validation decoded instead of reading them again', () => {
    const { base, update } = sampleUpdates();
    const doc = new Y.Doc();
    Y.applyUpdate(doc, base);
    const { decoded, values } = decodeRecording(update);
    expect(values.values.length).toBeGreaterThanOrEqual(3);
    applyDecoded(doc, update, null, values);
    // The very objects decoded for validation are the ones in the document now.
    const inUpdate = decoded.structs.flatMap((s) => (s instanceof Y.Item && s.content instanceof Y.ContentAny ? s.content.arr : []));
    const m1 = inUpdate.find((v) => (v as { id?: string }).id === 'm1');
    expect(m1).toBeDefined();
    expect(doc.getArray('messages').toArray()).toContain(m1);
  });

  it('reads a different update itself, even where positions coincide', () => {
    const { base, update } = sampleUpdates();
    // Same shape and byte length, other client and other text: its values sit at the same positions.
    const other = sampleUpdates('see below', 2002).update;
    expect(other.length).toBe(update.length);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, base);
    const { values } = decodeRecording(other);
    applyDecoded(doc, update, null, values);
    const plain = new Y.Doc();
    Y.applyUpdate(plain, base);
    Y.applyUpdate(plain, update);
    expect(Y.encodeStateAsUpdate(doc)).toEqual(Y.encodeStateAsUpdate(plain));
    expect(JSON.stringify(doc.getArray('messages').toJSON())).toContain('see above');
  });
});
