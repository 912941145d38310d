import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import type { DocRef } from '../../shared/ids.ts';
import type { Principal } from '../auth/Principal.ts';
import type { ClientIdLookup } from './ClientIdRegistry.ts';
import { type DecodedValues, decodeRecording } from './decodeOnce.ts';
import { type Content, DOC_RULES, type DocRules, type Location, type Refusal } from './docRules.ts';

/** What validateUpdate needs to know about the update's target. */
export interface ValidateContext {
  /** The server's copy of the document (read, never changed here). */
  doc: Y.Doc;
  name: string;
  ref: DocRef;
  principal: Principal;
  clientIds: ClientIdLookup;
}

export interface Accepted {
  ok: true;
  /** False when the update holds nothing the server lacks (e.g. the empty update of a sync). */
  changes: boolean;
  /** ClientIDs that write here for the first time: bind them to the principal (CID1). */
  newClientIds: number[];
  /** Plain values this update adds to the roots, by root name (e.g. new messages). */
  added: Map<string, unknown[]>;
  /** Per clientID in the update: the clock its structs end at (what a `stored` acknowledgement reports). */
  stored: ReadonlyMap<number, number>;
  /** The values validation decoded, for applying the update without decoding them again (decodeOnce.ts). */
  decoded: DecodedValues | null;
}

export type Rejected = { ok: false } & Refusal;
export type Validation = Accepted | Rejected;

type Struct = Y.Item | Y.GC | Y.Skip;

/** The delete set of a decoded update (yjs does not export the class's type). */
type DeleteSet = ReturnType<typeof Y.decodeUpdate>['ds'];

/** An item of the server's store or of the update being validated. */
type Found = { inStore: true; item: Y.Item } | { inStore: false; item: Y.Item };

const rejected = (refusal: Refusal): Rejected => ({ ok: false, ...refusal });
const refusal = (reason: Refusal['reason'], rule: string, detail: string): Refusal => ({ reason, rule, detail });
const isRefusal = (v: Location | Refusal): v is Refusal => 'reason' in v;

const missing = (detail: string) => refusal('missing-dependency', 'CID2', detail);
const malformed = (detail: string) => refusal('malformed-update', 'FRAME1', detail);

/**
 * Decides whether a client's update may be applied, BEFORE applying it, from `Y.decodeUpdate`
 * alone (no copy of the document): which root every new item lands in (its parent as a root
 * name, as a parent item's id, or inherited from its origin / right origin, looked up in the
 * server's store or in the update itself), which live items it deletes, the values it adds,
 * and which clientIDs it writes with. Cost is O(update size) plus one store lookup per new item
 * and per deleted range. Rules per document kind: docRules.ts; CID1/CID2 here.
 */
export function validateUpdate(ctx: ValidateContext, update: Uint8Array): Validation {
  // The empty update (what a sync step 2 carries when the client has nothing new): [0 structs, 0 deletes].
  if (update.length === 2 && update[0] === 0 && update[1] === 0) return nothingNew();
  let decoded: { structs: Struct[]; ds: DeleteSet };
  let values: DecodedValues;
  try {
    const recorded = decodeRecording(update);
    decoded = recorded.decoded as { structs: Struct[]; ds: DeleteSet };
    values = recorded.values;
  } catch {
    return rejected(malformed('the update could not be decoded'));
  }
  // Yjs keeps only the last section of a client that appears twice: count sections ourselves.
  const sections = decoding.readVarUint(decoding.createDecoder(update));
  try {
    return new UpdateValidator(ctx, decoded.structs, decoded.ds, sections, values).run();
  } catch {
    // Inconsistent references Yjs itself would choke on (e.g. a parent id that is not a type).
    return rejected(malformed('the update references items inconsistently'));
  }
}

const NOTHING_STORED: ReadonlyMap<number, number> = new Map();

/** An accepted update that changes nothing (nothing to apply, store or acknowledge). */
export function nothingNew(): Accepted {
  return { ok: true, changes: false, newClientIds: [], added: new Map(), stored: NOTHING_STORED, decoded: null };
}

/** Root names by type, so finding an item's root is O(1) after the first time. */
const rootNames = new WeakMap<Y.AbstractType<unknown>, string>();

function rootName(type: Y.AbstractType<unknown>): string {
  let name = rootNames.get(type);
  if (name === undefined) {
    name = Y.findRootTypeKey(type);
    rootNames.set(type, name);
  }
  return name;
}

class UpdateValidator {
  private readonly rules: DocRules;
  private readonly store: Y.Doc['store'];
  private readonly states = new Map<number, number>();
  /** The update's structs by client, in clock order. */
  private readonly byClient = new Map<number, Struct[]>();
  /** Per client: every clock below is in the store or in the update. */
  private readonly frontier = new Map<number, number>();
  private readonly newStructs: Array<{ struct: Y.Item | Y.GC; offset: number }> = [];
  private readonly locations = new Map<Y.Item, Location>();
  /** New items the update's own delete set removes (allocated when there are any). */
  private deletedHere: Set<Y.Item> | null = null;
  private growth: Map<string, number> | null = null;
  private writeChecked = false;

