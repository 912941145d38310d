import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeDocHost } from '../../tests/helpers/fakeDocHost.ts';
import type { ConversationSummary } from '../../shared/schema/workspaceIndex.ts';
import { SummaryWriter, sameJson } from './SummaryWriter.ts';

const summary = (id: string): ConversationSummary => ({
  id,
  channel: 'webchat',
  contactId: `contact-${id}`,
  contactName: `Contact ${id}`,
  status: 'open',
  assigneeId: null,
  createdAt: 1,
  lastActivityAt: 1,
  lastMessage: null,
  inboundCount: 0,
  messageCount: 0,
});

function setup() {
  const docs = new FakeDocHost();
  const map = docs.doc('ws/index').getMap<ConversationSummary>('conversations');
  for (const id of ['c1', 'c2']) map.set(id, summary(id));
  const indexWrites = () => docs.serverChanges.filter(([name]) => name === 'ws/index').length;
  return { docs, map, writer: new SummaryWriter(docs, 'conversations'), indexWrites };
}

describe('SummaryWriter', () => {
  it('writes the changes asked for in one turn as one index update, in order', async () => {
    const { map, writer, indexWrites } = setup();
    await Promise.all([
      writer.update('ws', 'c1', (s) => ({ ...s, messageCount: s.messageCount + 1 })),
      writer.update('ws', 'c2', (s) => ({ ...s, inboundCount: 5 })),
      writer.update('ws', 'c1', (s) => ({ ...s, messageCount: s.messageCount * 10 })),
    ]);
    expect(indexWrites()).toBe(1);
    expect(map.get('c1')?.messageCount).toBe(10);
    expect(map.get('c2')?.inboundCount).toBe(5);
  });

  it('writes a change asked for after a write in a write of its own', async () => {
    const { map, writer, indexWrites } = setup();
    await writer.update('ws', 'c1', (s) => ({ ...s, messageCount: 1 }));
    await writer.update('ws', 'c1', (s) => ({ ...s, messageCount: 2 }));
    expect(indexWrites()).toBe(2);
    expect(map.get('c1')?.messageCount).toBe(2);
  });

  it('rejects only the change that threw; the others of its batch are written', async () => {
    const { map, writer } = setup();
    const results = await Promise.allSettled([
      writer.update('ws', 'c1', () => {
        throw new Error('broken change');
      }),
      writer.update('ws', 'c2', (s) => ({ ...s, status: 'resolved' })),
    ]);
    expect(results[0]).toMatchObject({ status: 'rejected', reason: new Error('broken change') });
    expect(results[1]).toMatchObject({ status: 'fulfilled' });
    expect(map.get('c2')?.status).toBe('resolved');
    expect(map.get('c1')).toEqual(summary('c1'));
  });

  it('leaves a conversation without a summary alone and writes nothing for a change that changes nothing', async () => {
    const { docs, map, writer } = setup();
    let updates = 0;
    docs.doc('ws/index').on('update', () => updates++);
    await writer.update('ws', 'unknown', (s) => ({ ...s, messageCount: 3 }));
    await writer.update('ws', 'c1', (s) => ({ ...s }));
    expect(map.has('unknown')).toBe(false);
    expect(updates).toBe(0);
  });

  it('writes each workspace in its own index', async () => {
    const { docs, writer } = setup();
    docs.doc('other/index').getMap<ConversationSummary>('conversations').set('c9', summary('c9'));
    await Promise.all([
      writer.update('ws', 'c1', (s) => ({ ...s, messageCount: 4 })),
      writer.update('other', 'c9', (s) => ({ ...s, messageCount: 7 })),
    ]);
    expect(docs.doc('other/index').getMap<ConversationSummary>('conversations').get('c9')?.messageCount).toBe(7);
    expect(docs.doc('ws/index').getMap<ConversationSummary>('conversations').get('c1')?.messageCount).toBe(4);
  });
});

describe('SummaryWriter, changes allowed to wait', () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  const turn = () => new Promise((resolve) => setImmediate(resolve));

  it('holds them for up to `within` ms and writes them together', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { map, writer, indexWrites } = setup();
    const first = writer.update('ws', 'c1', (s) => ({ ...s, messageCount: 1 }), { within: 250 });
    await turn();
    const second = writer.update('ws', 'c1', (s) => ({ ...s, messageCount: s.messageCount + 1 }), { within: 250 });
    await turn();
    expect(indexWrites()).toBe(0);
    await vi.advanceTimersByTimeAsync(250);
    await Promise.all([first, second]);
    expect(indexWrites()).toBe(1);
    expect(map.get('c1')?.messageCount).toBe(2);
  });

  it('writes the waiting ones, in order, with the next change that may not wait', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { map, writer, indexWrites } = setup();
    const deferred = writer.update('ws', 'c1', (s) => ({ ...s, messageCount: 5 }), { within: 250 });
    await turn();
    await writer.update('ws', 'c1', (s) => ({ ...s, messageCount: s.messageCount * 2, status: 'resolved' }));
    await deferred;
    expect(indexWrites()).toBe(1);
    expect(map.get('c1')).toMatchObject({ messageCount: 10, status: 'resolved' });
  });

  it('lets nothing wait while hurried (idle, shutdown)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { map, writer } = setup();
    const waiting = writer.update('ws', 'c1', (s) => ({ ...s, messageCount: 1 }), { within: 250 });
    const done = writer.hurry();
    await waiting; // written at the end of the turn, no timer needed
    await writer.update('ws', 'c2', (s) => ({ ...s, messageCount: 2 }), { within: 250 });
    done();
    expect(map.get('c1')?.messageCount).toBe(1);
    expect(map.get('c2')?.messageCount).toBe(2);
  });
});

describe('sameJson', () => {
  it('compares as JSON would: nested values, arrays, and undefined properties as absent', () => {
    expect(sameJson({ a: 1, b: { c: 'x', d: [1, 2] } }, { b: { d: [1, 2], c: 'x' }, a: 1 })).toBe(true);
    expect(sameJson({ a: 1, gone: undefined }, { a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: null })).toBe(false);
    expect(sameJson({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(sameJson({ a: { b: 1 } }, { a: { b: 2 } })).toBe(false);
    expect(sameJson([], {})).toBe(false);
    expect(sameJson(null, {})).toBe(false);
    expect(sameJson('1', 1)).toBe(false);
  });
});
