import { createEffect, createRoot, onCleanup, untrack } from 'solid-js';
import { conversationDoc } from '../../shared/ids.ts';
import type { DocHandle, SyncClient } from '../sync/SyncClient.ts';
import { compareActivity } from './conversationOrder.ts';
import type { SearchStore } from './createSearch.ts';
import type { WorkspaceIndexStore } from './createWorkspaceIndex.ts';

export interface BackgroundSyncOptions {
  client: SyncClient;
  workspaceId: string;
  index: WorkspaceIndexStore;
  search: SearchStore | null;
  /** How many of the most recently active conversations to keep synced for offline reading. */
  limit?: number;
  /** Wait this long after start (the first render comes first) and between recomputations. */
  delayMs?: number;
}

/**
 * Keeps the most recently active conversations open (one socket, multiplexed) so they can be
 * read offline, and keeps their search index current.
 */
export function createBackgroundSync(options: BackgroundSyncOptions): void {
  const { client, index } = options;
  const limit = options.limit ?? 100;
  const held = new Map<string, { handle: DocHandle; dispose: () => void }>();
  let timer: ReturnType<typeof setTimeout> | null = null;

  const recompute = () => {
    timer = null;
    const top = untrack(() => index.conversations.values())
      .filter((s) => s && typeof s.id === 'string')
      .sort(compareActivity)
      .slice(0, limit)
      .map((s) => s.id);
    const wanted = new Set(top);
    for (const [id, entry] of held) {
      if (wanted.has(id)) continue;
      entry.dispose();
      entry.handle.release();
      held.delete(id);
    }
    for (const id of top) {
      if (held.has(id)) continue;
      const handle = client.retain(conversationDoc(options.workspaceId, id));
      const dispose = createRoot((dispose) => {
        createEffect(() => {
          const doc = handle.doc();
          if (!handle.loaded() || !options.search) return;
          const reindex = () => options.search?.indexConversation(id, doc, untrack(() => index.conversations.get(id)?.contactName) ?? '');
          reindex();
          doc.on('update', reindex);
          onCleanup(() => doc.off('update', reindex));
        });
        return dispose;
      });
      held.set(id, { handle, dispose });
    }
  };

  createEffect(() => {
    index.conversations.revision();
    if (!index.loaded()) return;
    if (timer) return;
    timer = setTimeout(recompute, options.delayMs ?? 1500);
  });

  onCleanup(() => {
    if (timer) clearTimeout(timer);
    for (const entry of held.values()) {
      entry.dispose();
      entry.handle.release();
    }
    held.clear();
  });
}
