import { type Accessor, createSignal, onCleanup } from 'solid-js';
import { indexDoc } from '../../shared/ids.ts';
import type { ContactProfile } from '../../shared/schema/contact.ts';
import type { AgentPresence } from '../../shared/schema/presence.ts';
import { type ConversationSummary, INDEX_ROOTS, type MemberSummary } from '../../shared/schema/workspaceIndex.ts';
import { afterPaint } from '../lib/afterPaint.ts';
import type { DocHandle, SyncClient } from '../sync/SyncClient.ts';
import type { IndexSnapshot } from './indexSnapshot.ts';
import { createYMapStore, createYMapValues, type KeyedValues } from './yjsBridge.ts';

export interface WorkspaceIndexStore {
  /** The index document (null for the first frame of a cold start, see `snapshot`). */
  handle: Accessor<DocHandle | null>;
  /** Conversation id → summary (reactive per conversation). */
  conversations: KeyedValues<ConversationSummary>;
  /** Agent id → member. */
  members: Record<string, MemberSummary>;
  /** Contact id → profile (server-written; edits go through the REST API). */
  contacts: Record<string, ContactProfile>;
  /** Agent id → derived availability (server-written, PRS1; docs/presence-routing.md). */
  presence: Record<string, AgentPresence>;
  /** The list can be shown: from the document, or from the snapshot until the document is in. */
  loaded: Accessor<boolean>;
  /** The document itself is loaded (then `conversations` holds every conversation). */
  docLoaded: Accessor<boolean>;
  /** The first-screen snapshot shown until the document is loaded; null from then on. */
  preview: Accessor<IndexSnapshot | null>;
  synced: Accessor<boolean>;
}

export interface WorkspaceIndexOptions {
  /** The first screen as last saved (indexSnapshot.ts): shown until the document is decoded. */
  snapshot?: IndexSnapshot | null;
}

/**
 * The workspace index (`<ws>/index`): conversation summaries and members. With a snapshot, the
 * first frame paints from it and the document is opened right after that frame (decoding
 * 10,000 summaries would otherwise delay the first paint); until then `conversations` holds
 * only the snapshot's rows.
 */
export function createWorkspaceIndex(client: SyncClient, workspaceId: string, options: WorkspaceIndexOptions = {}): WorkspaceIndexStore {
  const [handle, setHandle] = createSignal<DocHandle | null>(null);
  let released = false;
  const open = () => {
    if (!released) setHandle(client.retain(indexDoc(workspaceId)));
  };
  const snapshot = options.snapshot && options.snapshot.rows.length > 0 ? options.snapshot : null;
  if (snapshot) afterPaint(open);
  else open();
  onCleanup(() => {
    released = true;
    handle()?.release();
  });

  const live = createYMapValues<ConversationSummary>(() => (handle()?.loaded() ? (handle()?.doc().getMap(INDEX_ROOTS.conversations) ?? null) : null));
  // Switches with the bridge itself (not the handle), so the list never sees the document
  // loaded before the bridge reads it.
  const docLoaded = () => live.source() !== null;
  const byId = new Map((snapshot?.rows ?? []).map((s) => [s.id, s]));
  const conversations: KeyedValues<ConversationSummary> = {
    get: (key) => (docLoaded() ? live.get(key) : byId.get(key)),
    values: () => (docLoaded() ? live.values() : [...byId.values()]),
    revision: () => (docLoaded() ? live.revision() : -1),
  };
  const members = createYMapStore<MemberSummary>(() => handle()?.doc().getMap(INDEX_ROOTS.members) ?? null);
  const contacts = createYMapStore<ContactProfile>(() => (handle()?.loaded() ? (handle()?.doc().getMap(INDEX_ROOTS.contacts) ?? null) : null));
  const presence = createYMapStore<AgentPresence>(() => handle()?.doc().getMap(INDEX_ROOTS.presence) ?? null);

  return {
    handle,
    conversations,
    members,
    contacts,
    presence,
    loaded: () => docLoaded() || snapshot !== null,
    docLoaded,
    preview: () => (snapshot && !docLoaded() ? snapshot : null),
    synced: () => handle()?.synced() ?? false,
  };
}
