import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { RejectReason } from '../../shared/protocol/rejectReasons.ts';
import { MAX_DRAFT_LENGTH } from '../../shared/schema/agentDoc.ts';
import type { MessageEntry } from '../../shared/schema/message.ts';
import { ClientCopy, createDocHarness, principal, snapshotOf } from '../../tests/helpers/docHarness.ts';
import type { Principal } from '../auth/Principal.ts';
import type { LiveDoc } from '../docs/DocRegistry.ts';

const CONV = 'ws/conv/c1';
const AGENT = 'ws/agent/agent1';
const SETTINGS = 'ws/settings';
const INDEX = 'ws/index';

const dana = principal();
const lee = principal({ agentId: 'agent2', name: 'Lee Chen', role: 'lead', sessionId: 's-agent2' });
const admin = principal({ agentId: 'agent3', name: 'Ada Admin', role: 'admin', sessionId: 's-agent3' });

const entry = (over: Partial<MessageEntry> = {}): MessageEntry => ({
  id: `m${Math.random().toString(36).slice(2, 10)}`,
  kind: 'message',
  author: { type: 'agent', id: dana.agentId },
  text: 'Hello there',
  createdAt: 1_700_000_000_000,
  ...over,
});

describe('document write rules', () => {
  let h: ReturnType<typeof createDocHarness>;

  beforeEach(async () => {
    h = createDocHarness();
    await h.registry.change(CONV, 'test-seed', (doc) => {
      doc.getMap('meta').set('channel', 'email');
      doc.getMap('meta').set('assigneeId', null);
      doc.getMap('receipts').set('m-first', { status: 'sent', at: 1 });
      doc.getMap('receipts').set('m-first', { status: 'delivered', at: 2 });
      const messages = doc.getArray<MessageEntry>('messages');
      messages.insert(0, [
        { id: 'm-contact', kind: 'message', author: { type: 'contact', id: 'k1' }, text: 'Hi', createdAt: 1 },
        { id: 'm-first', kind: 'message', author: { type: 'agent', id: dana.agentId }, text: 'Hello', createdAt: 2 },
      ]);
      doc.getMap('state').set('status', 'open');
    });
    await h.registry.change(INDEX, 'test-seed', (doc) => {
      doc.getMap('conversations').set('c1', { id: 'c1', status: 'open' });
    });
    await h.registry.change(SETTINGS, 'test-seed', (doc) => {
      doc.getMap('workspace').set('name', 'Acme Support');
    });
    await h.registry.change(AGENT, 'test-seed', (doc) => {
      doc.getMap('prefs').set('sound', true);
    });
  });

  afterEach(async () => {
    await h.close();
  });

  /** Applies `update` as `who`, expects the refusal, and that document and store are unchanged. */
  async function expectRefused(live: LiveDoc, update: Uint8Array, who: Principal, reason: RejectReason, rule: string) {
    await h.registry.flush();
    const before = await snapshotOf(h.store, live);
    const result = h.registry.applyClientUpdate(live, update, h.origin(who));
    expect(result).toMatchObject({ ok: false, reason, rule });
    await h.registry.flush();
    expect(await snapshotOf(h.store, live)).toEqual(before);
    return result;
  }

  async function expectAccepted(live: LiveDoc, update: Uint8Array, who: Principal) {
    const before = (await h.store.load(live.name)).updates.length;
    const result = h.registry.applyClientUpdate(live, update, h.origin(who));
    expect(result).toMatchObject({ ok: true, changes: true });
    await h.registry.flush();
    expect((await h.store.load(live.name)).updates.length).toBe(before + 1);
    return result;
  }

  describe('workspace index', () => {
    it('IDX1: refuses any client write to the index, even an admin\'s, and leaves the doc unchanged', async () => {
      const live = await h.open(INDEX);
      for (const who of [dana, admin]) {
        const copy = new ClientCopy(live.doc);
        const update = copy.edit((doc) => doc.getMap('conversations').set('c2', { id: 'c2' }));
        await expectRefused(live, update, who, 'read-only', 'IDX1');
      }
    });

    it('IDX1: refuses overwriting a summary, where the parent is only implied by the previous value', async () => {
      const live = await h.open(INDEX);
      const copy = new ClientCopy(live.doc);
      const update = copy.edit((doc) => doc.getMap('conversations').set('c1', { id: 'c1', status: 'resolved' }));
      // The new item names no parent: it is found from its origin, the old value of c1.
      expect((Y.decodeUpdate(update).structs[0] as Y.Item).parent).toBeNull();
      await expectRefused(live, update, dana, 'read-only', 'IDX1');
    });

    it('CON1: refuses a client writing a contact profile into the index, even a lead, and leaves the doc unchanged', async () => {
      const live = await h.open(INDEX);
      for (const who of [dana, lee]) {
        const update = new ClientCopy(live.doc).edit((doc) => doc.getMap('contacts').set('k1', { id: 'k1', name: 'Forged', attributes: {} }));
        await expectRefused(live, update, who, 'read-only', 'IDX1');
      }
    });

    it('IDX1: lets a client sync the index when it has nothing new (empty step 2)', async () => {
      const live = await h.open(INDEX);
      const copy = new ClientCopy(live.doc);
      const step2 = Y.encodeStateAsUpdate(copy.doc, Y.encodeStateVector(live.doc));
      expect(h.registry.applyClientUpdate(live, step2, h.origin(dana))).toMatchObject({ ok: true, changes: false });
    });
  });

  describe('workspace settings', () => {
    it('SET1: refuses a settings change by an agent and leaves the doc unchanged', async () => {
      const live = await h.open(SETTINGS);
      const update = new ClientCopy(live.doc).edit((doc) => doc.getMap('workspace').set('name', 'Hacked'));
      await expectRefused(live, update, dana, 'not-allowed', 'SET1');
    });

    it('SET1: accepts plain values from admins and leads', async () => {
      const live = await h.open(SETTINGS);
      await expectAccepted(live, new ClientCopy(live.doc).edit((doc) => doc.getMap('workspace').set('name', 'Acme')), admin);
      await expectAccepted(live, new ClientCopy(live.doc).edit((doc) => doc.getMap('workspace').set('hours', { from: 9, to: 17 })), lee);
      expect(live.doc.getMap('workspace').toJSON()).toEqual({ name: 'Acme', hours: { from: 9, to: 17 } });
    });

    it('SET1: refuses an unknown root, a nested type and binary values even from an admin', async () => {
      const live = await h.open(SETTINGS);
      await expectRefused(live, new ClientCopy(live.doc).edit((doc) => doc.getMap('other').set('x', 1)), admin, 'unexpected-type', 'SET1');
      await expectRefused(live, new ClientCopy(live.doc).edit((doc) => doc.getMap('workspace').set('x', new Y.Map())), admin, 'unexpected-type', 'SET1');
      await expectRefused(live, new ClientCopy(live.doc).edit((doc) => doc.getMap('workspace').set('x', new Uint8Array([1]))), admin, 'unexpected-type', 'SET1');
      await expectRefused(live, new ClientCopy(live.doc).edit((doc) => doc.getArray('workspace').insert(0, [1])), admin, 'unexpected-type', 'SET1');
    });
  });

  describe('conversation', () => {
    it('CONV1: refuses deleting a sent message and leaves the doc unchanged', async () => {
      const live = await h.open(CONV);
      const update = new ClientCopy(live.doc).edit((doc) => doc.getArray('messages').delete(1, 1));
      await expectRefused(live, update, dana, 'append-only', 'CONV1');
    });

    it('CONV1: refuses editing a sent message (delete + insert) and leaves the doc unchanged', async () => {
      const live = await h.open(CONV);
      const update = new ClientCopy(live.doc).edit((doc) => {
        const messages = doc.getArray<MessageEntry>('messages');
        const old = messages.get(1);
        messages.delete(1, 1);
        messages.insert(1, [{ ...old, text: 'Edited' }]);
      });
      await expectRefused(live, update, dana, 'append-only', 'CONV1');
    });

    it('CONV1: refuses a message inserted and deleted within one update', async () => {
      const live = await h.open(CONV);
      const update = new ClientCopy(live.doc).edit((doc) => {
        const messages = doc.getArray<MessageEntry>('messages');
        messages.insert(messages.length, [entry()]);
        messages.delete(messages.length - 1, 1);
      });
      await expectRefused(live, update, dana, 'append-only', 'CONV1');
    });

    it('CONV2: refuses a message authored by another agent or by the contact', async () => {
      const live = await h.open(CONV);
      for (const author of [{ type: 'agent', id: lee.agentId }, { type: 'contact', id: 'k1' }] as const) {
        const update = new ClientCopy(live.doc).edit((doc) => doc.getArray('messages').insert(2, [entry({ author })]));
        await expectRefused(live, update, dana, 'wrong-author', 'CONV2');
      }
    });

    it('CONV2: refuses a foreign message even when it is inserted at the front (parent implied by its right neighbour)', async () => {
      const live = await h.open(CONV);
      const update = new ClientCopy(live.doc).edit((doc) =>
        doc.getArray('messages').insert(0, [entry({ author: { type: 'agent', id: lee.agentId } })]),
      );
      const item = Y.decodeUpdate(update).structs[0] as Y.Item;
      expect(item.parent).toBeNull();
      expect(item.rightOrigin).not.toBeNull();
      await expectRefused(live, update, dana, 'wrong-author', 'CONV2');
    });

    it('CONV2, CONV7: accepts the agent\'s own message and note and reports them as added', async () => {
      const live = await h.open(CONV);
      const message = entry();
      const note = entry({ kind: 'note', text: 'internal' });
      const update = new ClientCopy(live.doc).edit((doc) => {
        const messages = doc.getArray('messages');
        messages.insert(messages.length, [message]);
        messages.insert(messages.length, [note]);
      });
      const result = await expectAccepted(live, update, dana);
      expect(result.ok && result.added.get('messages')).toEqual([message, note]);
    });

    it('CONV3: refuses a client write to receipts and leaves the doc unchanged', async () => {
      const live = await h.open(CONV);
      await expectRefused(live, new ClientCopy(live.doc).edit((doc) => doc.getMap('receipts').set('m-first', { status: 'read', at: 3 })), dana, 'read-only', 'CONV3');
      await expectRefused(live, new ClientCopy(live.doc).edit((doc) => doc.getMap('receipts').delete('m-first')), dana, 'read-only', 'CONV3');
    });

    it('CONV5: refuses a client write to meta (e.g. reassigning) and leaves the doc unchanged', async () => {
      const live = await h.open(CONV);
      await expectRefused(live, new ClientCopy(live.doc).edit((doc) => doc.getMap('meta').set('assigneeId', dana.agentId)), dana, 'read-only', 'CONV5');
    });

    it('CONV6: accepts status open/resolved (overwriting the previous value) and refuses other values and keys', async () => {
      const live = await h.open(CONV);
      const result = await expectAccepted(live, new ClientCopy(live.doc).edit((doc) => doc.getMap('state').set('status', 'resolved')), dana);
      expect(result.ok && result.added.get('state')).toEqual(['resolved']);
      await expectAccepted(live, new ClientCopy(live.doc).edit((doc) => doc.getMap('state').set('status', 'open')), dana);
      await expectRefused(live, new ClientCopy(live.doc).edit((doc) => doc.getMap('state').set('status', 'closed')), dana, 'invalid-value', 'CONV6');
      await expectRefused(live, new ClientCopy(live.doc).edit((doc) => doc.getMap('state').set('priority', 'high')), dana, 'read-only', 'CONV6');
      await expectRefused(live, new ClientCopy(live.doc).edit((doc) => doc.getMap('state').set('status', new Y.Map())), dana, 'unexpected-type', 'CONV6');
    });

    it('CONV7: refuses entries that do not match the message schema', async () => {
      const live = await h.open(CONV);
      const bad: unknown[] = [
        { ...entry(), text: '' },
        { ...entry(), text: 'x'.repeat(20_001) },
        { ...entry(), kind: 'event', event: 'resolved' },
        { ...entry(), extra: true },
        { ...entry(), id: 'not an id!' },
        'just a string',
      ];
      for (const value of bad) {
        const update = new ClientCopy(live.doc).edit((doc) => doc.getArray('messages').insert(2, [value]));
        await expectRefused(live, update, dana, 'invalid-value', 'CONV7');
      }
    });

    it('MAIL5, CONV7: accepts an HTML alternative on an agent message; refuses it on a note and refuses server-only email fields', async () => {
      const live = await h.open(CONV);
      const rich = entry({ email: { html: '<p>Hi <strong>Ana</strong></p>' } });
      const result = await expectAccepted(live, new ClientCopy(live.doc).edit((doc) => doc.getArray('messages').insert(2, [rich])), dana);
      expect(result.ok && result.added.get('messages')).toEqual([rich]);
      const bad: unknown[] = [
        entry({ kind: 'note', email: { html: '<p>x</p>' } }),
        entry({ email: { html: '<p>x</p>', subject: 'Forged subject' } }),
        entry({ email: { html: '' } }),
        entry({ email: { automated: 'loop' } as never }),
        entry({ email: { html: 'x'.repeat(100_001) } }),
      ];
      for (const value of bad) {
        await expectRefused(live, new ClientCopy(live.doc).edit((doc) => doc.getArray('messages').insert(3, [value])), dana, 'invalid-value', 'CONV7');
      }
    });

    it('CONV7: refuses a nested shared type in messages and an unknown root', async () => {
      const live = await h.open(CONV);
      await expectRefused(live, new ClientCopy(live.doc).edit((doc) => doc.getArray('messages').insert(2, [new Y.Map()])), dana, 'unexpected-type', 'CONV7');
      await expectRefused(live, new ClientCopy(live.doc).edit((doc) => doc.getArray('notes').insert(0, [entry()])), dana, 'unexpected-type', 'CONV7');
      await expectRefused(live, new ClientCopy(live.doc).edit((doc) => doc.getMap('messages').set('k', entry())), dana, 'unexpected-type', 'CONV7');
    });

    it('CONV7: refuses writing inside a nested type that the update itself creates', async () => {
      const live = await h.open(CONV);
      const update = new ClientCopy(live.doc).edit((doc) => {
        const nested = new Y.Array();
        doc.getArray('messages').insert(2, [nested]);
        nested.insert(0, [entry()]);
      });
      await expectRefused(live, update, dana, 'unexpected-type', 'CONV7');
    });
  });

  describe('agent document', () => {
    it('AGT1: accepts draft text, read marks, scroll positions and prefs', async () => {
      const live = await h.open(AGENT);
      await expectAccepted(
        live,
        new ClientCopy(live.doc).edit((doc) => {
          doc.getText('draft:c1').insert(0, 'Hello');
          doc.getMap('read').set('c1', 3);
          doc.getMap('scroll').set('c1', { anchor: 'm1', offset: 12.5 });
          doc.getMap('prefs').set('theme', 'dark');
        }),
        dana,
      );
      const copy = new ClientCopy(live.doc);
      await expectAccepted(live, copy.edit((doc) => doc.getText('draft:c1').delete(0, 2)), dana);
      expect(live.doc.getText('draft:c1').toString()).toBe('llo');
    });

    it('AGT1: accepts a draft’s rich flag and library uses, refuses a malformed one and stores nothing', async () => {
      const live = await h.open(AGENT);
      await expectAccepted(
        live,
        new ClientCopy(live.doc).edit((doc) => doc.getMap('draftMeta').set('c1', { rich: true, uses: [{ kind: 'cannedResponses', id: 'cr1' }] })),
        dana,
      );
      await expectRefused(live, new ClientCopy(live.doc).edit((doc) => doc.getMap('draftMeta').set('c2', { rich: true, uses: [{ kind: 'other', id: 'x' }] })), dana, 'invalid-value', 'AGT1');
      await expectRefused(live, new ClientCopy(live.doc).edit((doc) => doc.getMap('draftMeta').set('not an id', { rich: false, uses: [] })), dana, 'invalid-value', 'AGT1');
      expect(live.doc.getMap('draftMeta').toJSON()).toEqual({ c1: { rich: true, uses: [{ kind: 'cannedResponses', id: 'cr1' }] } });
    });

    it('AGT1: refuses unknown roots and a draft that is not plain text', async () => {
      const live = await h.open(AGENT);
      await expectRefused(live, new ClientCopy(live.doc).edit((doc) => doc.getMap('secrets').set('a', 1)), dana, 'unexpected-type', 'AGT1');
      await expectRefused(live, new ClientCopy(live.doc).edit((doc) => doc.getText('draft:not an id').insert(0, 'x')), dana, 'unexpected-type', 'AGT1');
      await expectRefused(live, new ClientCopy(live.doc).edit((doc) => doc.getMap('draft:c1').set('x', 'y')), dana, 'unexpected-type', 'AGT1');
      await expectRefused(live, new ClientCopy(live.doc).edit((doc) => doc.getText('draft:c1').insertEmbed(0, { image: 'x' })), dana, 'unexpected-type', 'AGT1');
      await expectRefused(live, new ClientCopy(live.doc).edit((doc) => doc.getText('draft:c1').insert(0, 'x', { bold: true })), dana, 'unexpected-type', 'AGT1');
    });

    it('AGT1: refuses values that do not fit read, scroll and prefs', async () => {
      const live = await h.open(AGENT);
      const cases: Array<(doc: Y.Doc) => void> = [
        (doc) => doc.getMap('read').set('c1', -1),
        (doc) => doc.getMap('read').set('c1', 1.5),
        (doc) => doc.getMap('read').set('not an id', 1),
        (doc) => doc.getMap('scroll').set('c1', { anchor: 5, offset: 0 }),
        (doc) => doc.getMap('prefs').set('x', undefined),
      ];
      for (const edit of cases) await expectRefused(live, new ClientCopy(live.doc).edit(edit), dana, 'invalid-value', 'AGT1');
      await expectRefused(live, new ClientCopy(live.doc).edit((doc) => doc.getMap('prefs').set('x', new Uint8Array(2))), dana, 'unexpected-type', 'AGT1');
    });

    it('AGT1: refuses a draft longer than MAX_DRAFT_LENGTH, counting what is already there', async () => {
      const live = await h.open(AGENT);
      await expectAccepted(live, new ClientCopy(live.doc).edit((doc) => doc.getText('draft:c1').insert(0, 'x'.repeat(MAX_DRAFT_LENGTH - 5))), dana);
      await expectRefused(live, new ClientCopy(live.doc).edit((doc) => doc.getText('draft:c1').insert(0, 'y'.repeat(10))), dana, 'invalid-value', 'AGT1');
      // Replacing text keeps within the limit.
      await expectAccepted(
        live,
        new ClientCopy(live.doc).edit((doc) => {
          doc.getText('draft:c1').delete(0, 10);
          doc.getText('draft:c1').insert(0, 'y'.repeat(10));
        }),
        dana,
      );
    });
  });

  describe('client ids', () => {
    it('CID1: refuses structs from a clientID bound to another agent and leaves the doc unchanged', async () => {
      const live = await h.open(CONV);
      await expectAccepted(live, new ClientCopy(live.doc, 4242).edit((doc) => doc.getArray('messages').insert(2, [entry()])), dana);
      const lees = new ClientCopy(live.doc, 4242);
      const update = lees.edit((doc) => doc.getArray('messages').insert(3, [entry({ author: { type: 'agent', id: lee.agentId } })]));
      await expectRefused(live, update, lee, 'client-id-taken', 'CID1');
    });

    it('CID1: keeps the binding across a restart (persisted)', async () => {
      const live = await h.open(CONV);
      await expectAccepted(live, new ClientCopy(live.doc, 777).edit((doc) => doc.getArray('messages').insert(2, [entry()])), dana);
      h.clientIds.forget(CONV);
      expect(h.clientIds.ownerOf(CONV, 777)).toBe(dana.agentId);
    });

    it("CID1: refuses a client writing with the server's clientID", async () => {
      const live = await h.open(CONV);
      const update = new ClientCopy(live.doc, live.doc.clientID).edit((doc) => doc.getMap('state').set('status', 'resolved'));
      await expectRefused(live, update, dana, 'client-id-taken', 'CID1');
    });

    it('CID2: refuses an update with a clock gap (after a refusal) and leaves the doc unchanged', async () => {
      const live = await h.open(CONV);
      const copy = new ClientCopy(live.doc);
      const refused = copy.edit((doc) => doc.getArray('messages').insert(2, [entry({ text: '' })]));
      await expectRefused(live, refused, dana, 'invalid-value', 'CONV7');
      const next = copy.edit((doc) => doc.getArray('messages').insert(0, [entry()]));
      await expectRefused(live, next, dana, 'missing-dependency', 'CID2');
    });

    it('CID2: refuses an item whose neighbour the server does not have', async () => {
      const live = await h.open(CONV);
      const other = new ClientCopy(live.doc);
      other.edit((doc) => doc.getArray('messages').insert(2, [entry()])); // never sent
      const copy = new ClientCopy(other.doc);
      const update = copy.edit((doc) => doc.getArray('messages').insert(3, [entry()]));
      await expectRefused(live, update, dana, 'missing-dependency', 'CID2');
    });

    it('CID2: refuses deleting items the server does not have', async () => {
      const live = await h.open(AGENT);
      const other = new ClientCopy(live.doc);
      other.edit((doc) => doc.getText('draft:c1').insert(0, 'never sent'));
      const copy = new ClientCopy(other.doc);
      const update = copy.edit((doc) => doc.getText('draft:c1').delete(0, 3));
      await expectRefused(live, update, dana, 'missing-dependency', 'CID2');
    });
  });
});
