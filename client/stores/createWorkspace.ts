import { type Accessor, createContext, createMemo, createSignal, onCleanup, useContext } from 'solid-js';
import { conversationDoc, settingsDoc } from '../../shared/ids.ts';
import type { SessionInfo } from '../../shared/protocol/rest.ts';
import type { Author } from '../../shared/schema/message.ts';
import { SETTINGS_ROOTS } from '../../shared/schema/settings.ts';
import type { WorkspaceSync } from '../sync/openWorkspaceSync.ts';
import type { ConnectionState, SyncClient } from '../sync/SyncClient.ts';
import { type AgentStateStore, createAgentState } from './createAgentState.ts';
import { type AvailabilityStore, createAvailability } from './createAvailability.ts';
import { createBackgroundSync } from './createBackgroundSync.ts';
import { createContactTyping } from './createContactTyping.ts';
import { isListSort, type ListSort } from './conversationOrder.ts';
import { createUnreadBadge } from './createUnreadBadge.ts';
import { createInbox, type InboxStore } from './createInbox.ts';
import { createLibrary, type LibraryStore } from './createLibrary.ts';
import { createNow } from './createNow.ts';
import { createSearch, type SearchStore } from './createSearch.ts';
import { createSnapshotWriter } from './createSnapshotWriter.ts';
import { createWorkspaceIndex, type WorkspaceIndexStore } from './createWorkspaceIndex.ts';
import { type IndexSnapshot, writeIndexSnapshot } from './indexSnapshot.ts';
import { unreadCount } from './unreadCount.ts';
import { createYMapStore } from './yjsBridge.ts';

/** Everything a signed-in page reads: one object, provided through WorkspaceContext. */
export interface Workspace {
  session: SessionInfo;
  sync: WorkspaceSync;
  client: SyncClient;
  index: WorkspaceIndexStore;
  agent: AgentStateStore;
  settings: Record<string, unknown>;
  /** Quick replies and canned responses (settings document). */
  library: LibraryStore;
  /** Availability of every agent, own status, assignment (docs/presence-routing.md). */
  availability: AvailabilityStore;
  search: SearchStore;
  inbox: InboxStore;
  now: Accessor<number>;
  connection: Accessor<ConnectionState>;
  workspaceName: Accessor<string>;
  memberName(agentId: string | null | undefined): string | null;
  /** Display name of a message's author; `contactName` for contact messages. */
  authorName(author: Author, contactName: string): string;
  unread(conversationId: string): number;
  /** Unread contact messages over every conversation (title and app badge). */
  unreadTotal: Accessor<number>;
  /** The list's sort, kept in the agent's prefs (every device). */
  listSort: Accessor<ListSort>;
  setListSort(sort: ListSort): void;
  /** Whether the agent has an unsent draft in the conversation. */
  hasDraft(conversationId: string): boolean;
  /** Whether the conversation's contact is composing a message right now (ephemeral, TYP1). */
  contactTyping(conversationId: string): boolean;
  /** Whether this device holds changes to the conversation the server has not had yet (offline sends, notes, status). */
  unsynced(conversationId: string): boolean;
  /**
   * True once it is known that this browser keeps no copy of the agent's documents (IndexedDB
   * unavailable, as in some private windows): everything works online, in memory only.
   */
  localCopyUnavailable: Accessor<boolean>;
}

/** Builds the workspace stores for a session (inside a Solid owner: everything cleans up with it). */
export function createWorkspace(session: SessionInfo, sync: WorkspaceSync, snapshot: IndexSnapshot | null = null): Workspace {
  const { client } = sync;
  const ws = session.workspace.id;
  const me = session.agent.id;
  const index = createWorkspaceIndex(client, ws, { snapshot });
  const agent = createAgentState(client, ws, me);
  // Until their documents are in, the rows of the first screen show what the snapshot saved.
  const preview = index.preview;
  const savedRead = () => (agent.loaded() ? null : preview()?.read);
  const savedDrafts = () => (agent.loaded() ? null : preview()?.drafts);
  const member = (id: string) => index.members[id] ?? preview()?.members[id];
  createSnapshotWriter({
    index,
    me,
    member: (id) => index.members[id],
    read: (id) => agent.read[id],
    hasDraft: (id) => agent.drafts[id] === true,
    save: (json) => writeIndexSnapshot(sync.db.name, json),
  });
  const settingsHandle = client.retain(settingsDoc(ws));
  onCleanup(() => settingsHandle.release());
  const settings = createYMapStore<unknown>(() => settingsHandle.doc().getMap(SETTINGS_ROOTS.workspace));
  const role = () => index.members[me]?.role ?? session.agent.role;
  const library = createLibrary(settingsHandle, role);
  const search = createSearch({ db: sync.db.dexie, conversations: index.conversations });
  const listSort = (): ListSort => (isListSort(agent.prefs.listSort) ? agent.prefs.listSort : 'activity');
  const inbox = createInbox({ conversations: index.conversations, me, matches: search.matches, preview, sort: listSort });
  createBackgroundSync({ client, workspaceId: ws, index, search });
  const now = createNow();
  const availability = createAvailability({ presence: index.presence, token: session.token });
  const typing = createContactTyping(index.handle);

  const unread = (id: string) => unreadCount(index.conversations.get(id), savedRead()?.[id] ?? agent.read[id]);
  const unreadTotal = createMemo(() => {
    let total = 0;
    const saved = savedRead();
    for (const s of index.conversations.values()) if (s && typeof s.id === 'string') total += unreadCount(s, saved?.[s.id] ?? agent.read[s.id]);
    return total;
  });
  createUnreadBadge(unreadTotal);
  const [localCopyUnavailable, setLocalCopyUnavailable] = createSignal(false);
  void sync.store.ready.then((kept) => setLocalCopyUnavailable(!kept));
  const memberName = (id: string | null | undefined) => (id ? (member(id)?.name ?? null) : null);
  return {
    session,
    sync,
    client,
    index,
    agent,
    settings,
    library,
    availability,
    search,
    inbox,
    now,
    connection: client.state,
    workspaceName: () => (typeof settings.name === 'string' && settings.name ? settings.name : session.workspace.name),
    memberName,
    authorName(author, contactName) {
      switch (author.type) {
        case 'agent':
          return author.id === me ? (index.members[me]?.name ?? session.agent.name) : (memberName(author.id) ?? 'Agent');
        case 'contact':
          return contactName;
        case 'system':
          return 'Switchboard';
      }
    },
    unread,
    unreadTotal,
    listSort,
    setListSort: (sort) => agent.setPref('listSort', sort),
    hasDraft: (id) => savedDrafts()?.includes(id) ?? agent.drafts[id] === true,
    contactTyping: (id) => typing().has(id),
    unsynced: (id) => client.unsynced().has(conversationDoc(ws, id)),
    localCopyUnavailable,
  };
}

export const WorkspaceContext = createContext<Workspace>();

export function useWorkspace(): Workspace {
  const workspace = useContext(WorkspaceContext);
  if (!workspace) throw new Error('useWorkspace outside WorkspaceContext');
  return workspace;
}
