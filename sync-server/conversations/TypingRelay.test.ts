import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as decoding from 'lib0/decoding';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { FakeDocHost } from '../../tests/helpers/fakeDocHost.ts';
import { principal } from '../../tests/helpers/docHarness.ts';
import { conversationDoc, indexDoc } from '../../shared/ids.ts';
import { CONV_ROOTS } from '../../shared/schema/conversation.ts';
import { SERVER_AWARENESS_IDS } from '../../shared/schema/awareness.ts';
import type { Principal } from '../auth/Principal.ts';
import { silentLogger } from '../ops/log.ts';
import { type AwarenessMember, AwarenessRoom } from '../transport/AwarenessRoom.ts';
import type { ServerAwareness } from '../transport/createSyncService.ts';
import type { SharedFrame } from '../transport/frames.ts';
import type { ChannelAdapter, DeliveryTarget } from './ChannelAdapter.ts';
import { TypingRelay } from './TypingRelay.ts';

/** An agent's connection to one document, with the awareness its client would see. */
class Member implements AwarenessMember {
  readonly awarenessIds = new Set<number>();
  readonly multiplexed = false;
  readonly echoAwareness = false;
  readonly view = new Awareness(new Y.Doc());
  constructor(readonly principal: Principal) {
    this.view.setLocalState(null);
  }
  send(frame: SharedFrame): void {
    const decoder = decoding.createDecoder(frame.payload);
    decoding.readVarUint(decoder);
    applyAwarenessUpdate(this.view, decoding.readVarUint8Array(decoder), 'server');
  }
}

