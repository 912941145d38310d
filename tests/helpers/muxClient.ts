import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { ClientControl, ServerControl } from '../../shared/protocol/control.ts';
import { MessageType } from '../../shared/protocol/messageTypes.ts';
import { decodeMuxFrame, encodeMuxFrame } from '../../shared/protocol/multiplex.ts';
import { waitFor } from './waitFor.ts';

const REMOTE = 'remote';

/**
 * A bare multiplexed sync client for tests (`/sync?token=`): one socket, a Y.Doc and an
 * Awareness per opened document, every control message recorded. Speaks the protocol of
 * docs/protocol.md directly, so tests can also send what a well-behaved client never would.
 */
export class MuxTestClient {
  readonly ws: WebSocket;
  readonly docs = new Map<string, Y.Doc>();
  readonly awareness = new Map<string, awarenessProtocol.Awareness>();
  readonly controls: ServerControl[] = [];
  readonly synced = new Set<string>();
  /** Every frame received, as [docName, messageType]. */
  readonly frames: Array<[string, number]> = [];
  closeCode: number | null = null;
  private readonly opened: Promise<void>;

  constructor(serverUrl: string, token: string) {
    this.ws = new WebSocket(`${serverUrl}?token=${encodeURIComponent(token)}`);
    this.ws.binaryType = 'nodebuffer';
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.ws.on('error', () => {});
    this.ws.on('close', (code) => {
      this.closeCode = code;
    });
    this.ws.on('message', (data: Buffer) => this.onFrame(new Uint8Array(data)));
  }

  async ready(): Promise<this> {
    await this.opened;
    await waitFor(() => this.controls.some((c) => c.type === 'hello'), 'hello');
    return this;
  }

  /** Opens a document: a fresh Y.Doc (or `doc`), subscribed with sync step 1. */
  open(name: string, doc = new Y.Doc()): Y.Doc {
    this.docs.set(name, doc);
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === REMOTE) return;
      const enc = encoding.createEncoder();
      encoding.writeVarUint(enc, MessageType.sync);
      syncProtocol.writeUpdate(enc, update);
      this.sendFrame(name, encoding.toUint8Array(enc));
    });
    const enc = encoding.createEncoder();
    encoding.writeVarUint(enc, MessageType.sync);
    syncProtocol.writeSyncStep1(enc, doc);
    this.sendFrame(name, encoding.toUint8Array(enc));
    return doc;
  }

  /** The Awareness of an opened document; local changes are sent to the server. */
  awarenessOf(name: string): awarenessProtocol.Awareness {
    let awareness = this.awareness.get(name);
    if (awareness) return awareness;
    awareness = new awarenessProtocol.Awareness(this.docs.get(name)!);
    awareness.setLocalState(null);
    const a = awareness;
    a.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
      if (origin === REMOTE) return;
      this.sendAwareness(name, awarenessProtocol.encodeAwarenessUpdate(a, [...added, ...updated, ...removed]));
    });
    this.awareness.set(name, a);
    return a;
  }

  sendAwareness(name: string, update: Uint8Array): void {
    const enc = encoding.createEncoder();
    encoding.writeVarUint(enc, MessageType.awareness);
    encoding.writeVarUint8Array(enc, update);
    this.sendFrame(name, encoding.toUint8Array(enc));
  }

  /** Sends a raw Yjs update for `name` (sync message "update"). */
  sendUpdate(name: string, update: Uint8Array): void {
    const enc = encoding.createEncoder();
    encoding.writeVarUint(enc, MessageType.sync);
    syncProtocol.writeUpdate(enc, update);
    this.sendFrame(name, encoding.toUint8Array(enc));
  }

  sendControl(name: string, message: ClientControl): void {
    const enc = encoding.createEncoder();
    encoding.writeVarUint(enc, MessageType.control);
    encoding.writeVarString(enc, JSON.stringify(message));
    this.sendFrame(name, encoding.toUint8Array(enc));
  }

  sendFrame(name: string, frame: Uint8Array): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(encodeMuxFrame(name, frame));
  }

  async whenSynced(name: string): Promise<void> {
    await waitFor(() => this.synced.has(name), `${name} synced`);
  }

  whenClosed(): Promise<number> {
    return waitFor(() => this.closeCode, 'socket closed');
  }

  control<T extends ServerControl['type']>(type: T, doc?: string): Promise<Extract<ServerControl, { type: T }>> {
    return waitFor(
      () => this.controls.find((c): c is Extract<ServerControl, { type: T }> => c.type === type && (doc === undefined || ('doc' in c && c.doc === doc))),
      `control ${type}`,
    );
  }

  close(): void {
    this.ws.close();
  }

  private onFrame(data: Uint8Array): void {
    const { docName, frame } = decodeMuxFrame(data);
    const decoder = decoding.createDecoder(frame);
    const type = decoding.readVarUint(decoder);
    this.frames.push([docName, type]);
    if (type === MessageType.control) {
      this.controls.push(JSON.parse(decoding.readVarString(decoder)) as ServerControl);
      return;
    }
    const doc = this.docs.get(docName);
    if (!doc) return;
    if (type === MessageType.sync) {
      const reply = encoding.createEncoder();
      encoding.writeVarUint(reply, MessageType.sync);
      const kind = syncProtocol.readSyncMessage(decoder, reply, doc, REMOTE);
      if (encoding.length(reply) > 1) this.sendFrame(docName, encoding.toUint8Array(reply));
      if (kind === syncProtocol.messageYjsSyncStep2) this.synced.add(docName);
    } else if (type === MessageType.awareness) {
      const awareness = this.awarenessOf(docName);
      awarenessProtocol.applyAwarenessUpdate(awareness, decoding.readVarUint8Array(decoder), REMOTE);
    }
  }
}
