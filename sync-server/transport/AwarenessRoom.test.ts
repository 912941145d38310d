import { describe, expect, it } from 'vitest';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { principal } from '../../tests/helpers/docHarness.ts';
import type { Principal } from '../auth/Principal.ts';
import { type AwarenessMember, AwarenessRoom } from './AwarenessRoom.ts';
import type { SharedFrame } from './frames.ts';

class Member implements AwarenessMember {
  readonly awarenessIds = new Set<number>();
  /** What this member's client sees, fed by the frames it receives. */
  readonly view = new Awareness(new Y.Doc());
  constructor(
    readonly principal: Principal,
    readonly multiplexed = false,
    readonly echoAwareness = false,
  ) {
    this.view.setLocalState(null);
  }
  send(frame: SharedFrame): void {
    const decoder = decoding.createDecoder(frame.payload);
    expect(decoding.readVarUint(decoder)).toBe(1);
    applyAwarenessUpdate(this.view, decoding.readVarUint8Array(decoder), 'server');
  }
}

/** An awareness update for `clientID` with `state` at `clock`. */
function stateUpdate(clientID: number, state: Record<string, unknown> | null, clock = 1): Uint8Array {
  const a = new Awareness(new Y.Doc());
  a.clientID = clientID;
  a.setLocalState(state);
  a.meta.get(clientID)!.clock = clock;
  if (state === null) a.states.delete(clientID);
  return encodeAwarenessUpdate(a, [clientID]);
}

const dana = principal();
const lee = principal({ agentId: 'agent2', name: 'Lee Chen' });

describe('AwarenessRoom', () => {
  it('AWR1: stamps every state with the member\'s agent and relays it to the others', () => {
    const room = new AwarenessRoom('ws/index');
    const a = new Member(dana);
    const b = new Member(lee);
    room.join(a);
    room.join(b);
    expect(room.apply(a, stateUpdate(11, { viewing: 'c1', user: { id: 'agent2', name: 'Lee Chen', kind: 'agent' } }))).toBe(true);
    expect(b.view.getStates().get(11)).toEqual({ viewing: 'c1', user: { id: 'agent1', name: 'Dana Reyes', kind: 'agent' } });
    expect(a.view.getStates().has(11)).toBe(false);
  });

  it('AWR1: drops changes to a clientID another member introduced', () => {
    const room = new AwarenessRoom('ws/index');
    const a = new Member(dana);
    const b = new Member(lee);
    const c = new Member(principal({ agentId: 'agent3' }));
    for (const m of [a, b, c]) room.join(m);
    room.apply(a, stateUpdate(11, { viewing: 'c1' }, 1));
    room.apply(b, stateUpdate(11, { viewing: 'hijacked' }, 5));
    room.apply(b, stateUpdate(11, null, 6));
    expect(c.view.getStates().get(11)).toMatchObject({ viewing: 'c1' });
    expect(b.awarenessIds.size).toBe(0);
  });

  it('ignores stale clocks and unchanged re-sends, accepts removals by the owner', () => {
    const room = new AwarenessRoom('ws/index');
    const a = new Member(dana);
    const b = new Member(lee);
    room.join(a);
    room.join(b);
    room.apply(a, stateUpdate(11, { viewing: 'c2' }, 3));
    room.apply(a, stateUpdate(11, { viewing: 'old' }, 2));
    expect(b.view.getStates().get(11)).toMatchObject({ viewing: 'c2' });
    room.apply(a, stateUpdate(11, null, 4));
    expect(b.view.getStates().has(11)).toBe(false);
    expect(a.awarenessIds.size).toBe(0);
  });

  it('removes a member\'s states when it leaves, and relays the removal', () => {
    const room = new AwarenessRoom('ws/index');
    const a = new Member(dana);
    const b = new Member(lee);
    room.join(a);
    room.join(b);
    room.apply(a, stateUpdate(11, { typing: true }));
    room.leave(a);
    expect(b.view.getStates().has(11)).toBe(false);
    expect(room.size).toBe(1);
    expect(room.snapshotFrame(false)).toBeNull();
  });

  it('limits how many clientIDs one member may introduce, and refuses bytes that are no awareness update', () => {
    const room = new AwarenessRoom('ws/index', 2);
    const a = new Member(dana);
    const b = new Member(lee);
    room.join(a);
    room.join(b);
    for (const id of [1, 2, 3]) room.apply(a, stateUpdate(id, { n: id }));
    expect([...b.view.getStates().keys()].sort()).toEqual([1, 2]);
    expect(room.apply(a, new Uint8Array([5, 1]))).toBe(false);
  });

  it('echoes changes back to members that ask for it (stock providers)', () => {
    const room = new AwarenessRoom('ws/index');
    const a = new Member(dana, false, true);
    room.join(a);
    room.apply(a, stateUpdate(11, { typing: false }));
    expect(a.view.getStates().get(11)).toMatchObject({ typing: false, user: { id: 'agent1' } });
  });
});
