import { createEffect, createSignal, onCleanup, untrack } from 'solid-js';
import { buildIndexSnapshot, type SnapshotSources } from './indexSnapshot.ts';
import type { WorkspaceIndexStore } from './createWorkspaceIndex.ts';

export interface SnapshotWriterOptions extends Omit<SnapshotSources, 'perList'> {
  index: WorkspaceIndexStore;
  /** Stores the JSON (indexSnapshot.ts writeIndexSnapshot). */
  save: (json: string) => void;
  /** Quiet time after the last change before writing. */
  delayMs?: number;
}

/**
 * Keeps the first-screen snapshot current once the index document is loaded: rebuilt a second
 * after changes settle (the index, or the read marks, drafts and names its rows show) and when
 * the page is hidden, written only when it differs from the last write. Building reads the
 * summaries once (no sort of the whole list) and the JSON is a few tens of KB.
 */
export function createSnapshotWriter(options: SnapshotWriterOptions): void {
  const { index } = options;
  const delay = options.delayMs ?? 1000;
  // The rows and assignees of the last snapshot: changes to what they show make it stale.
  const [shown, setShown] = createSignal<{ ids: string[]; assignees: string[] }>({ ids: [], assignees: [] }, {
    equals: (a, b) => a.ids.join() === b.ids.join() && a.assignees.join() === b.assignees.join(),
  });
  let timer: ReturnType<typeof setTimeout> | null = null;
  let written: string | null = null;

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!untrack(index.docLoaded)) return;
    const snapshot = untrack(() => buildIndexSnapshot(index.conversations.values(), options));
    const json = JSON.stringify(snapshot);
    if (json !== written) {
      written = json;
      options.save(json);
    }
    const assignees = new Set<string>();
    for (const s of snapshot.rows) if (s.assigneeId) assignees.add(s.assigneeId);
    setShown({ ids: snapshot.rows.map((s) => s.id), assignees: [...assignees] });
  };

  createEffect(() => {
    if (!index.docLoaded()) return;
    index.conversations.revision();
    const { ids, assignees } = shown();
    for (const id of ids) {
      options.read(id);
      options.hasDraft(id);
    }
    for (const id of assignees) options.member(id);
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, delay);
  });

  const onHide = () => {
    if (document.visibilityState === 'hidden') flush();
  };
  if (typeof window !== 'undefined') {
    window.addEventListener('pagehide', flush);
    document.addEventListener('visibilitychange', onHide);
  }
  onCleanup(() => {
    flush();
    if (typeof window !== 'undefined') {
      window.removeEventListener('pagehide', flush);
      document.removeEventListener('visibilitychange', onHide);
    }
  });
}
