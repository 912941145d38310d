/**
 * The background work a service has started and not yet seen finish (flushes, deliveries, queued
 * tasks), so that `idle()` and `close()` can wait for all of it. A tracked promise that rejects
 * counts as finished; its owner logs the failure.
 */
export class PendingWork {
  private readonly running = new Set<Promise<void>>();

  /** Counts `p` as running until it settles. */
  track(p: Promise<unknown>): void {
    const settled = p.then(
      () => undefined,
      () => undefined,
    );
    this.running.add(settled);
    void settled.then(() => this.running.delete(settled));
  }

  /** Resolves when everything tracked so far, and anything it started meanwhile, has settled. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