/** The sync service's awareness, on real rooms and without sockets. */
class Rooms implements ServerAwareness {
  readonly rooms = new Map<string, AwarenessRoom>();
  private readonly listeners = new Set<(docName: string) => void>();
  room(name: string): AwarenessRoom {
    let room = this.rooms.get(name);
    if (!room) {
      room = new AwarenessRoom(name, 8, (r) => {
        for (const l of this.listeners) l(r.docName);
      });
      this.rooms.set(name, room);
    }
    return room;
  }
  publish(docName: string, clientId: number, state: Record<string, unknown> | null): void {
    this.room(docName).setServerState(clientId, state);
  }
  states(docName: string) {
    return this.rooms.get(docName)?.clientStates() ?? [];
  }
  onChange(listener: (docName: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  join(name: string, p: Principal): Member {
    const m = new Member(p);
    this.room(name).join(m);
    return m;
  }
}

function stateUpdate(clientID: number, state: Record<string, unknown> | null, clock: number): Uint8Array {
  const a = new Awareness(new Y.Doc());
  a.clientID = clientID;
  a.setLocalState(state);
  a.meta.get(clientID)!.clock = clock;
  if (state === null) a.states.delete(clientID);
  return encodeAwarenessUpdate(a, [clientID]);
}

const CONV = conversationDoc('ws', 'c1');
const INDEX = indexDoc('ws');
const dana = principal();
const lee = principal({ agentId: 'agent2', name: 'Lee Chen' });

function setup(channel: 'webchat' | 'sms' = 'webchat') {
  const awareness = new Rooms();
  const docs = new FakeDocHost();
  const meta = docs.doc(CONV).getMap(CONV_ROOTS.meta);
  meta.set('id', 'c1');
  meta.set('channel', channel);
  meta.set('contact', { id: 'v1', name: 'Vera' });
  const told: Array<{ typing: boolean; name: string; target: DeliveryTarget }> = [];
  const adapter: ChannelAdapter = {
    channel,
    deliver: async () => ({ status: 'sent' }),
    agentTyping: async (target, typing, name) => {
      told.push({ typing, name, target });
    },
  };
  const relay = new TypingRelay({ awareness, docs, adapter: (c) => (c === channel ? adapter : undefined), logger: silentLogger() });
  return { awareness, docs, relay, told };
}

const serverState = (m: Member, id: number = SERVER_AWARENESS_IDS.contactTyping) => m.view.getStates().get(id);
const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('TypingRelay: a contact typing', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('shows in the thread and on the index, and expires by itself after the TTL (no stuck dots)', () => {
    const { awareness, relay } = setup();
    const inThread = awareness.join(CONV, dana);
    const inList = awareness.join(INDEX, dana);
    relay.contactTyping('ws', 'c1', true);
    expect(serverState(inThread)).toEqual({ server: 'contact-typing', typing: true });
    expect(serverState(inList)).toEqual({ server: 'workspace-typing', conversations: ['c1'] });

    vi.advanceTimersByTime(5_000);
    relay.contactTyping('ws', 'c1', true); // still typing: the expiry starts over
    vi.advanceTimersByTime(5_000);
    expect(relay.isContactTyping('ws', 'c1')).toBe(true);
    vi.advanceTimersByTime(1_001);
    expect(relay.isContactTyping('ws', 'c1')).toBe(false);
    expect(serverState(inThread)).toBeUndefined();
    expect(serverState(inList)).toBeUndefined();
    relay.close();
  });

  it('clears at once when the contact stops, and the index lists only who still types', () => {
    const { awareness, relay } = setup();
    const inList = awareness.join(INDEX, dana);
    relay.contactTyping('ws', 'c1', true);
    relay.contactTyping('ws', 'c2', true);
    expect(serverState(inList)).toEqual({ server: 'workspace-typing', conversations: ['c1', 'c2'] });
    relay.contactTyping('ws', 'c1', false);
    expect(serverState(inList)).toEqual({ server: 'workspace-typing', conversations: ['c2'] });
    relay.contactTyping('ws', 'c2', false);
    expect(serverState(inList)).toBeUndefined();
    relay.close();
  });

  it('an agent who opens the thread later sees the dots (they are in the room snapshot)', () => {
    const { awareness, relay } = setup();
    relay.contactTyping('ws', 'c1', true);
    const late = awareness.join(CONV, lee);
    const frame = awareness.room(CONV).snapshotFrame(false);
    expect(frame).not.toBeNull();
    late.send({ payload: frame } as SharedFrame);
    expect(serverState(late)).toMatchObject({ typing: true });
    relay.close();
  });

  it('TYP1: a client cannot publish under a server clientID, so nobody can fake a contact (or anyone) typing', () => {
    const { awareness, relay } = setup();
    const mallory = awareness.join(CONV, lee);
    const watcher = awareness.join(CONV, dana);
    const room = awareness.room(CONV);
    expect(room.apply(mallory, stateUpdate(SERVER_AWARENESS_IDS.contactTyping, { server: 'contact-typing', typing: true }, 99))).toBe(true);
    expect(serverState(watcher)).toBeUndefined();
    expect(mallory.awarenessIds.size).toBe(0);

    // …nor remove the server's state…
    relay.contactTyping('ws', 'c1', true);
    room.apply(mallory, stateUpdate(SERVER_AWARENESS_IDS.contactTyping, null, Number.MAX_SAFE_INTEGER));
    expect(serverState(watcher)).toMatchObject({ typing: true });

    // …nor claim to be another agent: the server stamps its own identity (AWR1).
    room.apply(mallory, stateUpdate(4242, { typing: true, user: { id: 'agent1', name: 'Dana Reyes', kind: 'agent' } }, 1));
    expect(watcher.view.getStates().get(4242)).toMatchObject({ typing: true, user: { id: 'agent2', name: 'Lee Chen' } });
    relay.close();
  });
});

describe('TypingRelay: agents typing to the contact', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('tells the channel once when typing starts, every 20 s while it lasts, and once when it stops', async () => {
    const { awareness, relay, told } = setup();
    const a = awareness.join(CONV, dana);
    const room = awareness.room(CONV);
    room.apply(a, stateUpdate(500, { viewing: 'c1', typing: true, composing: 'reply' }, 1));
    await flush();
    expect(told.map((t) => [t.typing, t.name])).toEqual([[true, 'Dana Reyes']]);
    expect(told[0]?.target).toMatchObject({ conversationId: 'c1', channel: 'webchat', contact: { id: 'v1' } });

    // Renewals and other changes of the same state cost nothing.
    for (let clock = 2; clock < 30; clock++) room.apply(a, stateUpdate(500, { viewing: 'c1', typing: true, composing: 'reply' }, clock));
    expect(told).toHaveLength(1);
    vi.advanceTimersByTime(45_000);
    expect(told.map((t) => t.typing)).toEqual([true, true, true]);

    room.apply(a, stateUpdate(500, { viewing: 'c1', typing: false }, 40));
    expect(told.map((t) => t.typing)).toEqual([true, true, true, false]);
    vi.advanceTimersByTime(60_000);
    expect(told).toHaveLength(4);
    relay.close();
  });

  it('an internal note never shows dots to the contact', async () => {
    const { awareness, relay, told } = setup();
    const a = awareness.join(CONV, dana);
    awareness.room(CONV).apply(a, stateUpdate(500, { viewing: 'c1', typing: true, composing: 'note' }, 1));
    await flush();
    expect(told).toEqual([]);
    relay.close();
  });

  it('an agent who disconnects while typing stops the dots', async () => {
    const { awareness, relay, told } = setup();
    const a = awareness.join(CONV, dana);
    awareness.room(CONV).apply(a, stateUpdate(500, { typing: true }, 1));
    await flush();
    awareness.room(CONV).leave(a);
    expect(told.map((t) => t.typing)).toEqual([true, false]);
    relay.close();
  });

  it('with two agents typing, the contact sees dots until the last one stops', async () => {
    const { awareness, relay, told } = setup();
    const a = awareness.join(CONV, dana);
    const b = awareness.join(CONV, lee);
    const room = awareness.room(CONV);
    room.apply(a, stateUpdate(500, { typing: true }, 1));
    await flush();
    room.apply(b, stateUpdate(600, { typing: true }, 1));
    room.apply(a, stateUpdate(500, { typing: false }, 2));
    expect(told.map((t) => t.typing)).toEqual([true]);
    room.apply(b, stateUpdate(600, { typing: false }, 2));
    expect(told.map((t) => t.typing)).toEqual([true, false]);
    relay.close();
  });

  it('says nothing on channels that cannot carry typing (SMS)', async () => {
    const { awareness, relay, told } = setup('sms');
    const a = awareness.join(CONV, dana);
    awareness.room(CONV).apply(a, stateUpdate(500, { typing: true }, 1));
    await flush();
    expect(told).toEqual([]);
    relay.close();
  });
});
