import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { type Accessor, createSignal, type Setter } from 'solid-js';
import * as authProtocol from 'y-protocols/auth';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { type DocRef, parseDocName } from '../../shared/ids.ts';
import type { ClientAction } from '../../shared/protocol/closeCodes.ts';
import { ACTIVITY_PING_MS, type ClientControl, type ServerControl } from '../../shared/protocol/control.ts';
import { MessageType } from '../../shared/protocol/messageTypes.ts';
import { decodeMuxFrame, encodeMuxFrame } from '../../shared/protocol/multiplex.ts';
import { decodeStored } from '../../shared/protocol/stored.ts';
import type { RejectReason } from '../../shared/protocol/rejectReasons.ts';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.ts';
import { backoffDelay } from './backoffDelay.ts';
import { closeAction } from './closeAction.ts';
import type { DocStore } from './DocStore.ts';
import { advancedClocks, type KnownStored, raiseKnown } from './knownStored.ts';
import { ORIGIN } from './origins.ts';
import { parseServerControl } from './parseServerControl.ts';
import { applyReapply, isEmptyPlan, planReapply } from './planReapply.ts';

/** The part of a WebSocket the client uses (a browser WebSocket, or a test double). */
export interface SocketLike {
  binaryType: string;
  readonly readyState: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

const OPEN = 1;

export type ConnectionStatus =
  /** Opening the socket (first time or after a drop). */
  | 'connecting'
  /** Connected and every open document is in sync. */
  | 'online'
  /** Connected, some documents are still exchanging their first sync. */
  | 'syncing'
  /** No connection; retrying at `retryAt`. Local edits are kept and sent on reconnect. */
  | 'offline'
  /** The session is gone (4401): the user must sign in again. */
  | 'signed-out'
  /** The app and server disagree (protocol version, malformed/oversized frames): reload the app. */
  | 'reload-required'
  /** The server refused the connection for good (4403/4404): no reconnect. */
  | 'stopped';

export interface ConnectionState {
  status: ConnectionStatus;
  /** Documents still waiting for their first sync on this connection. */
  syncing: number;
  /** Documents with local changes the server has not been sent yet. */
  waiting: number;
  /** When the next reconnect attempt happens (offline only). */
  retryAt: number | null;
  /** Close reason or code name behind the status, for the indicator's detail text. */
  reason: string | null;
}

export type DocError = 'forbidden' | 'unknown-document';

/** A refused update, as the UI reports it. */
export interface Rejection {
  doc: string;
  reason: RejectReason;
  detail: string;
  rule: string | undefined;
  at: number;
  /** False when the client re-applied its drafts and unsent messages; true when it had to drop them (a refusal loop). */
  droppedLocalChanges: boolean;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** What counts as input on a device for presence (PRS4). */
const INPUT_EVENTS = ['keydown', 'pointerdown', 'wheel', 'touchstart'] as const;

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** One open document. `doc()` changes (to a new Y.Doc) when the document is reset after a refusal. */
export interface DocHandle {
  readonly name: string;
  readonly ref: DocRef;
  readonly doc: Accessor<Y.Doc>;
  /** Local copy loaded from IndexedDB (or nothing was stored). */
  readonly loaded: Accessor<boolean>;
  /** In step with the server on the current connection. */
  readonly synced: Accessor<boolean>;
  /**
   * What the server is known to have stored of this document (knownStored.ts): per clientID, the
   * clock below which everything is durable there. Same Map, signalled whenever it grows.
   */
  readonly stored: Accessor<ReadonlyMap<number, number>>;
  readonly error: Accessor<DocError | null>;
  readonly whenLoaded: Promise<void>;
  /** Awareness of the current doc (created on first use). */
  awareness(): awarenessProtocol.Awareness;
  /** Drops this reference; the document closes when nobody holds it. */
  release(): void;
}

export interface SyncClientOptions {
  /** Websocket URL with the token, e.g. wss://host/sync?token=… (read at every connect). */
  url: () => string;
  /** Agent this session belongs to (re-applied messages must be its own). */
  agentId: string;
  store?: DocStore | null;
  createSocket?: (url: string) => SocketLike;
  /** Called once when the server says the session is gone (close 4401). */
  onSignInRequired?: () => void;
  random?: () => number;
  now?: () => number;
  /** Window for online/offline/pagehide/visibilitychange; null in tests. */
  window?: Window | null;
  /** A document nobody holds stays open this long (switching back is instant). */
  releaseDelayMs?: number;
  /** Timers for reconnects and delayed releases (tests pass a manual clock). */
  timers?: Timers;
  /** Rows of one document before it is compacted to a single row. */
  compactAfterRows?: number;
  /** What the server is known to have stored is written to IndexedDB at most this often. */
  knownStoredSaveMs?: number;
  /** A second refusal this soon after a reset drops local changes instead of re-applying them again. */
  refusalLoopMs?: number;
}

class DocEntry {
  refs = 0;
  /** Written by the server only (IDX1): the client never sends it anything. */
  readonly serverOnly: boolean;
  fresh: Y.Doc | null = null;
  keepLocalChanges = true;
  /** The reason of the refusal that started the reset in progress. */
  refusal: string | null = null;
  lastResetAt = Number.NEGATIVE_INFINITY;
  isLoaded = false;
  isSynced = false;
  subscribed = false;
  dirty = false;
  disposed = false;
  failure: DocError | null = null;
  awareness: awarenessProtocol.Awareness | null = null;
  releaseTimer: unknown = null;
  offDoc: () => void = () => {};
  /** What the server is known to have stored (knownStored.ts); `storedSaveTimer` set while unsaved. */
  readonly known: KnownStored = new Map();
  storedSaveTimer: unknown = null;
  readonly stored: Accessor<ReadonlyMap<number, number>>;
  readonly setStored: Setter<ReadonlyMap<number, number>>;
  readonly doc: Accessor<Y.Doc>;
  readonly setDoc: Setter<Y.Doc>;
  readonly loaded: Accessor<boolean>;
  readonly setLoaded: Setter<boolean>;
  readonly synced: Accessor<boolean>;
  readonly setSynced: Setter<boolean>;
  readonly error: Accessor<DocError | null>;
  readonly setError: Setter<DocError | null>;
  readonly whenLoaded: Promise<void>;
  resolveLoaded!: () => void;

