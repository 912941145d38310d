import type { ClientPool } from './ClientPool.ts';
import { InspectorClient } from './InspectorClient.ts';
import type { ServerUnderTest } from './ServerUnderTest.ts';
import { readRssBytes } from './procStats.ts';
import type { ClientSpec } from './workerProtocol.ts';

export interface MemoryResult {
  server: string;
  connections: number;
  rooms: number;
  connectMs: number;
  /** Live memory (JS heap used + external, after a forced full GC) per connection. */
  perConnectionKiB: number;
  heapBeforeMiB: number;
  heapAfterMiB: number;
  /** RSS growth per connection (coarse: a heap with free space absorbs new objects without growing). */
  rssPerConnectionKiB: number;
  rssBeforeMiB: number;
  rssAfterMiB: number;
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MiB = 2 ** 20;

/** Warm-up connections (and their rooms), opened and closed before the measurement. */
const WARMUP = 20;
const WARMUP_FIRST_ROOM = 1000;

/** The rooms (`server.room('mem', i)` indexes) the measurement opens, warm-up included. */
export function idleMemoryRooms(rooms: number): number[] {
  return [...Array.from({ length: WARMUP }, (_, i) => WARMUP_FIRST_ROOM + i), ...Array.from({ length: rooms }, (_, i) => i)];
}

function specs(server: ServerUnderTest, n: number, rooms: number, first: number): ClientSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    room: server.room('mem', first + (i % rooms)),
    roomIndex: i % rooms,
    slot: Math.floor(i / rooms),
  }));
}

/**
 * Memory per idle, synced connection: warm the connection path first (a few clients opened and
 * closed), force a GC in the server through its inspector and read its memory, open `n` clients
 * over `rooms` documents, wait until all are synced and the server is quiet, GC and read again.
 */
export async function measureIdleMemory(pool: ClientPool, server: ServerUnderTest, n: number, rooms: number): Promise<MemoryResult> {
  await pool.connect(server.wsBase, server.params, specs(server, WARMUP, WARMUP, WARMUP_FIRST_ROOM));
  await pool.close();
  const inspector = await InspectorClient.connect(server.inspectPort);
  try {
    await settle(500);
    const before = await inspector.memoryAfterGc();
    const rssBefore = readRssBytes(server.pid);
    const connectMs = await pool.connect(server.wsBase, server.params, specs(server, n, rooms, 0));
    await settle(1000);
    const after = await inspector.memoryAfterGc();
    const rssAfter = readRssBytes(server.pid);
    await pool.close();
    const live = (m: { heapUsed: number; external: number }) => m.heapUsed + m.external;
    return {
      server: server.label,
      connections: n,
      rooms,
      connectMs,
      perConnectionKiB: (live(after) - live(before)) / n / 1024,
      heapBeforeMiB: live(before) / MiB,
      heapAfterMiB: live(after) / MiB,
      rssPerConnectionKiB: (rssAfter - rssBefore) / n / 1024,
      rssBeforeMiB: rssBefore / MiB,
      rssAfterMiB: rssAfter / MiB,
    };
  } finally {
    inspector.close();
  }
}
