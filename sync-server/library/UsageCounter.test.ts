import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import type { MessageEntry } from '../../shared/schema/message.ts';
import type { LibraryUse, UsageCount } from '../../shared/schema/settings.ts';
import { agentPrincipal, FakeDocHost } from '../../tests/helpers/fakeDocHost.ts';
import { silentLogger } from '../ops/log.ts';
import { UsageCounter } from './UsageCounter.ts';

const WS = 'ws';
const CONV = `${WS}/conv/c1`;
const SETTINGS = `${WS}/settings`;
const dana = agentPrincipal({ agentId: 'dana', name: 'Dana Reyes' });
const sam = agentPrincipal({ agentId: 'sam', name: 'Sam Patel' });
const QR: LibraryUse = { kind: 'quickReplies', id: 'qr1' };
const CR: LibraryUse = { kind: 'cannedResponses', id: 'cr1' };

function setup(opts: { db?: Database.Database; docs?: FakeDocHost; now?: () => number } = {}) {
  const docs = opts.docs ?? new FakeDocHost();
  const db = opts.db ?? new Database(':memory:');
  if (!opts.docs) {
    const settings = docs.doc(SETTINGS);
    settings.getMap('quickReplies').set('qr1', { id: 'qr1' });
    settings.getMap('cannedResponses').set('cr1', { id: 'cr1' });
    // A canned response that shares the quick reply's id: its count is its own.
    settings.getMap('cannedResponses').set('qr1', { id: 'qr1' });
  }
  const counter = new UsageCounter({ db, docs, logger: silentLogger(), now: opts.now ?? (() => 5_000) });
  counter.start();
  const usage = (key: string) => docs.doc(SETTINGS).getMap<UsageCount>('usage').get(key);
  return { docs, db, counter, usage };
}

let seq = 0;
function append(docs: FakeDocHost, who = dana, entry: Partial<MessageEntry> = {}) {
  return docs.clientChange(CONV, who, (doc: Y.Doc) => {
    const arr = doc.getArray('messages');
    arr.insert(arr.length, [{ id: `m${++seq}`, kind: 'message', author: { type: 'agent', id: who.agentId }, text: 'Hello', createdAt: 1, ...entry }]);
  });
}

describe('UsageCounter', () => {
  it('SET3: counts each library entry a sent message names, in total and for its agent', async () => {
    const { docs, counter, usage } = setup();
    append(docs, dana, { uses: [QR, CR] });
    append(docs, sam, { uses: [QR] });
    await counter.idle();
    expect(usage('quickReplies:qr1')).toEqual({ total: 2, byAgent: { dana: 1, sam: 1 }, lastUsedAt: 5_000 });
    expect(usage('cannedResponses:cr1')).toEqual({ total: 1, byAgent: { dana: 1 }, lastUsedAt: 5_000 });
    expect(usage('cannedResponses:qr1')).toBeUndefined();
    expect(docs.serverChanges.filter(([name]) => name === SETTINGS).every(([, actor]) => actor === 'library-usage')).toBe(true);
  });

  it('SET3: a message seen twice (a replayed update) counts once', async () => {
    const { docs, counter, usage } = setup();
    const event = append(docs, dana, { uses: [QR] });
    await counter.idle();
    docs.emit(event);
    await counter.idle();
    expect(usage('quickReplies:qr1')?.total).toBe(1);
  });

  it('SET3: an entry named twice in one message counts once', async () => {
    const { docs, counter, usage } = setup();
    append(docs, dana, { uses: [QR, QR] });
    await counter.idle();
    expect(usage('quickReplies:qr1')?.total).toBe(1);
  });

  it('SET3: notes, messages without uses, and entries no longer in the library are not counted', async () => {
    const { docs, counter, usage } = setup();
    append(docs, dana, { kind: 'note', uses: [QR] });
    append(docs, dana);
    append(docs, dana, { uses: [{ kind: 'quickReplies', id: 'deleted' }] });
    await counter.idle();
    expect(docs.doc(SETTINGS).getMap('usage').size).toBe(0);
  });

  it('SET3: a message authored by someone else than the connection’s agent is not counted for anyone', async () => {
    const { docs, counter, usage } = setup();
    // The rules refuse this (CONV2); the counter does not rely on it.
    docs.clientChange(CONV, sam, (doc) => {
      doc.getArray('messages').insert(0, [{ id: 'forged', kind: 'message', author: { type: 'agent', id: 'dana' }, text: 'x', createdAt: 1, uses: [QR] }]);
    });
    await counter.idle();
    expect(usage('quickReplies:qr1')).toBeUndefined();
  });

  it('SET3: uses recorded while shutting down are counted at the next start, once', async () => {
    const db = new Database(':memory:');
    const first = setup({ db });
    await first.counter.close();
    append(first.docs, dana, { uses: [QR] });
    await first.counter.idle();
    expect(first.usage('quickReplies:qr1')).toBeUndefined();
    first.counter.stop();

    const second = setup({ db, docs: first.docs, now: () => 9_000 });
    await second.counter.idle();
    expect(second.usage('quickReplies:qr1')).toEqual({ total: 1, byAgent: { dana: 1 }, lastUsedAt: 5_000 });
    const third = setup({ db, docs: first.docs });
    await third.counter.idle();
    expect(third.usage('quickReplies:qr1')?.total).toBe(1);
  });
});