  constructor(
    readonly name: string,
    readonly ref: DocRef,
    public current: Y.Doc,
  ) {
    this.serverOnly = ref.kind === 'index';
    [this.doc, this.setDoc] = createSignal(current, { equals: false });
    [this.loaded, this.setLoaded] = createSignal(false);
    [this.synced, this.setSynced] = createSignal(false);
    [this.stored, this.setStored] = createSignal<ReadonlyMap<number, number>>(this.known, { equals: false });
    [this.error, this.setError] = createSignal<DocError | null>(null);
    this.whenLoaded = new Promise((resolve) => (this.resolveLoaded = resolve));
  }
}

/**
 * The multiplexed sync client: every open document over one websocket to `/sync?token=`
 * (frames: shared/protocol/multiplex.ts; payloads: y-protocols sync and awareness).
 *
 * Opening a document loads its local copy from IndexedDB, then subscribes by sending sync step 1;
 * the server answers with step 2 (what we miss) and its own step 1, to which we answer with what
 * it misses: after a reconnect only missing updates travel. Local edits made offline stay in the
 * document (and IndexedDB) and go out in that exchange, exactly once, because they are CRDT items.
 *
 * After `update-rejected` the document is reset (see `reset`): the old copy is dropped from memory
 * and IndexedDB, the document is loaded again from the server under a new clientID, and the
 * drafts and unsent messages are re-applied (planReapply.ts).
 */
export class SyncClient {
  readonly state: Accessor<ConnectionState>;
  readonly rejections: Accessor<readonly Rejection[]>;
  /**
   * The documents this client holds with local changes the server has not had yet (written while
   * offline or before the document's subscription): what `state().waiting` counts, by name.
   */
  readonly unsynced: Accessor<ReadonlySet<string>>;

