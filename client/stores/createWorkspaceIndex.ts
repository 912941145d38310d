import { type Accessor, createEffect, createSignal, onCleanup, untrack } from 'solid-js';
import { indexDoc } from '../../shared/ids.ts';
import { type ConversationSummary, INDEX_ROOTS, type MemberSummary } from '../../shared/schema/workspaceIndex.ts';
import { afterPaint } from '../lib/afterPaint.ts';
import type { DocHandle, SyncClient } from '../sync/SyncClient.ts';
import { createYMapStore, createYMapValues, type KeyedValues } from './yjsBridge.ts';

export interface WorkspaceIndexStore {
  /** The index document (null for the first frame of a cold start, see `snapshot`). */
  handle: Accessor<DocHandle | null>;
  /** Conversation id → summary (reactive per conversation). */
  conversations: KeyedValues<ConversationSummary>;
  /** Agent id → member. */
  members: Record<string, MemberSummary>;
  /** The list can be shown: from the document, or from the snapshot until the document is in. */
  loaded: Accessor<boolean>;
  synced: Accessor<boolean>;
}

export interface WorkspaceIndexOptions {
  /** The list as last saved (indexSnapshot.ts): shown until the document is decoded. */
  snapshot?: readonly ConversationSummary[] | null;
  /** Saves the list (a second after changes settle, at most every 10 s, and when the page is hidden). */
  saveSnapshot?: (summaries: readonly ConversationSummary[]) => void;
}

/**
 * The workspace index (`<ws>/index`): conversation summaries and members. With a snapshot, the
 * first frame paints from it and the document is opened right after that frame (decoding
 * 10,000 summaries would otherwise delay the first paint).
 */
export function createWorkspaceIndex(client: SyncClient, workspaceId: string, options: WorkspaceIndexOptions = {}): WorkspaceIndexStore {
  const [handle, setHandle] = createSignal<DocHandle | null>(null);
  let released = false;
  const open = () => {
    if (!released) setHandle(client.retain(indexDoc(workspaceId)));
  };
  const snapshot = options.snapshot && options.snapshot.length > 0 ? options.snapshot : null;
  if (snapshot) afterPaint(open);
  else open();
  onCleanup(() => {
    released = true;
    handle()?.release();
  });

  const docLoaded = () => handle()?.loaded() ?? false;
  const live = createYMapValues<ConversationSummary>(() => (docLoaded() ? (handle()?.doc().getMap(INDEX_ROOTS.conversations) ?? null) : null));
  const byId = new Map((snapshot ?? []).map((s) => [s.id, s]));
  const conversations: KeyedValues<ConversationSummary> = {
    get: (key) => (docLoaded() ? live.get(key) : byId.get(key)),
    values: () => (docLoaded() ? live.values() : [...byId.values()]),
    revision: () => (docLoaded() ? live.revision() : -1),
  };
  const members = createYMapStore<MemberSummary>(() => handle()?.doc().getMap(INDEX_ROOTS.members) ?? null);

  if (options.saveSnapshot) {
    const save = options.saveSnapshot;
    // Written a second after changes settle, at most every 10 s (it is a 3 MB write at 10,000
    // conversations), and at pagehide (which Chromium may not finish for a write this big).
    let timer: ReturnType<typeof setTimeout> | null = null;
    let dirty = false;
    let lastWrite = 0;
    const flush = () => {
      if (timer) clearTimeout(timer);
      timer = null;
      if (!dirty || !docLoaded()) return;
      dirty = false;
      lastWrite = Date.now();
      save(untrack(() => live.values()));
    };
    const schedule = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(flush, Math.max(1000, lastWrite + 10_000 - Date.now()));
    };
    // The first revision after loading is the stored copy itself: already in the snapshot.
    let skipFirst = snapshot !== null;
    createEffect(() => {
      live.revision();
      if (!docLoaded()) return;
      if (skipFirst) {
        skipFirst = false;
        return;
      }
      dirty = true;
      schedule();
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

  return {
    handle,
    conversations,
    members,
    loaded: () => docLoaded() || snapshot !== null,
    synced: () => handle()?.synced() ?? false,
  };
}
