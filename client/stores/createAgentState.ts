import { type Accessor, createComputed, onCleanup } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import * as Y from 'yjs';
import { agentDoc } from '../../shared/ids.ts';
import { AGENT_ROOTS, DRAFT_PREFIX, draftRoot, type ScrollPosition } from '../../shared/schema/agentDoc.ts';
import type { DocHandle, SyncClient } from '../sync/SyncClient.ts';
import { createYMapStore } from './yjsBridge.ts';

export interface AgentStateStore {
  handle: DocHandle;
  /** Conversation id → inboundCount seen. */
  read: Record<string, number>;
  /** Conversation id → where the thread was left. */
  scroll: Record<string, ScrollPosition>;
  prefs: Record<string, unknown>;
  loaded: Accessor<boolean>;
  /** Conversation ids with a non-empty draft. */
  drafts: Record<string, boolean>;
  /** The draft of a conversation: a root Y.Text of the current agent doc (changes after a reset). */
  draft(conversationId: string): Y.Text;
  /** Records that the agent has seen `inboundCount` contact messages (never moves back). */
  markRead(conversationId: string, inboundCount: number): void;
  saveScroll(conversationId: string, position: ScrollPosition): void;
  setPref(key: string, value: unknown): void;
}

/** The agent's private document (`<ws>/agent/<me>`): drafts, read marks, scroll positions, prefs. */
export function createAgentState(client: SyncClient, workspaceId: string, agentId: string): AgentStateStore {
  const handle = client.retain(agentDoc(workspaceId, agentId));
  onCleanup(() => handle.release());
  const doc = handle.doc;
  const read = createYMapStore<number>(() => doc().getMap(AGENT_ROOTS.read));
  const scroll = createYMapStore<ScrollPosition>(() => doc().getMap(AGENT_ROOTS.scroll));
  const prefs = createYMapStore<unknown>(() => doc().getMap(AGENT_ROOTS.prefs));
  const [drafts, setDrafts] = createStore<Record<string, boolean>>({});
  createComputed(() => {
    const d = doc();
    const scan = () => {
      const next: Record<string, boolean> = {};
      for (const key of d.share.keys()) {
        if (key.startsWith(DRAFT_PREFIX) && d.getText(key).length > 0) next[key.slice(DRAFT_PREFIX.length)] = true;
      }
      setDrafts(reconcile(next));
    };
    scan();
    // Drafts are root types: watch which roots each transaction changed.
    const onTransaction = (transaction: Y.Transaction) => {
      for (const type of transaction.changed.keys()) {
        if (type._item !== null) continue;
        const key = Y.findRootTypeKey(type);
        if (!key.startsWith(DRAFT_PREFIX)) continue;
        const nonEmpty = (type as unknown as { _length: number })._length > 0;
        setDrafts(key.slice(DRAFT_PREFIX.length), nonEmpty ? true : (undefined as unknown as boolean));
      }
    };
    d.on('afterTransaction', onTransaction);
    onCleanup(() => d.off('afterTransaction', onTransaction));
  });
  return {
    drafts,
    handle,
    read,
    scroll,
    prefs,
    loaded: handle.loaded,
    draft: (conversationId) => doc().getText(draftRoot(conversationId)),
    markRead(conversationId, inboundCount) {
      const map = doc().getMap<number>(AGENT_ROOTS.read);
      const current = map.get(conversationId) ?? 0;
      if (inboundCount > current) map.set(conversationId, inboundCount);
    },
    saveScroll(conversationId, position) {
      const map = doc().getMap<ScrollPosition>(AGENT_ROOTS.scroll);
      const current = map.get(conversationId);
      if (current && current.anchor === position.anchor && Math.abs(current.offset - position.offset) < 1) return;
      map.set(conversationId, { anchor: position.anchor, offset: Math.round(position.offset) });
    },
    setPref(key, value) {
      doc().getMap(AGENT_ROOTS.prefs).set(key, value);
    },
  };
}