  private readonly entries = new Map<string, DocEntry>();
  private readonly setState: Setter<ConnectionState>;
  private readonly setRejections: Setter<readonly Rejection[]>;
  private readonly setUnsynced: Setter<ReadonlySet<string>>;
  private readonly store: DocStore | null;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly win: Window | null;
  private socket: SocketLike | null = null;
  private socketState: 'idle' | 'connecting' | 'open' = 'idle';
  private terminal: { status: 'signed-out' | 'reload-required' | 'stopped'; reason: string } | null = null;
  private attempt = 0;
  private retryAt: number | null = null;
  private lastCloseReason: string | null = null;
  private reconnectTimer: unknown = null;
  private readonly timers: Timers;
  private loadQueue: DocEntry[] = [];
  private started = false;
  private destroyed = false;
  private readonly detachWindow: () => void;
  /** Presence (PRS5): last input on this device, and when it was last reported. */
  private lastInputAt: number;
  private activitySentAt: number | null = null;
  private activityTimer: unknown = null;

  constructor(private readonly options: SyncClientOptions) {
    this.store = options.store ?? null;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.timers = options.timers ?? realTimers;
    this.lastInputAt = this.now(); // opening the app is input
    this.win = options.window === undefined ? (typeof window === 'undefined' ? null : window) : options.window;
    [this.state, this.setState] = createSignal<ConnectionState>(
      { status: 'connecting', syncing: 0, waiting: 0, retryAt: null, reason: null },
      { equals: sameState },
    );
    [this.rejections, this.setRejections] = createSignal<readonly Rejection[]>([]);
    [this.unsynced, this.setUnsynced] = createSignal<ReadonlySet<string>>(new Set(), { equals: sameMembers });
    this.detachWindow = this.attachWindow();
  }

  /** Opens the socket (and keeps reconnecting until stopped). */
  start(): void {
    if (this.started || this.destroyed) return;
    this.started = true;
    this.connect();
  }

  /** Opens (or re-uses) a document. Call `release()` on the handle when done. */
  retain(name: string): DocHandle {
    let entry = this.entries.get(name);
    if (!entry) {
      const ref = parseDocName(name);
      if (!ref) throw new Error(`not a document name: ${name}`);
      entry = new DocEntry(name, ref, new Y.Doc());
      this.entries.set(name, entry);
      this.queueLoad(entry); // binds the update listener once the local copy is in (see runLoads)
    }
    const e = entry;
    if (e.releaseTimer) this.timers.clearTimeout(e.releaseTimer);
    e.releaseTimer = null;
    e.refs++;
    let released = false;
    return {
      name,
      ref: e.ref,
      doc: e.doc,
      loaded: e.loaded,
      synced: e.synced,
      stored: e.stored,
      error: e.error,
      whenLoaded: e.whenLoaded,
      awareness: () => this.awarenessOf(e, e.doc()),
      release: () => {
        if (released) return;
        released = true;
        this.release(e);
      },
    };
  }

  /** Whether a document is currently open. */
  isOpen(name: string): boolean {
    return this.entries.has(name);
  }

  /** Starts writing every queued IndexedDB write now (pagehide, tests). */
  flush(): Promise<void> {
    this.saveAllKnownStored();
    return this.store?.flush() ?? Promise.resolve();
  }

  /** The page is going away: write everything queued (first) and tell others we left (awareness). */
  pageHide(): void {
    this.saveAllKnownStored();
    this.store?.flushBeforeUnload();
    for (const entry of this.entries.values()) {
      const awareness = entry.awareness;
      if (awareness && awareness.getLocalState() !== null) {
        try {
          awarenessProtocol.removeAwarenessStates(awareness, [awareness.clientID], 'pagehide');
        } catch {
          // leaving quietly is fine: the server times the state out
        }
      }
    }
  }

  /** Forgets a dismissed rejection notice. */
  dismissRejection(rejection: Rejection): void {
    this.setRejections((list) => list.filter((r) => r !== rejection));
  }

  /** Closes the socket for good and every document (sign-out, tests). */
  /**
   * There was input on this device (key, pointer, touch). Reported to the server for presence
   * (derived Away/Online, PRS4) at most every ACTIVITY_PING_MS; the first input after a quiet
   * spell goes at once, so an auto-Away agent is back Online immediately.
   */
  noteInput(): void {
    this.lastInputAt = this.now();
    if (this.activityTimer !== null) return;
    const wait = this.activitySentAt === null ? 0 : this.activitySentAt + ACTIVITY_PING_MS - this.lastInputAt;
    if (wait <= 0) {
      this.sendActivity();
      return;
    }
    this.activityTimer = this.timers.setTimeout(() => {
      this.activityTimer = null;
      this.sendActivity();
    }, wait);
  }

