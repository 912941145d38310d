import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { ServerControl } from '../../../shared/protocol/control.ts';
import { MessageType } from '../../../shared/protocol/messageTypes.ts';
import { decodeMuxFrame, encodeMuxFrame } from '../../../shared/protocol/multiplex.ts';
import { encodeStored } from '../../../shared/protocol/stored.ts';
import type { RejectReason } from '../../../shared/protocol/rejectReasons.ts';
import { PROTOCOL_VERSION } from '../../../shared/protocol/version.ts';
import type { SocketLike, Timers } from '../SyncClient.ts';

/**
 * An in-memory stand-in for the sync server, speaking the multiplexed protocol, for client
 * tests. Nothing moves until the test calls `flush()`; no timers, no sleeps.
 *
 * It answers step 1 with step 2 and its own step 1, relays updates to other subscribers,
 * acknowledges each applied update to its sender (`stored`, unless `acknowledge` is off), and
 * refuses an update (nothing of it applied) when it leaves a clock gap (missing-dependency, as
 * CID2) or when the test's `refuse` says so.
 */
export class FakeSyncServer {
  readonly docs = new Map<string, Y.Doc>();
  readonly connections: FakeConnection[] = [];
  /** Inspect the document as it would be after the update; return a reason to refuse it. */
  refuse: (docName: string, after: Y.Doc, update: Uint8Array) => RejectReason | null = () => null;
  /** While false, new sockets fail (close 1006) at the next flush. */
  reachable = true;
  /** Every update-rejected the server sent. */
  readonly rejected: Array<{ doc: string; reason: RejectReason }> = [];
  helloVersion = PROTOCOL_VERSION;
  /** While false, applied updates are not acknowledged (`stored`), as if not yet durable. */
  acknowledge = true;

  /** A socket factory for SyncClient's `createSocket`. */
  readonly createSocket = (url: string): SocketLike => {
    const connection = new FakeConnection(this, url);
    this.connections.push(connection);
    return connection.client;
  };

  doc(name: string): Y.Doc {
    let doc = this.docs.get(name);
    if (!doc) {
      doc = new Y.Doc();
      this.docs.set(name, doc);
      doc.on('update', (update: Uint8Array, origin: unknown) => {
        for (const connection of this.connections) {
          if (connection !== origin && connection.subscriptions.has(name)) connection.sendSync(name, (e) => syncProtocol.writeUpdate(e, update));
        }
      });
    }
    return doc;
  }

  /** Changes a document as the server would (its own origin), relayed to subscribers. */
  change(name: string, fn: (doc: Y.Doc) => void): void {
    const doc = this.doc(name);
    doc.transact(() => fn(doc), 'server');
  }

  /** Delivers frames both ways (and opens or fails new sockets) until nothing moves. */
  flush(): void {
    for (let round = 0; round < 1000; round++) {
      let moved = false;
      for (const connection of [...this.connections]) moved = connection.pump() || moved;
      if (!moved) return;
    }
    throw new Error('FakeSyncServer: frames still moving after 1000 rounds');
  }

  /** Drops every connection with `code` (1006: network loss). */
  disconnectAll(code = 1006): void {
    for (const connection of [...this.connections]) connection.drop(code);
  }

  get live(): FakeConnection[] {
    return this.connections.filter((c) => c.state === 'open');
  }
}

export class FakeConnection {
  state: 'pending' | 'open' | 'closed' = 'pending';
  readonly subscriptions = new Set<string>();
  private readonly toServer: Uint8Array[] = [];
  private readonly toClient: Uint8Array[] = [];
  readonly client: SocketLike;

  constructor(
    private readonly server: FakeSyncServer,
    readonly url: string,
  ) {
    const self = this;
    this.client = {
      binaryType: 'arraybuffer',
      get readyState() {
        return self.state === 'open' ? 1 : self.state === 'pending' ? 0 : 3;
      },
      send(data: Uint8Array) {
        if (self.state !== 'open') throw new Error('send on a socket that is not open');
        self.toServer.push(data.slice());
      },
      close(code = 1000) {
        if (self.state === 'closed') return;
        self.state = 'closed';
        self.remove();
        queueClose(self, code);
      },
      onopen: null,
      onmessage: null,
      onclose: null,
      onerror: null,
    };
  }