  constructor(
    private readonly ctx: ValidateContext,
    private readonly structs: Struct[],
    private readonly ds: DeleteSet,
    private readonly sections: number,
    private readonly values: DecodedValues,
  ) {
    this.rules = DOC_RULES[ctx.ref.kind];
    this.store = ctx.doc.store;
  }

  run(): Validation {
    const r = this.scanStructs() ?? this.checkClientIds() ?? this.checkInserts() ?? this.checkDeletes() ?? this.checkLengths();
    if (r) return rejected(r);
    if (!this.writeChecked) return nothingNew();
    return { ok: true, changes: true, newClientIds: this.unboundClients(), added: this.collectAdded(), stored: this.frontier, decoded: this.values };
  }

  private state(client: number): number {
    let s = this.states.get(client);
    if (s === undefined) {
      s = Y.getState(this.store, client);
      this.states.set(client, s);
    }
    return s;
  }

  /** CID2: each client's structs must continue from what the server has, without gaps. */
  private scanStructs(): Refusal | null {
    let client = -1;
    let list: Struct[] = [];
    let front = 0;
    let runs = 0;
    for (const s of this.structs) {
      const c = s.id.client;
      if (c !== client) {
        runs++;
        if (client !== -1) this.frontier.set(client, front);
        if (this.byClient.has(c)) return malformed('a client appears twice');
        client = c;
        list = [];
        this.byClient.set(c, list);
        front = this.state(c);
      }
      list.push(s);
      if (s.length <= 0) return malformed('an empty struct');
      if (s instanceof Y.Skip) {
        continue;
      }
      if (s.id.clock > front) return missing(`client ${c} starts at clock ${s.id.clock}, the server has ${this.state(c)}`);
      const end = s.id.clock + s.length;
      if (end > front) front = end;
      const known = this.state(c);
      if (end > known) this.newStructs.push({ struct: s, offset: Math.max(0, known - s.id.clock) });
    }
    if (client !== -1) this.frontier.set(client, front);
    if (runs !== this.sections) return malformed('a client section that is empty or repeated');
    return null;
  }

  /** CID1: a clientID belongs to the first agent that wrote with it; the server's own is reserved. */
  private checkClientIds(): Refusal | null {
    let last = -1;
    for (const { struct } of this.newStructs) {
      const c = struct.id.client;
      if (c === last) continue;
      last = c;
      if (c === this.ctx.doc.clientID) return refusal('client-id-taken', 'CID1', `client ${c} is the server's`);
      const owner = this.ctx.clientIds.ownerOf(this.ctx.name, c);
      if (owner !== undefined && owner !== this.ctx.principal.agentId) {
        return refusal('client-id-taken', 'CID1', `client ${c} belongs to someone else`);
      }
    }
    return null;
  }

  private unboundClients(): number[] {
    const out: number[] = [];
    let last = -1;
    for (const { struct } of this.newStructs) {
      const c = struct.id.client;
      if (c === last) continue;
      last = c;
      if (this.ctx.clientIds.ownerOf(this.ctx.name, c) === undefined && !out.includes(c)) out.push(c);
    }
    return out;
  }

  private mayWrite(): Refusal | null {
    if (this.writeChecked) return null;
    this.writeChecked = true;
    return this.rules.mayWrite(this.ctx.principal);
  }

  private checkInserts(): Refusal | null {
    for (const { struct, offset } of this.newStructs) {
      const denied = this.mayWrite();
      if (denied) return denied;
      if (!(struct instanceof Y.Item)) {
        return refusal('unexpected-type', this.rules.rule, 'garbage-collected content the schema never produces');
      }
      const loc = this.newLocation(struct);
      if (isRefusal(loc)) return loc;
      if (offset === 0 && struct.parent === null && struct.origin && struct.rightOrigin) {
        const right = this.locationOf(struct.rightOrigin);
        if (isRefusal(right)) return right;
        if (right.root !== loc.root || right.key !== loc.key || right.nested !== loc.nested) {
          return malformed('an item between two different parents');
        }
      }
      const r = this.rules.insert(loc, contentOf(struct, offset), this.ctx.principal);
      if (r) return r;
    }
    return null;
  }