  private sendActivity(): void {
    if (this.socketState !== 'open' || this.destroyed) return;
    this.activitySentAt = this.now();
    this.sendControl('', { type: 'activity', idleMs: Math.max(0, this.now() - this.lastInputAt) });
  }

  destroy(): void {
    if (this.destroyed) return;
    this.pageHide();
    this.destroyed = true;
    if (this.activityTimer !== null) this.timers.clearTimeout(this.activityTimer);
    this.detachWindow();
    if (this.reconnectTimer) this.timers.clearTimeout(this.reconnectTimer);
    const socket = this.socket;
    this.socket = null;
    this.socketState = 'idle';
    if (socket) {
      socket.onclose = null;
      socket.onmessage = null;
      socket.close(1000, 'client-closed');
    }
    for (const entry of [...this.entries.values()]) this.dispose(entry);
  }

  // ---- connection ------------------------------------------------------------------------

  private connect(): void {
    if (this.destroyed || this.terminal || this.socket) return;
    if (this.reconnectTimer) this.timers.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.retryAt = null;
    this.socketState = 'connecting';
    this.refresh();
    const create = this.options.createSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
    let socket: SocketLike;
    try {
      socket = create(this.options.url());
    } catch {
      this.socketState = 'idle';
      this.scheduleReconnect('connect-failed');
      return;
    }
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.socketState = 'open';
      for (const entry of this.entries.values()) this.subscribe(entry);
      this.refresh();
    };
    socket.onmessage = (event) => {
      if (this.socket !== socket) return;
      const data = event.data;
      if (data instanceof ArrayBuffer) this.onFrame(new Uint8Array(data));
      else if (data instanceof Uint8Array) this.onFrame(data);
    };
    socket.onerror = () => {};
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.onClosed(event.code);
    };
  }

  private onClosed(code: number): void {
    this.socket = null;
    this.socketState = 'idle';
    for (const entry of this.entries.values()) {
      entry.subscribed = false;
      entry.isSynced = false;
      entry.setSynced(false);
      const awareness = entry.awareness;
      if (awareness) {
        const others = [...awareness.getStates().keys()].filter((id) => id !== awareness.clientID);
        awarenessProtocol.removeAwarenessStates(awareness, others, ORIGIN.remote);
      }
    }
    const { action, reason } = closeAction(code);
    this.act(action, reason);
  }

  /** What to do after a close (or a fatal hello): one branch per ClientAction. */
  private act(action: ClientAction, reason: string): void {
    switch (action) {
      case 'retry':
        this.scheduleReconnect(reason);
        return;
      case 'sign-in':
        this.terminal = { status: 'signed-out', reason };
        this.refresh();
        this.options.onSignInRequired?.();
        return;
      case 'reload':
        this.terminal = { status: 'reload-required', reason };
        this.refresh();
        return;
      case 'stop':
        this.terminal = { status: 'stopped', reason };
        this.refresh();
        return;
      default:
        assertNever(action);
    }
  }

  private scheduleReconnect(reason: string): void {
    if (this.destroyed || this.terminal) return;
    const delay = backoffDelay(this.attempt++, this.random);
    this.lastCloseReason = reason;
    this.retryAt = this.now() + delay;
    this.reconnectTimer = this.timers.setTimeout(() => this.connect(), delay);
    this.refresh();
  }

  private attachWindow(): () => void {
    const win = this.win;
    if (!win) return () => {};
    const online = () => {
      if (!this.socket && this.started) this.connect();
    };
    const offline = () => {
      // The browser knows the network is gone before the socket does.
      const socket = this.socket;
      if (socket) {
        socket.onclose = null;
        socket.close(1000, 'offline');
        this.onClosed(1006);
      }
    };
    // A hidden page may be discarded without a pagehide (mobile): journal then too.
    const hidden = () => {
      if (win.document.visibilityState === 'hidden') this.store?.flushBeforeUnload();
    };
    const pagehide = () => this.pageHide();
    const input = () => this.noteInput();
    for (const type of INPUT_EVENTS) win.addEventListener(type, input, { capture: true, passive: true });
    win.addEventListener('online', online);
    win.addEventListener('offline', offline);
    win.addEventListener('pagehide', pagehide);
    win.document.addEventListener('visibilitychange', hidden);
    return () => {
      win.removeEventListener('online', online);
      win.removeEventListener('offline', offline);
      win.removeEventListener('pagehide', pagehide);
      for (const type of INPUT_EVENTS) win.removeEventListener(type, input, { capture: true });
      win.document.removeEventListener('visibilitychange', hidden);
    };
  }

