import { randomBytes } from 'node:crypto';
import * as decoding from 'lib0/decoding';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import * as Y from 'yjs';
import { CloseCode } from '../../shared/protocol/closeCodes.ts';
import { ClientControl, type ServerControl } from '../../shared/protocol/control.ts';
import { MessageType } from '../../shared/protocol/messageTypes.ts';
import { decodeMuxFrame } from '../../shared/protocol/multiplex.ts';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.ts';
import type { DocRef } from '../../shared/ids.ts';
import type { Principal } from '../auth/Principal.ts';
import type { ClientOrigin, DocRegistry, DocSubscriber, LiveDoc } from '../docs/DocRegistry.ts';
import type { Logger } from '../ops/log.ts';
import type { Metrics } from '../ops/metrics.ts';
import { authorizeDoc, documentExists } from '../rules/authorizeDoc.ts';
import type { Rejected } from '../rules/validateUpdate.ts';
import type { AwarenessMember, AwarenessRoom } from './AwarenessRoom.ts';
import { type SharedFrame, SyncMessage, controlFrame, muxPrefix, permissionDeniedFrame, prefixed, syncFrame } from './frames.ts';

/** What every connection of a sync service shares. */
export interface ConnectionEnv {
  docs: DocRegistry;
  joinRoom(docName: string, member: AwarenessMember): AwarenessRoom;
  leaveRoom(room: AwarenessRoom, member: AwarenessMember): void;
  logger: Logger;
  metrics: Metrics;
  maxFrameBytes: number;
  /** Documents one multiplexed connection may have open at once. */
  maxDocsPerConnection: number;
  /** An `activity` control message: input on the client `idleMs` ago (PRS5: server only). */
  activity(principal: Principal, idleMs: number): void;
}

/** A frame that cannot be decoded (FRAME1): the connection is closed with 4400. */
class MalformedFrame extends Error {}

const OPEN = 1;

/** One connection's subscription to one document. */
class Subscription implements DocSubscriber, AwarenessMember {
  readonly awarenessIds = new Set<number>();
  live: LiveDoc | null = null;
  /** Frames that arrived while the document was loading or a step 1 waited for durability. */
  readonly pending: Uint8Array[] = [];
  busy = false;
  disposed = false;
  greeted = false;
  readonly room: AwarenessRoom;
  /** `varString(name)`, for this document's multiplexed frames. */
  readonly prefix: Uint8Array | null;

  constructor(
    readonly conn: SyncConnection,
    readonly name: string,
    env: ConnectionEnv,
  ) {
    this.prefix = conn.multiplexed ? muxPrefix(name) : null;
    this.room = env.joinRoom(name, this);
  }

  get connectionId(): string {
    return this.conn.id;
  }
  get multiplexed(): boolean {
    return this.conn.multiplexed;
  }
  get principal(): Principal {
    return this.conn.principal;
  }
  get echoAwareness(): boolean {
    return !this.conn.multiplexed;
  }

  /** Sends a frame shared with other connections (registry broadcasts, awareness relays). */
  send(frame: SharedFrame): void {
    this.conn.sendShared(frame);
  }

  /** Sends a y-websocket frame of this document, adding the name prefix on a multiplexed connection. */
  sendDocFrame(frame: Uint8Array): void {
    this.conn.send(this.prefix ? prefixed(this.prefix, frame) : frame);
  }

  evicted(): void {
    this.live = null;
    this.conn.fail('doc_evicted', this.name);
  }
}

/** Connections whose socket sendShared corked in this tick; one nextTick uncorks them all. */
const corkedThisTick: SyncConnection[] = [];

function uncorkAll(): void {
  const list = corkedThisTick.splice(0);
  for (const conn of list) conn.uncorkShared();
}

/**
 * One sync websocket: single-document (`/sync/<doc>`, stock y-websocket frames) or multiplexed
 * (`/sync`, frames prefixed with the document name; see docs/protocol.md). Routes frames to its
 * subscriptions: sync step 1 is answered with step 2 and our own step 1; updates go through
 * validation (DocRegistry.applyClientUpdate); awareness goes through the document's
 * AwarenessRoom. A frame it cannot decode closes only this connection (FRAME1).
 */
export class SyncConnection {
  readonly id = randomBytes(6).toString('base64url');
  /** Cleared by each heartbeat, set by pong and by any frame. */
  alive = true;
  private readonly subs = new Map<string, Subscription>();
  private readonly origin: ClientOrigin;
  private receivedAt = 0;
  private closed = false;
  /** The socket is corked until the end of this tick (sendShared). */
  private corked = false;

