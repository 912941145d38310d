import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { isServerAwarenessId } from '../../shared/schema/awareness.ts';
import type { Principal } from '../auth/Principal.ts';
import { SharedFrame, awarenessFrame, muxPrefix, prefixed } from './frames.ts';

/** A subscription taking part in a document's awareness. */
export interface AwarenessMember {
  readonly principal: Principal;
  readonly multiplexed: boolean;
  /** Stock y-websocket clients get their own changes echoed (their 30 s liveness check counts them). */
  readonly echoAwareness: boolean;
  /** Awareness clientIDs this member introduced (AWR1). */
  readonly awarenessIds: Set<number>;
  send(frame: SharedFrame): void;
}

interface Entry {
  clock: number;
  /** The stamped state, as JSON. */
  json: string;
  /** null: a state the server itself publishes (`setServerState`). */
  owner: AwarenessMember | null;
}

/** A client's state as the room holds it (stamped), for server-side observers. */
export interface RoomState {
  clientId: number;
  agentId: string;
  state: Record<string, unknown>;
}

/** Awareness update layout (y-protocols): varUint count, then per state varUint clientID | varUint clock | varString JSON. */
type AwarenessChange = Array<{ clientId: number; clock: number; json: string }>;

/**
 * The awareness states of one document on this server (AWR1). The server relays awareness
 * like the reference server, but: a member changes only the clientIDs it introduced; every state
 * gets `user = {id, name, kind:'agent'}` of the member's principal; a member's states are removed
 * (and the removal relayed) when it leaves. No timers: a state lives as long as its connection.
 *
 * The server publishes states of its own (a contact typing) under reserved clientIDs: the
 * clientIDs from SERVER_AWARENESS_ID_BASE (2^32) up, which no client may write (TYP1).
 */
export class AwarenessRoom {
  private readonly states = new Map<number, Entry>();
  readonly members = new Set<AwarenessMember>();
  private readonly prefix: Uint8Array;
  /** Clock of each server clientID, kept after removal so a later state is never taken as stale. */
  private readonly serverClocks = new Map<number, number>();

  constructor(
    readonly docName: string,
    private readonly maxIdsPerMember = 8,
    /** Called after client states changed (not for the server's own states). */
    private readonly onChange: ((room: AwarenessRoom) => void) | null = null,
  ) {
    this.prefix = muxPrefix(docName);
  }

  /**
   * Publishes (or, with null, removes) a state of the server itself under a reserved clientID.
   * Its clock continues from the last one used in this room, starting from `clockFloor` (a
   * time-based value, so a room created again after a restart still moves clients forward).
   */
  setServerState(clientId: number, state: Record<string, unknown> | null, clockFloor = Date.now()): void {
    if (!isServerAwarenessId(clientId)) throw new Error(`clientID ${clientId} is not a server awareness id`);
    const current = this.states.get(clientId);
    if (state === null && !current) return;
    const clock = Math.max((this.serverClocks.get(clientId) ?? 0) + 1, clockFloor);
    this.serverClocks.set(clientId, clock);
    if (state === null) {
      this.states.delete(clientId);
      this.relay([{ clientId, clock, json: 'null' }], null);
      return;
    }
    const json = JSON.stringify(state);
    this.states.set(clientId, { clock, json, owner: null });
    this.relay([{ clientId, clock, json }], null);
  }

  /** Whether the server has states of its own here (the room is kept while it does). */
  get hasServerStates(): boolean {
    for (const entry of this.states.values()) if (entry.owner === null) return true;
    return false;
  }

  /** Sends the server's own states again with a new clock (clients time out states not renewed in 30 s). */
  renewServerStates(clockFloor = Date.now()): void {
    const renewed: AwarenessChange = [];
    for (const [clientId, entry] of this.states) {
      if (entry.owner !== null) continue;
      entry.clock = Math.max(entry.clock + 1, clockFloor);
      this.serverClocks.set(clientId, entry.clock);
      renewed.push({ clientId, clock: entry.clock, json: entry.json });
    }
    if (renewed.length > 0) this.relay(renewed, null);
  }

  /** The current client states (stamped), parsed. */
  clientStates(): RoomState[] {
    const out: RoomState[] = [];
    for (const [clientId, entry] of this.states) {
      if (entry.owner === null) continue;
      out.push({ clientId, agentId: entry.owner.principal.agentId, state: JSON.parse(entry.json) as Record<string, unknown> });
    }
    return out;
  }

