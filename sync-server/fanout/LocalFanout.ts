import type { Fanout, FanoutHandler } from './Fanout.ts';

/**
 * Fan-out inside one process: delivers synchronously to the handlers subscribed to a document.
 * One instance shared by several DocRegistries stands in for several processes in tests.
 */
export class LocalFanout implements Fanout {
  private readonly handlers = new Map<string, Set<FanoutHandler>>();
  private closed = false;

  publish(docName: string, update: Uint8Array, from: string): void {
    if (this.closed) return;
    const set = this.handlers.get(docName);
    if (!set) return;
    for (const handler of set) handler(update, from);
  }

  subscribe(docName: string, handler: FanoutHandler): () => void {
    let set = this.handlers.get(docName);
    if (!set) {
      set = new Set();
      this.handlers.set(docName, set);
    }
    set.add(handler);
    return () => {
      const current = this.handlers.get(docName);
      if (!current) return;
      current.delete(handler);
      if (current.size === 0) this.handlers.delete(docName);
    };
  }

  /** Documents with at least one subscriber (tests). */
  subscribedDocs(): string[] {
    return [...this.handlers.keys()];
  }

  async close(): Promise<void> {
    this.closed = true;
    this.handlers.clear();
  }
}