  /** The only subscription of a single-document connection. */
  private single: Subscription | null = null;

  constructor(
    readonly ws: WebSocket,
    readonly principal: Principal,
    readonly multiplexed: boolean,
    private readonly env: ConnectionEnv,
    /** The upgraded TCP socket under `ws`, for writing pre-framed broadcasts (see sendShared). */
    private readonly socket: Duplex | null = null,
  ) {
    this.origin = { kind: 'client', connectionId: this.id, principal };
  }

  /** Single-document: opens `docName` now. Multiplexed: sends `hello`. */
  start(docName: string | null): void {
    if (this.multiplexed) {
      this.send(
        prefixed(
          muxPrefix(''),
          controlFrame({ type: 'hello', protocolVersion: PROTOCOL_VERSION, agentId: this.principal.agentId, connectionId: this.id }),
        ),
      );
      return;
    }
    const name = docName ?? '';
    const access = authorizeDoc(this.principal, name);
    if (!access.ok) {
      this.refuseDoc(name, access.reason, access.rule);
      return;
    }
    this.open(name, access.ref);
  }

  /** Documents this connection is subscribed to. */
  get docCount(): number {
    return this.subs.size;
  }

  onMessage(data: Buffer, isBinary: boolean): void {
    if (this.closed) return;
    this.alive = true;
    this.receivedAt = performance.now();
    if (data.byteLength > this.env.maxFrameBytes) {
      this.close(CloseCode.tooLarge.code, CloseCode.tooLarge.reason);
      return;
    }
    try {
      if (!isBinary) throw new MalformedFrame('text frame');
      if (this.multiplexed) this.onMuxFrame(data);
      else if (this.single) this.docFrame(this.single, data);
    } catch (err) {
      this.malformed(err);
    }
  }

  send(frame: Uint8Array): void {
    if (this.ws.readyState === OPEN) this.ws.send(frame);
  }

  /**
   * Sends a frame shared by many connections. Its WebSocket framing is built once and written
   * straight to the socket: the server sends unmasked, uncompressed (perMessageDeflate is off)
   * frames, and ws's sender writes synchronously, never queueing, so this keeps frame order.
   *
   * The socket stays corked until the current tick's work is done (process.nextTick runs once the
   * microtasks have drained): what one incoming update causes, such as a webchat message and the
   * `sent` receipt stored with it, leaves in one write instead of one system call per frame. One
   * nextTick uncorks every connection corked in the tick. Frames ws sends meanwhile queue behind,
   * in order.
   */
  sendShared(frame: SharedFrame): void {
    if (this.ws.readyState !== OPEN) return;
    const socket = this.socket;
    if (socket && socket.writable) {
      if (!this.corked) {
        this.corked = true;
        socket.cork();
        if (corkedThisTick.push(this) === 1) process.nextTick(uncorkAll);
      }
      socket.write(frame.wsFrame());
    } else this.ws.send(frame.payload);
  }

