import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { parseDocName } from '../../shared/ids.ts';
import type { MessageEntry } from '../../shared/schema/message.ts';
import { principal } from '../../tests/helpers/docHarness.ts';
import type { ClientIdLookup } from './ClientIdRegistry.ts';
import { validateUpdate, type Validation } from './validateUpdate.ts';

const dana = principal();
const noBindings: ClientIdLookup = { ownerOf: () => undefined };

function check(doc: Y.Doc, name: string, update: Uint8Array, clientIds = noBindings): Validation {
  const ref = parseDocName(name);
  if (!ref) throw new Error(name);
  return validateUpdate({ doc, name, ref, principal: dana, clientIds }, update);
}

const entry = (id: string, authorId = dana.agentId): MessageEntry => ({
  id,
  kind: 'message',
  author: { type: 'agent', id: authorId },
  text: `text of ${id}`,
  createdAt: 1,
});

interface CraftedItem {
  client: number;
  clock: number;
  origin?: Y.ID;
  rightOrigin?: Y.ID;
  /** Root name, or the id of a parent item. */
  parent?: string | Y.ID;
  parentSub?: string;
  content: Y.ContentAny | Y.ContentString | Y.ContentType | Y.ContentDeleted;
}

/**
 * Encodes structs by hand (v1 update format), to send what no honest Yjs client would: one
 * client section per item, in the given order, and an empty delete set.
 */
function craft(items: CraftedItem[], extra?: (enc: Y.UpdateEncoderV1) => void): Uint8Array {
  const enc = new Y.UpdateEncoderV1();
  encoding.writeVarUint(enc.restEncoder, items.length + (extra ? 1 : 0));
  for (const it of items) {
    encoding.writeVarUint(enc.restEncoder, 1);
    enc.writeClient(it.client);
    encoding.writeVarUint(enc.restEncoder, it.clock);
    const item = new Y.Item(
      Y.createID(it.client, it.clock),
      null,
      it.origin ?? null,
      null,
      it.rightOrigin ?? null,
      (it.parent ?? null) as never,
      it.parentSub ?? null,
      it.content,
    );
    item.write(enc, 0);
  }
  extra?.(enc);
  encoding.writeVarUint(enc.restEncoder, 0); // no deletes
  return enc.toUint8Array();
}

/** A conversation the server holds: two messages and a state, written by the server. */
function serverConversation(): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = 1;
  doc.getArray('messages').insert(0, [entry('m1'), entry('m2')]);
  doc.getMap('state').set('status', 'open');
  doc.getMap('receipts').set('m1', { status: 'sent', at: 1 });
  return doc;
}

const lastItem = (doc: Y.Doc, client: number) => {
  const structs = doc.store.clients.get(client)!;
  return structs[structs.length - 1] as Y.Item;
};