  // ---- frames ----------------------------------------------------------------------------

  private send(docName: string, frame: Uint8Array): void {
    const socket = this.socket;
    if (!socket || this.socketState !== 'open' || socket.readyState !== OPEN) return;
    socket.send(encodeMuxFrame(docName, frame));
  }

  private onFrame(data: Uint8Array): void {
    let docName: string;
    let frame: Uint8Array;
    try {
      ({ docName, frame } = decodeMuxFrame(data));
    } catch {
      return; // a frame we cannot read changes nothing
    }
    const decoder = decoding.createDecoder(frame);
    const type = decoding.readVarUint(decoder);
    if (type === MessageType.control) {
      this.onControl(decoding.readVarString(decoder));
      return;
    }
    const entry = this.entries.get(docName);
    if (!entry || entry.disposed) return;
    switch (type) {
      case MessageType.sync:
        this.onSync(entry, decoder);
        return;
      case MessageType.awareness: {
        const update = decoding.readVarUint8Array(decoder);
        if (entry.awareness && !entry.fresh) awarenessProtocol.applyAwarenessUpdate(entry.awareness, update, ORIGIN.remote);
        return;
      }
      case MessageType.auth:
        authProtocol.readAuthMessage(decoder, entry.current, () => this.failDoc(entry, 'forbidden'));
        return;
      case MessageType.queryAwareness: {
        const awareness = entry.awareness;
        if (awareness) this.sendAwareness(entry, [...awareness.getStates().keys()]);
        return;
      }
      case MessageType.stored: {
        let clocks: Map<number, number>;
        try {
          clocks = decodeStored(decoder);
        } catch {
          return;
        }
        this.learnStored(entry, clocks);
        return;
      }
      default:
        return; // unknown message types are ignored, not fatal
    }
  }

  private onSync(entry: DocEntry, decoder: decoding.Decoder): void {
    // The server's step 1 is its state vector, sent once all it covers is durable: all stored.
    const peek = decoding.clone(decoder);
    if (decoding.readVarUint(peek) === syncProtocol.messageYjsSyncStep1) {
      try {
        this.learnStored(entry, Y.decodeStateVector(decoding.readVarUint8Array(peek)));
      } catch {
        // readSyncMessage below refuses it the same way
      }
    }
    const target = entry.fresh ?? entry.current;
    const reply = encoding.createEncoder();
    encoding.writeVarUint(reply, MessageType.sync);
    let kind: number;
    try {
      kind = syncProtocol.readSyncMessage(decoder, reply, target, ORIGIN.remote);
    } catch {
      return;
    }
    // Our step 2 answer always carries the whole delete set; a server-only document gets none.
    if (encoding.length(reply) > 1 && !entry.serverOnly) this.send(entry.name, encoding.toUint8Array(reply));
    if (kind === syncProtocol.messageYjsSyncStep1) {
      // We just answered with everything the server lacks.
      if (!entry.fresh && entry.dirty) {
        entry.dirty = false;
        this.refresh();
      }
    } else if (kind === syncProtocol.messageYjsSyncStep2) {
      if (entry.fresh) this.finishReset(entry);
      else if (!entry.isSynced) {
        entry.isSynced = true;
        entry.setSynced(true);
        this.refresh();
      }
    }
  }

  private onControl(json: string): void {
    let parsed: ServerControl | null;
    try {
      parsed = parseServerControl(JSON.parse(json));
    } catch {
      return;
    }
    if (!parsed) return;
    switch (parsed.type) {
      case 'hello':
        if (parsed.protocolVersion !== PROTOCOL_VERSION) {
          const socket = this.socket;
          this.socket = null;
          this.socketState = 'idle';
          if (socket) {
            socket.onclose = null;
            socket.close(1000, 'version-mismatch');
          }
          this.act('reload', 'version-mismatch');
          return;
        }
        this.attempt = 0;
        this.lastCloseReason = null;
        this.sendActivity(); // every (re)connect tells the server how long this device has been idle
        return;
      case 'update-rejected': {
        const entry = this.entries.get(parsed.doc);
        if (!entry || entry.disposed) return;
        this.reset(entry, parsed);
        return;
      }
      case 'doc-error': {
        const entry = this.entries.get(parsed.doc);
        if (entry) this.failDoc(entry, parsed.reason);
        return;
      }
      default:
        assertNever(parsed);
    }
  }

