import * as decoding from 'lib0/decoding';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { MessageType } from '../../shared/protocol/messageTypes.ts';
import { decodeMuxFrame } from '../../shared/protocol/multiplex.ts';
import { decodeStored } from '../../shared/protocol/stored.ts';
import type { MessageEntry } from '../../shared/schema/message.ts';
import { ClientCopy, createDocHarness, principal, RecordingSubscriber } from '../../tests/helpers/docHarness.ts';
import { MemoryDocStore } from '../storage/MemoryDocStore.ts';
import type { ClientUpdateEvent } from './DocHost.ts';
import { DocRegistry } from './DocRegistry.ts';

const CONV = 'ws/conv/c1';
const dana = principal();

const entry = (id: string): MessageEntry => ({ id, kind: 'message', author: { type: 'agent', id: dana.agentId }, text: `text ${id}`, createdAt: 1 });

/** A MemoryDocStore whose appends wait until the test releases them. */
class GatedStore extends MemoryDocStore {
  gate: Array<() => void> = [];
  loads = 0;
  override async load(name: string) {
    this.loads++;
    return super.load(name);
  }
  override append(name: string, update: Uint8Array): Promise<number> {
    return new Promise((resolve, reject) => {
      this.gate.push(() => super.append(name, update).then(resolve, reject));
    });
  }
  release(): void {
    for (const open of this.gate.splice(0)) open();
  }
}