  /** Ends sendShared's cork (see there). */
  uncorkShared(): void {
    this.corked = false;
    this.socket?.uncork();
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.ws.close(code, reason);
    } catch {
      this.ws.terminate();
    }
    this.dispose();
  }

  /** Something went wrong on the server side for this connection: close it (1011), the client retries. */
  fail(event: string, doc: string): void {
    this.env.logger.warn({ event, conn: this.id, doc });
    this.close(1011, 'internal-error');
  }

  /** Drops every subscription (the socket closed). */
  dispose(): void {
    this.closed = true;
    for (const sub of [...this.subs.values()]) this.unsubscribe(sub);
  }

  // ---- frames ----------------------------------------------------------------------------------

  private onMuxFrame(data: Uint8Array): void {
    let docName: string;
    let frame: Uint8Array;
    try {
      ({ docName, frame } = decodeMuxFrame(data));
    } catch {
      throw new MalformedFrame('truncated multiplexed frame');
    }
    const type = frame[0];
    if (type === MessageType.control) {
      this.onControl(frame);
      return;
    }
    let sub = this.subs.get(docName);
    if (!sub) {
      // The first sync step 1 for a document subscribes it; anything else for a document that
      // is not (or no longer) subscribed is dropped (e.g. still in flight after unsubscribe).
      if (type !== MessageType.sync || frame[1] !== SyncMessage.step1) {
        if (type === undefined || type > MessageType.queryAwareness) throw new MalformedFrame('unknown message type');
        return;
      }
      const access = authorizeDoc(this.principal, docName);
      if (!access.ok) {
        this.refuseDoc(docName, access.reason, access.rule);
        return;
      }
      if (this.subs.size >= this.env.maxDocsPerConnection) {
        // Every open document is held in memory: an unbounded number would be a way to exhaust it.
        this.env.logger.warn({ event: 'too_many_docs', conn: this.id, agent: this.principal.agentId, docs: this.subs.size });
        this.close(CloseCode.rateLimited.code, CloseCode.rateLimited.reason);
        return;
      }
      sub = this.open(docName, access.ref);
    }
    this.docFrame(sub, frame);
  }

  private onControl(frame: Uint8Array): void {
    if (!this.multiplexed) throw new MalformedFrame('control frame on a single-document connection');
    const decoder = decoding.createDecoder(frame);
    decoding.readVarUint(decoder);
    let message: ClientControl;
    try {
      const parsed = ClientControl.safeParse(JSON.parse(decoding.readVarString(decoder)));
      if (!parsed.success) throw new Error('unknown control message');
      message = parsed.data;
    } catch {
      throw new MalformedFrame('bad control message');
    }
    switch (message.type) {
      case 'unsubscribe': {
        const sub = this.subs.get(message.doc);
        if (sub) this.unsubscribe(sub);
        this.env.logger.debug({ event: 'doc_unsubscribed', conn: this.id, doc: message.doc.slice(0, 200) });
        return;
      }
      case 'activity':
        this.env.activity(this.principal, message.idleMs);
        return;
    }
  }

  /** Runs a document frame now, or queues it behind a load or a pending step 1 (frames stay in order). */
  private docFrame(sub: Subscription, frame: Uint8Array): void {
    if (!sub.live || sub.busy) {
      sub.pending.push(frame);
      return;
    }
    const waiting = this.handleDocFrame(sub, sub.live, frame);
    if (waiting) this.wait(sub, waiting);
  }

  private wait(sub: Subscription, waiting: Promise<void>): void {
    sub.busy = true;
    waiting.then(
      () => {
        sub.busy = false;
        this.drain(sub);
      },
      (err: unknown) => {
        if (err instanceof MalformedFrame) this.malformed(err);
        else this.fail('step1_failed', sub.name);
      },
    );
  }

  private drain(sub: Subscription): void {
    try {
      while (sub.pending.length > 0 && sub.live && !sub.busy && !sub.disposed) {
        const frame = sub.pending.shift()!;
        const waiting = this.handleDocFrame(sub, sub.live, frame);
        if (waiting) this.wait(sub, waiting);
      }
    } catch (err) {
      this.malformed(err);
    }
  }

  /** One y-websocket frame of a document. Returns a promise when it had to wait (step 1 before durability). */
  private handleDocFrame(sub: Subscription, live: LiveDoc, frame: Uint8Array): Promise<void> | void {
    const decoder = decoding.createDecoder(frame);
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case MessageType.sync: {
        const kind = decoding.readVarUint(decoder);
        const payload = decoding.readVarUint8Array(decoder);
        if (kind === SyncMessage.step1) return this.answerStep1(sub, live, payload);
        if (kind === SyncMessage.step2 || kind === SyncMessage.update) {
          this.applyUpdate(sub, live, payload);
          return;
        }
        throw new MalformedFrame('unknown sync message');
      }
      case MessageType.awareness: {
        const update = decoding.readVarUint8Array(decoder);
        if (!sub.room.apply(sub, update)) throw new MalformedFrame('bad awareness update');
        return;
      }
      case MessageType.queryAwareness: {
        const frame = sub.room.snapshotFrame(this.multiplexed);
        if (frame) this.send(frame);
        return;
      }
      default:
        throw new MalformedFrame('unknown message type');
    }
  }

  /**
   * Sync step 1 (the client's state vector): answer with step 2 (what it lacks) and our own
   * step 1 (so it sends what we lack). What is in the step 2 must be durable first.
   */
  private answerStep1(sub: Subscription, live: LiveDoc, stateVector: Uint8Array): Promise<void> | void {
    let decoded: Map<number, number>;
    try {
      decoded = Y.decodeStateVector(stateVector);
    } catch {
      throw new MalformedFrame('bad state vector');
    }
    if (decoded.size > 100_000) throw new MalformedFrame('state vector too large');
    const waiting = this.env.docs.whenDurable(live);
    if (waiting) return waiting.then(() => this.replyStep1(sub, live, stateVector));
    // (A store failure rejects `waiting`: the document is evicted and the connection fails.)
    this.replyStep1(sub, live, stateVector);
  }

  private replyStep1(sub: Subscription, live: LiveDoc, stateVector: Uint8Array): void {
    if (sub.disposed || sub.live !== live) return;
    sub.sendDocFrame(syncFrame(SyncMessage.step2, Y.encodeStateAsUpdate(live.doc, stateVector)));
    sub.sendDocFrame(syncFrame(SyncMessage.step1, Y.encodeStateVector(live.doc)));
    if (!sub.greeted) {
      sub.greeted = true;
      const awareness = sub.room.snapshotFrame(this.multiplexed);
      if (awareness) this.send(awareness);
    }
  }

  private applyUpdate(sub: Subscription, live: LiveDoc, update: Uint8Array): void {
    let result: ReturnType<DocRegistry['applyClientUpdate']>;
    try {
      result = this.env.docs.applyClientUpdate(live, update, this.origin, this.receivedAt);
    } catch (err) {
      // Not the client's fault (e.g. the database went away): close with 1011, it retries.
      this.env.logger.error({ event: 'apply_failed', conn: this.id, doc: sub.name, reason: String(err) });
      this.close(1011, 'internal-error');
      return;
    }
    if (!result.ok) this.sendRejection(sub, result);
  }

  /** `update-rejected` (multiplexed) or, for a stock provider, auth permission-denied with the same JSON. */
  private sendRejection(sub: Subscription, result: Rejected): void {
    const message: ServerControl = { type: 'update-rejected', doc: sub.name, reason: result.reason, detail: result.detail, rule: result.rule };
    if (this.multiplexed) this.sendControl(sub.name, message);
    else this.send(permissionDeniedFrame(JSON.stringify(message)));
  }

  private sendControl(docName: string, message: ServerControl): void {
    this.send(prefixed(muxPrefix(docName), controlFrame(message)));
  }

  // ---- subscriptions ---------------------------------------------------------------------------

  private open(name: string, ref: DocRef): Subscription {
    const sub = new Subscription(this, name, this.env);
    this.subs.set(name, sub);
    if (!this.multiplexed) this.single = sub;
    this.env.docs.subscribe(name, sub).then(
      (live) => {
        if (sub.disposed) {
          this.env.docs.unsubscribe(live, sub);
          return;
        }
        sub.live = live;
        if (!documentExists(ref, live.doc)) {
          // DOC2: never created; nothing the client sent for it is handled.
          this.unsubscribe(sub);
          this.refuseDoc(name, 'unknown-document', 'DOC2');
          return;
        }
        this.drain(sub);
      },
      (err: unknown) => {
        this.env.logger.error({ event: 'doc_open_failed', conn: this.id, doc: name, reason: String(err) });
        this.close(1011, 'internal-error');
      },
    );
    return sub;
  }

  private unsubscribe(sub: Subscription): void {
    if (sub.disposed) return;
    sub.disposed = true;
    sub.pending.length = 0;
    if (this.subs.get(sub.name) === sub) this.subs.delete(sub.name);
    if (this.single === sub) this.single = null;
    this.env.leaveRoom(sub.room, sub);
    if (sub.live) this.env.docs.unsubscribe(sub.live, sub);
    sub.live = null;
  }

  private malformed(err: unknown): void {
    if (this.closed) return;
    this.env.metrics.framesMalformed.inc();
    this.env.logger.warn({ event: 'frame_malformed', conn: this.id, agent: this.principal.agentId, reason: err instanceof Error ? err.message : String(err) });
    this.close(CloseCode.malformedFrame.code, CloseCode.malformedFrame.reason);
  }

  /**
   * Refuses a document: logged with its rule; a multiplexed connection gets `doc-error` and stays
   * open, a single-document connection gets the auth protocol's permission-denied and is closed.
   */
  private refuseDoc(doc: string, reason: 'forbidden' | 'unknown-document', rule: string): void {
    this.env.logger.warn({ event: 'doc_refused', conn: this.id, agent: this.principal.agentId, doc: doc.slice(0, 200), rule });
    if (this.multiplexed) {
      this.sendControl(doc, { type: 'doc-error', doc, reason });
      return;
    }
    const close = reason === 'forbidden' ? CloseCode.forbidden : CloseCode.unknownDocument;
    this.send(permissionDeniedFrame(reason));
    this.close(close.code, close.reason);
  }
}