describe('validateUpdate', () => {
  it('passes the empty update of a state-vector exchange without decoding anything', () => {
    expect(check(new Y.Doc(), 'ws/index', new Uint8Array([0, 0]))).toEqual({ ok: true, changes: false, newClientIds: [], added: new Map(), stored: new Map(), decoded: null });
  });

  it('passes an update that holds only what the server already has', () => {
    const server = serverConversation();
    expect(check(server, 'ws/index', Y.encodeStateAsUpdate(server))).toMatchObject({ ok: true, changes: false });
  });

  it('refuses bytes that are not an update as malformed-update', () => {
    expect(check(new Y.Doc(), 'ws/conv/c1', new Uint8Array([5, 200, 1]))).toMatchObject({ ok: false, reason: 'malformed-update' });
  });

  it('reports the clientIDs writing for the first time and the values added per root', () => {
    const server = serverConversation();
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
    const sv = Y.encodeStateVector(client);
    client.getArray('messages').insert(2, [entry('m3')]);
    client.getMap('state').set('status', 'resolved');
    const result = check(server, 'ws/conv/c1', Y.encodeStateAsUpdate(client, sv));
    expect(result).toEqual({
      ok: true,
      changes: true,
      newClientIds: [client.clientID],
      added: new Map<string, unknown[]>([
        ['messages', [entry('m3')]],
        ['state', ['resolved']],
      ]),
      // Where the update's client ends: what the sender is told is stored once it is durable.
      stored: new Map([[client.clientID, 2]]),
      // The entry and the status value, decoded once, for the apply to reuse (decodeOnce.ts).
      decoded: expect.objectContaining({ values: [entry('m3'), 'resolved'] }),
    });
  });

  it('CONV3: finds the root of an item that names no parent from its origin in the server store', () => {
    const server = serverConversation();
    const receipt = lastItem(server, 1); // receipts.m1
    const update = craft([{ client: 9, clock: 0, origin: receipt.id, content: new Y.ContentAny([{ status: 'read', at: 2 }]) }]);
    expect(check(server, 'ws/conv/c1', update)).toMatchObject({ ok: false, reason: 'read-only', rule: 'CONV3' });
  });

  it('refuses an item whose origin and right origin sit in different parents', () => {
    const server = serverConversation();
    const status = lastItem(server, 1 /* receipts */);
    const firstMessage = server.store.clients.get(1)![0] as Y.Item;
    const update = craft([
      { client: 9, clock: 0, origin: status.id, rightOrigin: firstMessage.id, content: new Y.ContentAny([entry('m9')]) },
    ]);
    expect(check(server, 'ws/conv/c1', update)).toMatchObject({ ok: false, reason: 'malformed-update' });
  });

  it('refuses items of one update that name each other as origin (a cycle)', () => {
    const server = serverConversation();
    const update = craft([
      { client: 9, clock: 0, origin: Y.createID(10, 0), content: new Y.ContentAny([entry('a')]) },
      { client: 10, clock: 0, origin: Y.createID(9, 0), content: new Y.ContentAny([entry('b')]) },
    ]);
    expect(check(server, 'ws/conv/c1', update)).toMatchObject({ ok: false, reason: 'malformed-update' });
  });

  it('follows long chains of new items through the update without recursion', () => {
    const server = serverConversation();
    const items: CraftedItem[] = [];
    // 20,000 items of 20,000 clients, each to the right of the previous one: the last one's
    // parent is only known by walking the whole chain back to a root.
    for (let i = 0; i < 20_000; i++) {
      items.push({
        client: 100 + i,
        clock: 0,
        ...(i === 0 ? { parent: 'messages' } : { origin: Y.createID(100 + i - 1, 0) }),
        content: new Y.ContentAny([entry(`c${i}`)]),
      });
    }
    items.reverse();
    const result = check(server, 'ws/conv/c1', craft(items));
    expect(result.ok).toBe(true);
  });

  it('CONV7: refuses writing into a parent item that is not a shared type', () => {
    const server = serverConversation();
    const firstMessage = server.store.clients.get(1)![0] as Y.Item;
    const update = craft([{ client: 9, clock: 0, parent: firstMessage.id, content: new Y.ContentAny([entry('m9')]) }]);
    expect(check(server, 'ws/conv/c1', update)).toMatchObject({ ok: false, reason: 'malformed-update' });
  });

  it('CONV2: checks the new part of a struct the server partly has where Yjs puts it, whatever parent it claims', () => {
    const server = serverConversation();
    const client = new Y.Doc();
    client.clientID = 9;
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
    client.getArray('messages').insert(2, [entry('m3')]);
    Y.applyUpdate(server, Y.encodeStateAsUpdate(client, Y.encodeStateVector(server)));
    // Clock 0 is known (m3). Resend it with a second value and a different claimed parent.
    const bad = craft([{ client: 9, clock: 0, parent: 'state', parentSub: 'status', content: new Y.ContentAny([entry('m3'), entry('m4', 'agent2')]) }]);
    expect(check(server, 'ws/conv/c1', bad)).toMatchObject({ ok: false, reason: 'wrong-author', rule: 'CONV2' });
    const good = craft([{ client: 9, clock: 0, parent: 'state', parentSub: 'status', content: new Y.ContentAny([entry('m3'), entry('m4')]) }]);
    const result = check(server, 'ws/conv/c1', good);
    expect(result).toMatchObject({ ok: true, changes: true });
    expect(result.ok && result.added.get('messages')).toEqual([entry('m4')]);
  });

  it('CID2: refuses structs that follow a skipped range', () => {
    const server = serverConversation();
    const enc = (skip: boolean) => {
      const e = new Y.UpdateEncoderV1();
      encoding.writeVarUint(e.restEncoder, 1);
      encoding.writeVarUint(e.restEncoder, skip ? 2 : 1);
      e.writeClient(9);
      encoding.writeVarUint(e.restEncoder, 0);
      if (skip) {
        e.writeInfo(10); // Skip
        encoding.writeVarUint(e.restEncoder, 3);
      }
      new Y.Item(Y.createID(9, skip ? 3 : 0), null, null, null, null, 'messages' as never, null, new Y.ContentAny([entry('m9')])).write(e, 0);
      encoding.writeVarUint(e.restEncoder, 0);
      return e.toUint8Array();
    };
    expect(check(server, 'ws/conv/c1', enc(false))).toMatchObject({ ok: true });
    expect(check(server, 'ws/conv/c1', enc(true))).toMatchObject({ ok: false, reason: 'missing-dependency', rule: 'CID2' });
  });

  it('refuses garbage-collected structs the schema never produces', () => {
    const server = serverConversation();
    const e = new Y.UpdateEncoderV1();
    encoding.writeVarUint(e.restEncoder, 1);
    encoding.writeVarUint(e.restEncoder, 1);
    e.writeClient(9);
    encoding.writeVarUint(e.restEncoder, 0);
    e.writeInfo(0); // GC
    e.writeLen(4);
    encoding.writeVarUint(e.restEncoder, 0);
    expect(check(server, 'ws/conv/c1', e.toUint8Array())).toMatchObject({ ok: false, reason: 'unexpected-type' });
  });

  it('refuses an update that lists the same client twice', () => {
    const server = serverConversation();
    const update = craft([
      { client: 9, clock: 0, parent: 'messages', content: new Y.ContentAny([entry('a')]) },
      { client: 9, clock: 1, parent: 'messages', content: new Y.ContentAny([entry('b')]) },
    ]);
    expect(check(server, 'ws/conv/c1', update)).toMatchObject({ ok: false, reason: 'malformed-update' });
  });

  it('CID1: refuses new structs of a clientID bound to someone else, but not known ones resent', () => {
    const server = serverConversation();
    const boundToLee: ClientIdLookup = { ownerOf: (_doc, id) => (id === 9 || id === 1 ? 'agent2' : undefined) };
    const update = craft([{ client: 9, clock: 0, parent: 'messages', content: new Y.ContentAny([entry('a')]) }]);
    expect(check(server, 'ws/conv/c1', update, boundToLee)).toMatchObject({ ok: false, reason: 'client-id-taken', rule: 'CID1' });
    // Client 1's structs are all known: resending them is harmless.
    expect(check(server, 'ws/conv/c1', Y.encodeStateAsUpdate(server), boundToLee)).toMatchObject({ ok: true, changes: false });
  });

  it('accepts a full step 2 that repeats deletes the server already applied (map overwrites)', () => {
    const server = serverConversation();
    server.getMap('receipts').set('m1', { status: 'delivered', at: 2 }); // deletes the old receipt
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
    client.getMap('state').set('status', 'resolved');
    // Step 2 carries the client's whole delete set, the receipt overwrite included.
    const step2 = Y.encodeStateAsUpdate(client, Y.encodeStateVector(server));
    expect(Y.decodeUpdate(step2).ds.clients.size).toBeGreaterThan(0);
    expect(check(server, 'ws/conv/c1', step2)).toMatchObject({ ok: true, changes: true });
  });

  it('validates a one-message append on a 10,000-message document in O(update), not O(document)', () => {
    const server = new Y.Doc();
    const messages = server.getArray<MessageEntry>('messages');
    for (let i = 0; i < 10_000; i++) messages.insert(messages.length, [entry(`m${i}`)]);
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
    const updates: Uint8Array[] = [];
    client.on('update', (u: Uint8Array) => updates.push(u));
    const arr = client.getArray('messages');
    for (let i = 0; i < 200; i++) arr.insert(arr.length, [entry(`n${i}`)]);
    const started = performance.now();
    for (const u of updates) {
      const result = check(server, 'ws/conv/c1', u);
      expect(result.ok).toBe(true);
      Y.applyUpdate(server, u);
    }
    const perUpdateMs = (performance.now() - started) / updates.length;
    // Generous bound (cold JIT, busy CI): the point is "not proportional to 10,000".
    expect(perUpdateMs).toBeLessThan(2);
  });
});

describe('sync frames', () => {
  it('encodes a sync frame exactly as y-protocols does, for short and long payloads', async () => {
    const { syncFrame } = await import('../transport/frames.ts');
    const syncProtocol = await import('y-protocols/sync');
    for (const size of [0, 1, 127, 128, 300, 16_384, 2_100_000]) {
      const payload = new Uint8Array(size).map((_, i) => i % 251);
      const enc = encoding.createEncoder();
      encoding.writeVarUint(enc, 0);
      syncProtocol.writeUpdate(enc, payload);
      expect(Buffer.compare(Buffer.from(syncFrame(2, payload)), Buffer.from(encoding.toUint8Array(enc)))).toBe(0);
    }
  });
});
