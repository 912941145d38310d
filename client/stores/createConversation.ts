import { type Accessor, createMemo, onCleanup } from 'solid-js';
import { CAPABILITIES, isChannel } from '../../shared/channels/capabilities.ts';
import { conversationDoc, newId } from '../../shared/ids.ts';
import { CONV_ROOTS, type ConversationMeta, type ConversationStatus } from '../../shared/schema/conversation.ts';
import type { Receipt } from '../../shared/schema/delivery.ts';
import { mentionRanges } from '../../shared/notifications/mentions.ts';
import { AgentEntrySchema, type MessageEntry } from '../../shared/schema/message.ts';
import { type LibraryUse, MAX_USES_PER_MESSAGE } from '../../shared/schema/settings.ts';
import type { ShownDelivery } from '../components/DeliveryStatus.tsx';
import type { DocError, DocHandle, SyncClient } from '../sync/SyncClient.ts';
import { unstoredEntryIds } from './unstoredEntries.ts';
import { createYArraySignal, createYMapStore } from './yjsBridge.ts';

export type SendResult = { ok: true; entry: MessageEntry } | { ok: false; reason: 'empty' | 'too-long' | 'not-loaded' };

export interface ConversationStore {
  id: string;
  handle: DocHandle;
  /** Entries in order (immutable once appended). */
  messages: Accessor<readonly MessageEntry[]>;
  /** Message id → delivery receipt, as the server wrote them. */
  receipts: Record<string, Receipt>;
  /**
   * What the thread shows under an agent's message: its receipt; without one, nothing (queued)
   * until the server is known to have stored it, then Sent on a channel where stored is sent
   * (webchat, DLV1) and Sending elsewhere (the server is handing it to the provider).
   */
  deliveryOf(entry: MessageEntry): ShownDelivery | undefined;
  meta: Partial<ConversationMeta>;
  status: Accessor<ConversationStatus | undefined>;
  loaded: Accessor<boolean>;
  synced: Accessor<boolean>;
  error: Accessor<DocError | null>;
  /**
   * Appends a message or internal note by this agent (a CRDT item: offline it is queued and sent
   * once). `uses`: the quick replies and canned responses inserted into a message, which the
   * server counts (SET3). `mentions`: members picked from the `@` menu of a note; those whose
   * `@Name` is still in the text are stored as references (NTF4). `html`: an email message's
   * HTML alternative (a canned response's rich formatting).
   */
  send(
    kind: 'message' | 'note',
    text: string,
    options?: { now?: number; uses?: readonly LibraryUse[]; mentions?: ReadonlyArray<{ agentId: string; name: string }>; html?: string },
  ): SendResult;
  setStatus(status: ConversationStatus): void;
}

/** One conversation document (`<ws>/conv/<id>`) as stores. */
export function createConversation(client: SyncClient, workspaceId: string, conversationId: string, agentId: string): ConversationStore {
  const handle = client.retain(conversationDoc(workspaceId, conversationId));
  onCleanup(() => handle.release());
  const doc = handle.doc;
  const messages = createYArraySignal<MessageEntry>(() => doc().getArray(CONV_ROOTS.messages));
  const receipts = createYMapStore<Receipt>(() => doc().getMap(CONV_ROOTS.receipts));
  const meta = createYMapStore<unknown>(() => doc().getMap(CONV_ROOTS.meta)) as Partial<ConversationMeta>;
  const state = createYMapStore<unknown>(() => doc().getMap(CONV_ROOTS.state));
  // Entries written here that the server has not stored yet (re-read when either side moves).
  const unstored = createMemo(() => {
    messages();
    return unstoredEntryIds(doc(), handle.stored());
  });
  const storedIsSent = () => {
    const channel = meta.channel;
    return isChannel(channel) && CAPABILITIES[channel].sentWhenStored;
  };
  return {
    id: conversationId,
    handle,
    messages,
    receipts,
    deliveryOf(entry) {
      const receipt = receipts[entry.id];
      if (receipt || entry.kind !== 'message' || entry.author.type !== 'agent' || unstored().has(entry.id)) return receipt;
      return storedIsSent() ? { status: 'sent' } : { status: 'sending' };
    },
    meta,
    status: () => state.status as ConversationStatus | undefined,
    loaded: handle.loaded,
    synced: handle.synced,
    error: handle.error,
    send(kind, rawText, options = {}) {
      if (!handle.loaded()) return { ok: false, reason: 'not-loaded' };
      const text = rawText.trim();
      const entry: MessageEntry = { id: newId(), kind, author: { type: 'agent', id: agentId }, text, createdAt: options.now ?? Date.now() };
      // Email: the HTML alternative of a rich canned response (the server re-sanitises it: MAIL5).
      if (kind === 'message' && options.html) entry.email = { html: options.html };
      if (kind === 'message' && options.uses?.length) entry.uses = options.uses.slice(0, MAX_USES_PER_MESSAGE).map((u) => ({ kind: u.kind, id: u.id }));
      if (kind === 'note' && options.mentions?.length) {
        const mentions = mentionRanges(text, options.mentions);
        if (mentions.length) entry.mentions = mentions;
      }
      if (!text) return { ok: false, reason: 'empty' };
      if (!AgentEntrySchema.safeParse(entry).success) return { ok: false, reason: 'too-long' };
      const arr = doc().getArray<MessageEntry>(CONV_ROOTS.messages);
      arr.insert(arr.length, [entry]); // O(1), unlike push (stack notes)
      return { ok: true, entry };
    },
    setStatus(status) {
      const map = doc().getMap(CONV_ROOTS.state);
      if (map.get('status') !== status) map.set('status', status);
    },
  };
}