describe('DocRegistry', () => {
  let h: ReturnType<typeof createDocHarness>;

  afterEach(async () => {
    vi.useRealTimers();
    await h?.close();
  });

  it('loads a document once however many callers ask at the same time', async () => {
    const store = new GatedStore();
    h = createDocHarness({ store });
    const lives = await Promise.all([h.open(CONV), h.open(CONV), h.registry.read(CONV, (d) => d), h.open(CONV)]);
    expect(store.loads).toBe(1);
    expect(new Set(lives.map((l) => ('doc' in l ? l.doc : l))).size).toBe(1);
  });

  it('fans a client update out only after the store made it durable, never back to its sender', async () => {
    const store = new GatedStore();
    h = createDocHarness({ store });
    const sender = new RecordingSubscriber('conn-dana');
    const other = new RecordingSubscriber('conn-lee');
    const live = await h.open(CONV, sender);
    await h.registry.subscribe(CONV, other);
    const update = new ClientCopy(live.doc).edit((d) => d.getArray('messages').insert(0, [entry('m1')]));
    expect(h.registry.applyClientUpdate(live, update, h.origin(dana, 'conn-dana'))).toMatchObject({ ok: true, changes: true });
    expect(live.doc.getArray('messages').length).toBe(1);
    await Promise.resolve();
    expect(other.frames).toHaveLength(0);
    store.release();
    await h.registry.flush();
    expect(other.frames).toHaveLength(1);
    expect(sender.frames).toHaveLength(0);
    expect((await store.load(CONV)).updates).toHaveLength(1);
  });

  it('encodes each broadcast once: every subscriber of a framing gets the same buffer', async () => {
    h = createDocHarness();
    const subs = [new RecordingSubscriber('a'), new RecordingSubscriber('b'), new RecordingSubscriber('c', true), new RecordingSubscriber('d', true)];
    for (const s of subs) await h.registry.subscribe(CONV, s);
    await h.registry.change(CONV, 'test', (d) => d.getMap('state').set('status', 'open'));
    expect(subs[0]!.frames[0]).toBe(subs[1]!.frames[0]);
    expect(subs[2]!.frames[0]).toBe(subs[3]!.frames[0]);
    const { docName, frame } = decodeMuxFrame(subs[2]!.frames[0]!);
    expect(docName).toBe(CONV);
    expect([...frame]).toEqual([...subs[0]!.frames[0]!]);
  });

  it('resolves change() only once the change is durable', async () => {
    const store = new GatedStore();
    h = createDocHarness({ store });
    let done = false;
    const changing = h.registry.change(CONV, 'test', (d) => d.getMap('state').set('status', 'resolved')).then(() => (done = true));
    await vi.waitFor(() => expect(store.gate).toHaveLength(1));
    expect(done).toBe(false);
    store.release();
    await changing;
    expect((await store.load(CONV)).updates).toHaveLength(1);
  });

  it('tells listeners about each client update after it is persisted, with the values it added', async () => {
    h = createDocHarness();
    const events: ClientUpdateEvent[] = [];
    const storedAtEvent: number[] = [];
    h.registry.onClientUpdate((e) => {
      events.push(e);
      storedAtEvent.push((h.db.prepare('SELECT count(*) AS n FROM doc_updates').get() as { n: number }).n);
    });
    const live = await h.open(CONV);
    h.registry.applyClientUpdate(live, new ClientCopy(live.doc).edit((d) => d.getArray('messages').insert(0, [entry('m1'), entry('m2')])), h.origin());
    await h.registry.change(CONV, 'server', (d) => d.getMap('meta').set('x', 1));
    await h.registry.flush();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ name: CONV, ref: { kind: 'conversation', conversationId: 'c1' }, principal: dana });
    expect(events[0]!.added.get('messages')).toEqual([entry('m1'), entry('m2')]);
    expect(storedAtEvent[0]).toBeGreaterThanOrEqual(1);
  });

  it('acknowledges a client update to its sender once it is durable (multiplexed connections), with where its clientID ends', async () => {
    const store = new GatedStore();
    h = createDocHarness({ store });
    const sender = new RecordingSubscriber('conn-dana', true);
    const other = new RecordingSubscriber('conn-lee', true);
    const stock = new RecordingSubscriber('conn-stock');
    const live = await h.open(CONV, sender);
    await h.registry.subscribe(CONV, other);
    const copy = new ClientCopy(live.doc);
    const update = copy.edit((d) => d.getArray('messages').insert(0, [entry('m1'), entry('m2')]));
    h.registry.applyClientUpdate(live, update, h.origin(dana, 'conn-dana'));
    await Promise.resolve();
    expect(sender.frames).toHaveLength(0); // nothing is acknowledged before the store has it
    store.release();
    await h.registry.flush();

    expect(other.frames).toHaveLength(1); // the update itself
    expect(sender.frames).toHaveLength(1); // no echo of it, only the acknowledgement
    const { docName, frame } = decodeMuxFrame(sender.frames[0]!);
    expect(docName).toBe(CONV);
    const decoder = decoding.createDecoder(frame);
    expect(decoding.readVarUint(decoder)).toBe(MessageType.stored);
    expect(decodeStored(decoder)).toEqual(new Map([[copy.doc.clientID, Y.getState(copy.doc.store, copy.doc.clientID)]]));

    // A stock provider's single-document connection gets no acknowledgement (it would not know it).
    await h.registry.subscribe(CONV, stock);
    h.registry.unsubscribe(live, sender);
    h.registry.applyClientUpdate(live, copy.edit((d) => d.getArray('messages').push([entry('m3')])), h.origin(dana, 'conn-stock'));
    store.release();
    await h.registry.flush();
    expect(stock.frames).toHaveLength(0);
    expect(other.frames).toHaveLength(2);
  });

  it('reserves the server clientID so no client can write with it (CID1)', async () => {
    h = createDocHarness();
    await h.registry.change(CONV, 'test', (d) => d.getMap('meta').set('channel', 'email'));
    const live = await h.open(CONV);
    expect(h.clientIds.ownerOf(CONV, live.doc.clientID)).toBe('@server');
  });

  it('compacts the log into a snapshot once it passes the limit, and loads the same document back', async () => {
    h = createDocHarness({ compactAfterUpdates: 10 });
    const live = await h.open(CONV);
    const copy = new ClientCopy(live.doc);
    for (let i = 0; i < 25; i++) {
      const result = h.registry.applyClientUpdate(live, copy.edit((d) => d.getArray('messages').insert(i, [entry(`m${i}`)])), h.origin());
      expect(result.ok).toBe(true);
      await h.registry.flush();
    }
    const stored = await h.store.load(CONV);
    expect(stored.snapshot).not.toBeNull();
    expect(stored.updates.length).toBeLessThan(10);
    const reloaded = new Y.Doc();
    Y.applyUpdate(reloaded, stored.snapshot!);
    for (const u of stored.updates) Y.applyUpdate(reloaded, u);
    expect(reloaded.getArray('messages').toJSON()).toEqual(live.doc.getArray('messages').toJSON());
  });

  it('compacts a long document only once its log is as large as its snapshot, not every few hundred updates', async () => {
    h = createDocHarness({ compactAfterUpdates: 10 });
    // A long conversation: 300 messages in one server write, then compacted by the next 9 updates.
    await h.registry.change(CONV, 'test', (d) => d.getArray('messages').insert(0, Array.from({ length: 300 }, (_, i) => entry(`old${i}`))));
    const live = await h.open(CONV);
    const copy = new ClientCopy(live.doc);
    const append = async (id: string) => {
      const length = live.doc.getArray('messages').length;
      expect(h.registry.applyClientUpdate(live, copy.edit((d) => d.getArray('messages').insert(length, [entry(id)])), h.origin()).ok).toBe(true);
      await h.registry.flush();
    };
    for (let i = 0; i < 9; i++) await append(`a${i}`);
    const first = await h.store.load(CONV);
    expect(first.snapshot).not.toBeNull();
    expect(first.updates).toHaveLength(0);
    const snapshotBytes = first.snapshot!.byteLength;
    // Far past the update count, still smaller than the snapshot: left as a log.
    for (let i = 0; i < 40; i++) await append(`b${i}`);
    const grown = await h.store.load(CONV);
    expect(grown.snapshot!.byteLength).toBe(snapshotBytes);
    expect(grown.updates).toHaveLength(40);
    // Once the log is as large as the snapshot, it is compacted (not before), and nothing is lost.
    let appended = 0;
    let before = grown;
    while (appended < 1000) {
      await append(`c${appended++}`);
      const now = await h.store.load(CONV);
      if (now.snapshot!.byteLength !== snapshotBytes) break;
      before = now;
    }
    expect(before.logBytes).toBeLessThan(snapshotBytes);
    expect(before.logBytes).toBeGreaterThan(snapshotBytes * 0.9);
    const stored = await h.store.load(CONV);
    const reloaded = new Y.Doc();
    Y.applyUpdate(reloaded, stored.snapshot!);
    for (const u of stored.updates) Y.applyUpdate(reloaded, u);
    expect(reloaded.getArray('messages').length).toBe(300 + 9 + 40 + appended);
  });

  it('unloads a document after it has been idle, and loads it again on demand', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    h = createDocHarness({ idleUnloadMs: 1000 });
    const sub = new RecordingSubscriber('x');
    const live = await h.open(CONV, sub);
    await h.registry.change(CONV, 'test', (d) => d.getMap('state').set('status', 'open'));
    h.registry.unsubscribe(live, sub);
    expect(h.registry.isLoaded(CONV)).toBe(true);
    await vi.advanceTimersByTimeAsync(1001);
    expect(h.registry.isLoaded(CONV)).toBe(false);
    expect(await h.registry.read(CONV, (d) => d.getMap('state').get('status'))).toBe('open');
  });

  it('compacts many idle documents one at a time, then drops each, and keeps one that is used again', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const store = new MemoryDocStore();
    let inFlight = 0;
    let maxInFlight = 0;
    const compact = store.compact.bind(store);
    store.compact = async (name, snapshot, through) => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      await compact(name, snapshot, through);
      inFlight--;
    };
    h = createDocHarness({ store, idleUnloadMs: 1000 });
    const names = Array.from({ length: 8 }, (_, i) => `ws/conv/idle${i}`);
    const subs = new Map<string, [Awaited<ReturnType<typeof h.open>>, RecordingSubscriber]>();
    for (const name of names) {
      const sub = new RecordingSubscriber(name);
      subs.set(name, [await h.open(name, sub), sub]);
      // Over the unload threshold (50 logged updates).
      await Promise.all(Array.from({ length: 60 }, (_, i) => h.registry.change(name, 'test', (d) => d.getArray('messages').insert(i, [entry(`m${i}`)]))));
    }
    for (const [live, sub] of subs.values()) h.registry.unsubscribe(live, sub);
    await vi.advanceTimersByTimeAsync(1001);
    // All eight are due in the same tick: queued, not compacted all at once.
    expect(h.registry.loadedCount()).toBeGreaterThan(1);
    const kept = names[7]!;
    await h.open(kept);
    await vi.waitUntil(() => h.registry.loadedCount() === 1, { timeout: 5000 });
    expect(h.registry.isLoaded(kept)).toBe(true);
    expect(maxInFlight).toBe(1);
    for (const name of names.slice(0, 7)) {
      const stored = await store.load(name);
      expect(stored.snapshot).not.toBeNull();
      expect(stored.updates).toHaveLength(0);
    }
    expect(await h.registry.read(names[0]!, (d) => d.getArray('messages').length)).toBe(60);
  });

  it('applies updates published by another process to its copy and subscribers, without storing them again', async () => {
    h = createDocHarness();
    const store = h.store;
    const other = new DocRegistry({
      store,
      fanout: h.fanout,
      clientIds: h.clientIds,
      logger: (await import('../ops/log.ts')).silentLogger(),
      metrics: (await import('../ops/metrics.ts')).createMetrics({ defaultMetrics: false }),
      processId: 'other-process',
    });
    const sub = new RecordingSubscriber('here');
    const live = await h.open(CONV, sub);
    await other.change(CONV, 'elsewhere', (d) => d.getMap('state').set('status', 'resolved'));
    expect(live.doc.getMap('state').get('status')).toBe('resolved');
    expect(sub.frames).toHaveLength(1);
    await h.registry.flush();
    expect((await store.load(CONV)).updates).toHaveLength(1);
    await other.close();
  });

  it('drops a document whose update could not be stored, so its connections resync', async () => {
    const store = new MemoryDocStore();
    h = createDocHarness({ store });
    const sub = new RecordingSubscriber('x');
    const live = await h.open(CONV, sub);
    store.append = () => Promise.reject(new Error('disk full'));
    await expect(h.registry.change(CONV, 'test', (d) => d.getMap('state').set('status', 'open'))).rejects.toThrow('disk full');
    expect(sub.evictions).toBe(1);
    expect(sub.frames).toHaveLength(0);
    expect(h.registry.isLoaded(CONV)).toBe(false);
    expect(live.gone).toBe(true);
  });
});
