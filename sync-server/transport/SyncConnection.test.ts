import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { agentPrincipal } from '../../tests/helpers/fakeDocHost.ts';
import { SharedFrame } from './frames.ts';
import { type ConnectionEnv, SyncConnection } from './SyncConnection.ts';

/** A socket that records each write the kernel would get (one entry per write or writev call). */
class RecordingSocket extends Writable {
  readonly writes: Buffer[][] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.writes.push([chunk]);
    done();
  }
  override _writev(chunks: Array<{ chunk: Buffer }>, done: () => void): void {
    this.writes.push(chunks.map((c) => c.chunk));
    done();
  }
}

function connection() {
  const socket = new RecordingSocket();
  const ws = { readyState: 1, send: () => {} } as unknown as WebSocket;
  // sendShared touches neither the environment nor the document registry.
  const conn = new SyncConnection(ws, agentPrincipal({ agentId: 'dana', name: 'Dana Reyes' }), false, {} as ConnectionEnv, socket as never);
  return { socket, conn };
}

const frame = (byte: number) => new SharedFrame(Uint8Array.of(0, 2, 1, byte));

describe('SyncConnection.sendShared', () => {
  it('writes the frames of one tick (a message and the receipt behind it) to the socket at once, in order', async () => {
    const { socket, conn } = connection();
    conn.sendShared(frame(1));
    await Promise.resolve(); // a later microtask of the same tick, as the receipt's broadcast is
    conn.sendShared(frame(2));
    expect(socket.writes).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(socket.writes).toHaveLength(1);
    expect(socket.writes[0]).toEqual([frame(1).wsFrame(), frame(2).wsFrame()]);
  });

  it('writes the frames of a later tick in a write of their own', async () => {
    const { socket, conn } = connection();
    conn.sendShared(frame(1));
    await new Promise((resolve) => setImmediate(resolve));
    conn.sendShared(frame(2));
    await new Promise((resolve) => setImmediate(resolve));
    expect(socket.writes.map((w) => w.length)).toEqual([1, 1]);
  });

  it('uncorks every connection corked in the tick', async () => {
    const all = [connection(), connection(), connection()];
    for (const { conn } of all) conn.sendShared(frame(1));
    for (const { conn } of all) conn.sendShared(frame(2));
    await new Promise((resolve) => setImmediate(resolve));
    expect(all.map(({ socket }) => socket.writes.map((w) => w.length))).toEqual([[2], [2], [2]]);
  });
});