  join(member: AwarenessMember): void {
    this.members.add(member);
  }

  /** Removes the member and relays the removal of its states. */
  leave(member: AwarenessMember): void {
    if (!this.members.delete(member)) return;
    const removed: AwarenessChange = [];
    for (const id of member.awarenessIds) {
      const entry = this.states.get(id);
      if (!entry || entry.owner !== member) continue;
      this.states.delete(id);
      removed.push({ clientId: id, clock: entry.clock + 1, json: 'null' });
    }
    member.awarenessIds.clear();
    if (removed.length > 0) {
      this.relay(removed, null);
      this.onChange?.(this);
    }
  }

  get size(): number {
    return this.members.size;
  }

  /**
   * Applies an awareness update from `from`. Returns false when it cannot be decoded (the
   * caller closes the connection: FRAME1). Entries for clientIDs of other members are dropped.
   */
  apply(from: AwarenessMember, update: Uint8Array): boolean {
    let changes: AwarenessChange;
    try {
      changes = decodeAwareness(update);
    } catch {
      return false;
    }
    const accepted: AwarenessChange = [];
    for (const change of changes) {
      if (isServerAwarenessId(change.clientId)) continue; // TYP1: the server's own states
      const current = this.states.get(change.clientId);
      if (current && current.owner !== from) continue; // AWR1: not yours
      const removing = change.json === 'null';
      if (!current) {
        if (removing) continue;
        if (!from.awarenessIds.has(change.clientId) && from.awarenessIds.size >= this.maxIdsPerMember) continue;
      } else if (change.clock < current.clock || (change.clock === current.clock && !removing)) {
        continue; // stale, or no change (as y-protocols decides)
      }
      if (removing) {
        this.states.delete(change.clientId);
        from.awarenessIds.delete(change.clientId);
        accepted.push(change);
        continue;
      }
      const json = stamp(change.json, from.principal);
      if (json === null) continue;
      this.states.set(change.clientId, { clock: change.clock, json, owner: from });
      from.awarenessIds.add(change.clientId);
      accepted.push({ clientId: change.clientId, clock: change.clock, json });
    }
    if (accepted.length > 0) {
      this.relay(accepted, from);
      this.onChange?.(this);
    }
    return true;
  }

  /** Every current state, as an awareness frame (null when there is none). */
  snapshotFrame(multiplexed: boolean): Uint8Array | null {
    if (this.states.size === 0) return null;
    const all: AwarenessChange = [];
    for (const [clientId, entry] of this.states) all.push({ clientId, clock: entry.clock, json: entry.json });
    const frame = awarenessFrame(encodeAwareness(all));
    return multiplexed ? prefixed(this.prefix, frame) : frame;
  }

  private relay(changes: AwarenessChange, from: AwarenessMember | null): void {
    const payload = awarenessFrame(encodeAwareness(changes));
    let frame: SharedFrame | null = null;
    let mux: SharedFrame | null = null;
    for (const member of this.members) {
      if (member === from && !member.echoAwareness) continue;
      if (member.multiplexed) member.send((mux ??= new SharedFrame(prefixed(this.prefix, payload))));
      else member.send((frame ??= new SharedFrame(payload)));
    }
  }
}

function decodeAwareness(update: Uint8Array): AwarenessChange {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  const out: AwarenessChange = [];
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const json = decoding.readVarString(decoder);
    out.push({ clientId, clock, json });
  }
  return out;
}

function encodeAwareness(changes: AwarenessChange): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, changes.length);
  for (const c of changes) {
    encoding.writeVarUint(enc, c.clientId);
    encoding.writeVarUint(enc, c.clock);
    encoding.writeVarString(enc, c.json);
  }
  return encoding.toUint8Array(enc);
}

/** The state with `user` replaced by the principal's identity; null when it is not a JSON object. */
function stamp(json: string, principal: Principal): string | null {
  let state: unknown;
  try {
    state = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof state !== 'object' || state === null || Array.isArray(state)) return null;
  (state as Record<string, unknown>).user = { id: principal.agentId, name: principal.name, kind: 'agent' };
  return JSON.stringify(state);
}