  /** Moves what is queued; true if anything happened. */
  pump(): boolean {
    if (this.state === 'pending') {
      if (!this.server.reachable) {
        this.drop(1006);
        return true;
      }
      this.state = 'open';
      this.client.onopen?.({});
      this.sendControl('', { type: 'hello', protocolVersion: this.server.helloVersion, agentId: 'me', connectionId: 'c1' });
      return true;
    }
    let moved = false;
    while (this.state === 'open' && this.toServer.length > 0) {
      moved = true;
      this.receive(this.toServer.shift() as Uint8Array);
    }
    while (this.state === 'open' && this.toClient.length > 0) {
      moved = true;
      const data = this.toClient.shift() as Uint8Array;
      this.client.onmessage?.({ data: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) });
    }
    return moved;
  }

  drop(code: number): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.remove();
    this.client.onclose?.({ code, reason: '' });
  }

  sendSync(docName: string, write: (encoder: encoding.Encoder) => void): void {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.sync);
    write(encoder);
    this.toClient.push(encodeMuxFrame(docName, encoding.toUint8Array(encoder)));
  }

  sendControl(docName: string, message: ServerControl): void {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.control);
    encoding.writeVarString(encoder, JSON.stringify(message));
    this.toClient.push(encodeMuxFrame(docName, encoding.toUint8Array(encoder)));
  }

  private remove(): void {
    const list = this.server.connections;
    const i = list.indexOf(this);
    if (i >= 0) list.splice(i, 1);
  }

  private receive(data: Uint8Array): void {
    const { docName, frame } = decodeMuxFrame(data);
    const decoder = decoding.createDecoder(frame);
    const type = decoding.readVarUint(decoder);
    if (type === MessageType.control) {
      const message = JSON.parse(decoding.readVarString(decoder)) as { type: string; doc: string };
      if (message.type === 'unsubscribe') this.subscriptions.delete(message.doc);
      return;
    }
    if (type === MessageType.awareness) {
      const update = decoding.readVarUint8Array(decoder);
      for (const other of this.server.connections) {
        if (other === this || !other.subscriptions.has(docName)) continue;
        const encoder = encoding.createEncoder();
        encoding.writeVarUint(encoder, MessageType.awareness);
        encoding.writeVarUint8Array(encoder, update);
        other.toClient.push(encodeMuxFrame(docName, encoding.toUint8Array(encoder)));
      }
      return;
    }
    if (type !== MessageType.sync) return;
    const doc = this.server.doc(docName);
    const kind = decoding.readVarUint(decoder);
    if (kind === syncProtocol.messageYjsSyncStep1) {
      const stateVector = decoding.readVarUint8Array(decoder);
      this.subscriptions.add(docName);
      this.sendSync(docName, (e) => syncProtocol.writeSyncStep2(e, doc, stateVector));
      this.sendSync(docName, (e) => syncProtocol.writeSyncStep1(e, doc));
      return;
    }
    const update = decoding.readVarUint8Array(decoder);
    const trial = new Y.Doc();
    Y.applyUpdate(trial, Y.encodeStateAsUpdate(doc));
    Y.applyUpdate(trial, update);
    const gap = trial.store.pendingStructs !== null || trial.store.pendingDs !== null;
    const reason: RejectReason | null = gap ? 'missing-dependency' : this.server.refuse(docName, trial, update);
    trial.destroy();
    if (reason) {
      this.server.rejected.push({ doc: docName, reason });
      this.sendControl(docName, { type: 'update-rejected', doc: docName, reason, detail: `refused by test (${reason})` });
      return;
    }
    Y.applyUpdate(doc, update, this);
    if (this.server.acknowledge) this.toClient.push(encodeMuxFrame(docName, encodeStored(Y.parseUpdateMeta(update).to)));
  }
}

function queueClose(connection: FakeConnection, code: number): void {
  queueMicrotask(() => connection.client.onclose?.({ code, reason: '' }));
}

/** Timers the test advances by hand. */
export class ManualTimers implements Timers {
  private now = 0;
  private next = 1;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { at: this.now + ms, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Runs every timer due within `ms`, in order. */
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.pending].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.now = due[1].at;
      due[1].fn();
    }
    this.now = until;
  }

  get time(): number {
    return this.now;
  }
}