  /** Deletes: every live item the delete set reaches must be deletable; unknown ids are gaps (CID2). */
  private checkDeletes(): Refusal | null {
    for (const [client, ranges] of this.ds.clients) {
      const known = this.state(client);
      for (const { clock, len } of ranges) {
        if (len <= 0) continue;
        const end = clock + len;
        if (clock < known) {
          const r = this.deleteStored(client, clock, Math.min(end, known));
          if (r) return r;
        }
        if (end > known) {
          const front = this.frontier.get(client) ?? known;
          if (end > front) return missing(`deletes unknown items of client ${client}`);
          const r = this.deleteNew(client, Math.max(clock, known), end);
          if (r) return r;
        }
      }
    }
    return null;
  }

  private deleteStored(client: number, from: number, to: number): Refusal | null {
    const structs = this.store.clients.get(client);
    if (!structs) return missing(`deletes unknown items of client ${client}`);
    for (let i = Y.findIndexSS(structs, from); i < structs.length; i++) {
      const s = structs[i]!;
      if (s.id.clock >= to) break;
      if (!(s instanceof Y.Item) || s.deleted) continue;
      const denied = this.mayWrite();
      if (denied) return denied;
      const loc = this.storeLocation(s);
      if (isRefusal(loc)) return loc;
      const r = this.rules.delete(loc, this.ctx.principal);
      if (r) return r;
      if (s.content instanceof Y.ContentString && loc.key === null && !loc.nested) {
        const overlap = Math.min(to, s.id.clock + s.length) - Math.max(from, s.id.clock);
        this.grow(loc.root, -overlap);
      }
    }
    return null;
  }

  private deleteNew(client: number, from: number, to: number): Refusal | null {
    const list = this.byClient.get(client) ?? [];
    const first = findIndex(list, from);
    if (first < 0) return missing(`deletes unknown items of client ${client}`);
    for (let i = first; i < list.length; i++) {
      const s = list[i]!;
      if (s.id.clock >= to) break;
      if (s instanceof Y.Skip) return missing(`deletes items of client ${client} the update skips`);
      if (!(s instanceof Y.Item) || this.deletedHere?.has(s)) continue;
      (this.deletedHere ??= new Set()).add(s);
      const denied = this.mayWrite();
      if (denied) return denied;
      const loc = this.newLocation(s);
      if (isRefusal(loc)) return loc;
      const r = this.rules.delete(loc, this.ctx.principal);
      if (r) return r;
    }
    return null;
  }

  /** Length limits of sequence roots (e.g. a draft's MAX_DRAFT_LENGTH). */
  private checkLengths(): Refusal | null {
    if (!this.rules.maxLength) return null;
    for (const { struct, offset } of this.newStructs) {
      if (!(struct instanceof Y.Item) || !(struct.content instanceof Y.ContentString) || this.deletedHere?.has(struct)) continue;
      const loc = this.newLocation(struct);
      if (isRefusal(loc) || loc.key !== null || loc.nested) continue;
      this.grow(loc.root, struct.length - offset);
    }
    if (!this.growth) return null;
    for (const [root, delta] of this.growth) {
      const max = this.rules.maxLength(root);
      if (max === undefined || delta <= 0) continue;
      const type = this.ctx.doc.share.get(root);
      const current = type ? type._length : 0;
      if (current + delta > max) return refusal('invalid-value', this.rules.rule, `${root}: longer than ${max}`);
    }
    return null;
  }

  private grow(root: string, delta: number): void {
    this.growth ??= new Map();
    this.growth.set(root, (this.growth.get(root) ?? 0) + delta);
  }

  private collectAdded(): Map<string, unknown[]> {
    const added = new Map<string, unknown[]>();
    for (const { struct, offset } of this.newStructs) {
      if (!(struct instanceof Y.Item) || !(struct.content instanceof Y.ContentAny) || this.deletedHere?.has(struct)) continue;
      const loc = this.locations.get(struct);
      if (!loc || loc.nested) continue;
      let list = added.get(loc.root);
      if (!list) added.set(loc.root, (list = []));
      const values = struct.content.arr;
      for (let i = offset; i < values.length; i++) list.push(values[i]);
    }
    return added;
  }

  // ---- locating items ------------------------------------------------------------------------

  /** Where a struct of the update that the server lacks (at least partly) lands. */
  private newLocation(item: Y.Item): Location | Refusal {
    return item.id.clock < this.state(item.id.client) ? this.continuationLocation(item) : this.locate(item);
  }

  /** An id the update refers to: in the server's store (below its state) or among the update's structs. */
  private find(id: Y.ID): Found | Refusal {
    if (id.clock < this.state(id.client)) {
      const s = Y.getItem(this.store, id) as Y.Item | Y.GC;
      if (!(s instanceof Y.Item)) return refusal('unexpected-type', this.rules.rule, 'refers to garbage-collected content');
      return { inStore: true, item: s };
    }
    const list = this.byClient.get(id.client);
    const i = list ? findIndex(list, id.clock) : -1;
    const s = i >= 0 ? list![i]! : null;
    if (!s || s instanceof Y.Skip) return missing(`refers to an unknown item of client ${id.client}`);
    if (!(s instanceof Y.Item)) return refusal('unexpected-type', this.rules.rule, 'refers to garbage-collected content');
    return { inStore: false, item: s };
  }

