import type { DocStore, StoredDoc } from './DocStore.ts';

interface Entry {
  snapshot: Uint8Array | null;
  throughSeq: number;
  log: Array<{ seq: number; data: Uint8Array }>;
}

/** A DocStore in memory (tests, benchmarks without persistence). Copies every buffer in and out. */
export class MemoryDocStore implements DocStore {
  private readonly docs = new Map<string, Entry>();
  private seq = 0;

  async load(name: string): Promise<StoredDoc> {
    const entry = this.docs.get(name);
    if (!entry) return { snapshot: null, updates: [], lastSeq: 0, logBytes: 0 };
    const updates = entry.log.map((row) => row.data.slice());
    const last = entry.log.at(-1)?.seq ?? entry.throughSeq;
    return {
      snapshot: entry.snapshot ? entry.snapshot.slice() : null,
      updates,
      lastSeq: last,
      logBytes: updates.reduce((n, u) => n + u.byteLength, 0),
    };
  }

  async append(name: string, update: Uint8Array): Promise<number> {
    const seq = ++this.seq;
    this.entry(name).log.push({ seq, data: update.slice() });
    return seq;
  }

  async compact(name: string, snapshot: Uint8Array, throughSeq: number): Promise<void> {
    const entry = this.entry(name);
    entry.snapshot = snapshot.slice();
    entry.throughSeq = Math.max(entry.throughSeq, throughSeq);
    entry.log = entry.log.filter((row) => row.seq > throughSeq);
  }

  async list(prefix = ''): Promise<string[]> {
    return [...this.docs.keys()].filter((name) => name.startsWith(prefix)).sort();
  }

  async delete(name: string): Promise<void> {
    this.docs.delete(name);
  }

  private entry(name: string): Entry {
    let entry = this.docs.get(name);
    if (!entry) {
      entry = { snapshot: null, throughSeq: 0, log: [] };
      this.docs.set(name, entry);
    }
    return entry;
  }
}
