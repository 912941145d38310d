import { indexDoc } from '../../shared/ids.ts';
import { INDEX_ROOTS, type ConversationSummary } from '../../shared/schema/workspaceIndex.ts';
import type { DocHost } from '../docs/DocHost.ts';

/** A change to one conversation's summary: the next summary from the current one. */
export type SummaryChange = (current: ConversationSummary) => ConversationSummary;

interface Waiting {
  conversationId: string;
  change: SummaryChange;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Writes conversation summaries into the workspace index, group-committed: the changes asked for
 * during one turn of the event loop (every socket read and webhook the turn handled) become one
 * transaction on the index, at the end of the turn (setImmediate). That is one update to encode,
 * store and send to every agent's list instead of one per message, with no added delay: a quiet
 * server writes each change at the end of the turn that made it, a busy one writes more per
 * commit. Changes apply in the order they were asked for; each caller's promise resolves once
 * its change is durable (or rejects if its change threw: the others are still written).
 *
 * A change may also be allowed to wait (`within` ms) for others to share its write: the summary
 * of a conversation written several times in that window is then encoded and sent once. The
 * index goes to every agent online, so under load this divides the list traffic of the whole
 * team. Any change without a delay writes everything waiting with it, in order; `hurry()` (for
 * `idle()` and shutdown) lets nothing wait.
 */
export class SummaryWriter {
  private readonly waiting = new Map<string, Waiting[]>();
  private scheduled: NodeJS.Immediate | null = null;
  private timer: NodeJS.Timeout | null = null;
  private hurrying = 0;

  constructor(
    private readonly docs: DocHost,
    private readonly actor: string,
  ) {}

  /**
   * Replaces the summary of `conversationId` by `change(current)`; nothing when it has none.
   * `within`: the change may wait that long (ms) to share a write with later ones.
   */
  update(workspaceId: string, conversationId: string, change: SummaryChange, opts: { within?: number } = {}): Promise<void> {
    return new Promise((resolve, reject) => {
      let list = this.waiting.get(workspaceId);
      if (!list) this.waiting.set(workspaceId, (list = []));
      list.push({ conversationId, change, resolve, reject });
      const within = this.hurrying > 0 ? 0 : (opts.within ?? 0);
      if (within <= 0) this.writeAtEndOfTurn();
      else if (!this.scheduled) {
        this.timer ??= setTimeout(() => this.writeNow(), within);
        this.timer.unref?.();
      }
    });
  }

  /**
   * Until the returned function is called, no change waits (deferred ones already waiting are
   * written at the end of this turn).
   */
  hurry(): () => void {
    this.hurrying++;
    if (this.waiting.size > 0) this.writeAtEndOfTurn();
    let done = false;
    return () => {
      if (!done) this.hurrying--;
      done = true;
    };
  }

  private writeAtEndOfTurn(): void {
    this.scheduled ??= setImmediate(() => this.writeNow());
  }

  /** Writes every waiting change now (one transaction per workspace). */
  writeNow(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    if (this.timer) clearTimeout(this.timer);
    this.scheduled = null;
    this.timer = null;
    const batches = [...this.waiting];
    this.waiting.clear();
    for (const [workspaceId, list] of batches) void this.write(workspaceId, list);
  }

  private async write(workspaceId: string, list: Waiting[]): Promise<void> {
    const failed = new Map<Waiting, unknown>();
    try {
      await this.docs.change(indexDoc(workspaceId), this.actor, (doc) => {
        const map = doc.getMap<ConversationSummary>(INDEX_ROOTS.conversations);
        // Several changes to one conversation in a batch compose; each summary is set once.
        const next = new Map<string, ConversationSummary>();
        for (const w of list) {
          const current = next.get(w.conversationId) ?? map.get(w.conversationId);
          if (!current) continue;
          try {
            next.set(w.conversationId, w.change(current));
          } catch (err) {
            failed.set(w, err);
          }
        }
        for (const [id, summary] of next) {
          if (!sameJson(summary, map.get(id))) map.set(id, summary);
        }
      });
    } catch (err) {
      for (const w of list) w.reject(err);
      return;
    }
    for (const w of list) {
      if (failed.has(w)) w.reject(failed.get(w));
      else w.resolve();
    }
  }
}

/**
 * Whether two JSON values are equal as JSON (a property holding `undefined` counts as absent),
 * without serialising them: a summary is compared at every message.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((v, i) => sameJson(v, other[i]));
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let count = 0;
  for (const key in x) {
    if (x[key] === undefined) continue;
    count++;
    if (!sameJson(x[key], y[key])) return false;
  }
  for (const key in y) if (y[key] !== undefined) count--;
  return count === 0;
}