  private sendControl(docName: string, message: ClientControl): void {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.control);
    encoding.writeVarString(encoder, JSON.stringify(message));
    this.send(docName, encoding.toUint8Array(encoder));
  }

  private sendAwareness(entry: DocEntry, clients: number[]): void {
    const awareness = entry.awareness;
    if (!awareness || clients.length === 0 || !entry.subscribed) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.awareness);
    encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, clients));
    this.send(entry.name, encoding.toUint8Array(encoder));
  }

  // ---- documents -------------------------------------------------------------------------

  private queueLoad(entry: DocEntry): void {
    this.loadQueue.push(entry);
    if (this.loadQueue.length === 1) queueMicrotask(() => void this.runLoads());
  }

  /** Loads every document retained in the same tick in one IndexedDB read. */
  private async runLoads(): Promise<void> {
    const batch = this.loadQueue;
    this.loadQueue = [];
    let rows = new Map<string, Uint8Array[]>();
    let known = new Map<string, Uint8Array>();
    if (this.store) {
      const names = batch.map((e) => e.name);
      [rows, known] = await Promise.all([
        this.store.loadMany(names).catch(() => new Map<string, Uint8Array[]>()),
        this.store.loadKnownStored(names).catch(() => new Map<string, Uint8Array>()),
      ]);
    }
    for (const entry of batch) {
      if (entry.disposed) continue;
      const sv = known.get(entry.name);
      if (sv) {
        try {
          if (raiseKnown(entry.known, Y.decodeStateVector(sv))) entry.setStored(entry.known);
        } catch {
          // unreadable: the server's next step 1 tells us again
        }
      }
      const updates = rows.get(entry.name) ?? [];
      // Changes made before the load (none expected: views wait for `loaded`) still get saved.
      const changedEarly = entry.current.store.clients.size > 0;
      if (updates.length > 0) {
        try {
          entry.current.transact(() => {
            for (const update of updates) Y.applyUpdate(entry.current, update);
          }, ORIGIN.persistence);
        } catch {
          void this.store?.remove(entry.name); // unreadable local copy: the server has it
        }
      }
      // Bound only now: with an 'update' listener Yjs re-encodes every applied update, and the
      // local copy (5,000 messages) needs neither writing back nor sending.
      this.bindDoc(entry, entry.current);
      if (changedEarly) {
        this.store?.append(entry.name, Y.encodeStateAsUpdate(entry.current));
        entry.dirty = true;
      }
      entry.isLoaded = true;
      entry.setLoaded(true);
      entry.resolveLoaded();
      if (this.store && this.store.rowCount(entry.name) > Math.min(50, this.compactAfterRows)) {
        // Later, not while the document is being opened (encoding 5,000 messages takes a while).
        this.timers.setTimeout(() => this.compact(entry), 3000);
      }
      this.subscribe(entry);
    }
    this.refresh();
  }

  private get compactAfterRows(): number {
    return this.options.compactAfterRows ?? 200;
  }

  private bindDoc(entry: DocEntry, doc: Y.Doc): void {
    const onUpdate = (update: Uint8Array, origin: unknown) => {
      if (entry.current !== doc || entry.disposed) return;
      if (origin !== ORIGIN.persistence && this.store) {
        this.store.append(entry.name, update);
        if (this.store.rowCount(entry.name) > this.compactAfterRows) queueMicrotask(() => this.compact(entry));
      }
      if (origin === ORIGIN.remote || origin === ORIGIN.persistence || entry.serverOnly) return;
      if (entry.subscribed && !entry.fresh && this.socketState === 'open') {
        const encoder = encoding.createEncoder();
        encoding.writeVarUint(encoder, MessageType.sync);
        syncProtocol.writeUpdate(encoder, update);
        this.send(entry.name, encoding.toUint8Array(encoder));
      } else if (!entry.dirty) {
        entry.dirty = true;
        this.refresh();
      }
    };
    // What the server sends us is stored there (it is durable before it is relayed).
    const onTransaction = (tr: Y.Transaction) => {
      if (tr.origin === ORIGIN.remote && entry.current === doc && !entry.disposed) this.learnStored(entry, advancedClocks(tr.beforeState, tr.afterState));
    };
    doc.on('update', onUpdate);
    doc.on('afterTransaction', onTransaction);
    entry.offDoc = () => {
      doc.off('update', onUpdate);
      doc.off('afterTransaction', onTransaction);
    };
  }

  /** The server has stored `clocks` of this document (knownStored.ts): remembered, and saved soon. */
  private learnStored(entry: DocEntry, clocks: Iterable<[number, number]>): void {
    if (!raiseKnown(entry.known, clocks)) return;
    entry.setStored(entry.known);
    if (this.store && entry.storedSaveTimer === null) {
      entry.storedSaveTimer = this.timers.setTimeout(() => this.saveKnownStored(entry), this.options.knownStoredSaveMs ?? 1000);
    }
  }

  private saveKnownStored(entry: DocEntry): void {
    if (entry.storedSaveTimer === null) return;
    this.timers.clearTimeout(entry.storedSaveTimer);
    entry.storedSaveTimer = null;
    this.store?.saveKnownStored(entry.name, Y.encodeStateVector(entry.known));
  }

  private saveAllKnownStored(): void {
    for (const entry of this.entries.values()) this.saveKnownStored(entry);
  }

  private compact(entry: DocEntry): void {
    if (!this.store || entry.disposed || entry.fresh) return;
    if (this.store.rowCount(entry.name) <= 1) return;
    void this.store.replace(entry.name, Y.encodeStateAsUpdate(entry.current)).catch(() => undefined);
  }

  private subscribe(entry: DocEntry): void {
    if (entry.failure || !entry.isLoaded || entry.disposed || this.socketState !== 'open') return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.sync);
    syncProtocol.writeSyncStep1(encoder, entry.fresh ?? entry.current);
    entry.subscribed = true;
    this.send(entry.name, encoding.toUint8Array(encoder));
    const awareness = entry.awareness;
    if (awareness && !entry.fresh && awareness.getLocalState() !== null) this.sendAwareness(entry, [awareness.clientID]);
  }

  private awarenessOf(entry: DocEntry, doc: Y.Doc): awarenessProtocol.Awareness {
    if (entry.awareness && entry.awareness.doc === doc) return entry.awareness;
    const awareness = new awarenessProtocol.Awareness(doc);
    awareness.setLocalState(null); // nothing to say until a view sets its state
    awareness.on('update', ({ added, updated, removed }: AwarenessChange, origin: unknown) => {
      if (origin === ORIGIN.remote || origin === 'timeout' || entry.awareness !== awareness) return;
      const mine = [...added, ...updated, ...removed].filter((id) => id === awareness.clientID);
      this.sendAwareness(entry, mine);
    });
    entry.awareness = awareness;
    // Ask who is here now instead of waiting for their next heartbeat.
    if (entry.subscribed) {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MessageType.queryAwareness);
      this.send(entry.name, encoding.toUint8Array(encoder));
    }
    return awareness;
  }

  private dropAwareness(entry: DocEntry): void {
    const awareness = entry.awareness;
    if (!awareness) return;
    if (awareness.getLocalState() !== null) {
      awarenessProtocol.removeAwarenessStates(awareness, [awareness.clientID], 'closed');
    }
    entry.awareness = null;
    awareness.destroy();
  }

  private failDoc(entry: DocEntry, reason: DocError): void {
    entry.failure = reason;
    entry.subscribed = false;
    entry.setError(reason);
    this.refresh();
  }

  private release(entry: DocEntry): void {
    entry.refs--;
    if (entry.refs > 0) return;
    const delay = this.options.releaseDelayMs ?? 15_000;
    if (delay <= 0) {
      this.close(entry);
      return;
    }
    entry.releaseTimer = this.timers.setTimeout(() => this.close(entry), delay);
  }

  private close(entry: DocEntry): void {
    if (entry.refs > 0 || entry.disposed) return;
    this.dropAwareness(entry);
    if (entry.subscribed) this.sendControl(entry.name, { type: 'unsubscribe', doc: entry.name });
    this.dispose(entry);
    this.refresh();
  }

  private dispose(entry: DocEntry): void {
    if (entry.releaseTimer) this.timers.clearTimeout(entry.releaseTimer);
    this.saveKnownStored(entry);
    entry.disposed = true;
    entry.offDoc();
    entry.awareness?.destroy();
    entry.awareness = null;
    entry.fresh?.destroy();
    entry.current.destroy();
    this.entries.delete(entry.name);
  }

  // ---- reset after a refusal -------------------------------------------------------------

  /**
   * The server refused an update on this document. Nothing later from the current clientID can
   * ever apply (CID2), and the refused item sits in our copy and would be re-sent at every sync.
   * So: stop sending from the old copy, load the document again from the server into a fresh
   * Y.Doc (new clientID), and when it has arrived (`finishReset`) re-apply what we still want.
   *
   * Refusals that arrive while a reset is under way are about the old copy (they were sent
   * before the server saw our new step 1) and are ignored. The old copy stays in IndexedDB until
   * the fresh one replaces it, so a reload in between only repeats the recovery.
   */
  private reset(entry: DocEntry, message: Extract<ServerControl, { type: 'update-rejected' }>): void {
    if (entry.fresh) return;
    const at = this.now();
    const loop = at - entry.lastResetAt < (this.options.refusalLoopMs ?? 10_000);
    entry.keepLocalChanges = !loop;
    entry.refusal = message.reason;
    this.setRejections((list) => [
      ...list.filter((r) => r.doc !== entry.name || r.reason !== message.reason).slice(-4),
      { doc: entry.name, reason: message.reason, detail: message.detail, rule: message.rule, at, droppedLocalChanges: loop },
    ]);
    entry.fresh = new Y.Doc();
    entry.isSynced = false;
    entry.setSynced(false);
    if (this.socketState === 'open') this.subscribe(entry);
    this.refresh();
  }

  private finishReset(entry: DocEntry): void {
    const old = entry.current;
    const fresh = entry.fresh;
    if (!fresh) return;
    const plan = entry.keepLocalChanges ? planReapply(entry.ref, old, fresh, this.options.agentId, entry.refusal ?? undefined) : null;
    this.dropAwareness(entry);
    entry.offDoc();
    entry.fresh = null;
    entry.current = fresh;
    entry.dirty = false;
    entry.lastResetAt = this.now();
    // The fresh copy replaces every stored row of the old one, atomically.
    void this.store?.replace(entry.name, Y.encodeStateAsUpdate(fresh)).catch(() => undefined);
    this.bindDoc(entry, fresh);
    if (plan && !isEmptyPlan(plan)) applyReapply(fresh, plan, ORIGIN.reapply); // persisted and sent like any edit
    entry.isSynced = true;
    entry.setSynced(true);
    entry.setDoc(fresh);
    old.destroy();
    this.refresh();
  }

  // ---- state -----------------------------------------------------------------------------

  private refresh(): void {
    let syncing = 0;
    const unsynced = new Set<string>();
    for (const entry of this.entries.values()) {
      if (entry.failure) continue;
      if (entry.dirty) unsynced.add(entry.name);
      if (!entry.isSynced) syncing++;
    }
    const waiting = unsynced.size;
    this.setUnsynced(unsynced);
    let state: ConnectionState;
    if (this.terminal) {
      state = { status: this.terminal.status, syncing: 0, waiting, retryAt: null, reason: this.terminal.reason };
    } else if (this.socketState === 'open') {
      state = { status: syncing > 0 ? 'syncing' : 'online', syncing, waiting, retryAt: null, reason: null };
    } else if (this.socketState === 'connecting' && this.retryAt === null && this.attempt === 0) {
      state = { status: 'connecting', syncing, waiting, retryAt: null, reason: null };
    } else {
      state = { status: 'offline', syncing, waiting, retryAt: this.retryAt, reason: this.lastCloseReason };
    }
    this.setState(state);
  }
}

interface AwarenessChange {
  added: number[];
  updated: number[];
  removed: number[];
}

function sameMembers(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const name of a) if (!b.has(name)) return false;
  return true;
}

function sameState(a: ConnectionState, b: ConnectionState): boolean {
  return a.status === b.status && a.syncing === b.syncing && a.waiting === b.waiting && a.retryAt === b.retryAt && a.reason === b.reason;
}

function assertNever(value: never): never {
  throw new Error(`unhandled: ${JSON.stringify(value)}`);
}