  private locationOf(id: Y.ID): Location | Refusal {
    const found = this.find(id);
    if ('reason' in found) return found;
    return found.inStore ? this.storeLocation(found.item) : this.locate(found.item);
  }

  /** Where an item of the server's store lives. */
  private storeLocation(item: Y.Item): Location | Refusal {
    const parent = item.parent;
    if (!(parent instanceof Y.AbstractType)) return malformed('an item without a parent');
    let root: Y.AbstractType<unknown> = parent;
    let nested = false;
    while (root._item !== null) {
      nested = true;
      const up = root._item.parent;
      if (!(up instanceof Y.AbstractType)) return malformed('an item without a parent');
      root = up;
    }
    return { root: rootName(root), key: item.parentSub, nested };
  }

  /**
   * An item the server has the start of: Yjs integrates only its new part, to the right of the
   * server's last item of that client (whatever origin the update claims), so it lands there.
   */
  private continuationLocation(item: Y.Item): Location | Refusal {
    const cached = this.locations.get(item);
    if (cached) return cached;
    const prev = Y.getItem(this.store, Y.createID(item.id.client, this.state(item.id.client) - 1)) as Y.Item | Y.GC;
    if (!(prev instanceof Y.Item)) return refusal('unexpected-type', this.rules.rule, 'continues garbage-collected content');
    const loc = this.storeLocation(prev);
    if (!isRefusal(loc)) this.locations.set(item, loc);
    return loc;
  }

  /**
   * Where a new item of the update lands. Its parent is a root name, a parent item's id (a
   * nested type), or absent: then it is the parent of its origin (left) or else of its right
   * origin, exactly as Yjs decides when it integrates. Followed iteratively through items of the
   * same update (chains can be long) and memoised.
   */
  private locate(item: Y.Item): Location | Refusal {
    const chain: Array<{ item: Y.Item; child: boolean }> = [];
    const visiting = new Set<Y.Item>();
    let cur = item;
    let base: Location | Refusal;
    for (;;) {
      const memo = this.locations.get(cur);
      if (memo) {
        base = memo;
        break;
      }
      const parent = cur.parent;
      if (typeof parent === 'string') {
        base = { root: parent, key: cur.parentSub, nested: false };
        this.locations.set(cur, base);
        break;
      }
      let target: Y.ID;
      let child: boolean;
      if (parent instanceof Y.ID) {
        target = parent;
        child = true;
      } else if (cur.origin) {
        target = cur.origin;
        child = false;
      } else if (cur.rightOrigin) {
        target = cur.rightOrigin;
        child = false;
      } else {
        base = malformed('an item without parent or neighbours');
        break;
      }
      const found = this.find(target);
      if ('reason' in found) {
        base = found;
        break;
      }
      if (child && !(found.item.content instanceof Y.ContentType)) {
        base = malformed('a parent that is not a shared type');
        break;
      }
      if (found.inStore) {
        const loc = this.storeLocation(found.item);
        base = isRefusal(loc) ? loc : child ? { root: loc.root, key: cur.parentSub, nested: true } : loc;
        if (!isRefusal(base)) this.locations.set(cur, base);
        break;
      }
      if (visiting.has(found.item) || found.item === cur) {
        base = malformed('items that refer to each other in a cycle');
        break;
      }
      visiting.add(cur);
      chain.push({ item: cur, child });
      cur = found.item;
    }
    if (isRefusal(base)) return base;
    let loc = base;
    for (let i = chain.length - 1; i >= 0; i--) {
      const link = chain[i]!;
      if (link.child) loc = { root: loc.root, key: link.item.parentSub, nested: true };
      this.locations.set(link.item, loc);
    }
    return loc;
  }
}

/** Index of the struct of `list` (one client's structs, clock order) containing `clock`, or -1. */
function findIndex(list: Struct[], clock: number): number {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = list[mid]!;
    if (clock < s.id.clock) hi = mid - 1;
    else if (clock >= s.id.clock + s.length) lo = mid + 1;
    else return mid;
  }
  return -1;
}

function contentOf(item: Y.Item, offset: number): Content {
  const c = item.content;
  if (c instanceof Y.ContentAny) return { kind: 'any', values: offset > 0 ? c.arr.slice(offset) : c.arr };
  if (c instanceof Y.ContentString) return { kind: 'string', length: c.str.length - offset };
  if (c instanceof Y.ContentDeleted) return { kind: 'deleted' };
  if (c instanceof Y.ContentType) return { kind: 'type' };
  return { kind: 'other', name: c.constructor.name };
}
