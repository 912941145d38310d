import { type Accessor, createEffect, createMemo, createSignal, on, onCleanup } from 'solid-js';
import type * as Y from 'yjs';
import { CONV_ROOTS } from '../../shared/schema/conversation.ts';
import type { MessageEntry } from '../../shared/schema/message.ts';
import type { ConversationSummary } from '../../shared/schema/workspaceIndex.ts';
import type { LocalDatabase } from '../sync/LocalDatabase.ts';
import { indexWords, tokenize } from './tokenize.ts';
import type { KeyedValues } from './yjsBridge.ts';

export interface SearchStore {
  query: Accessor<string>;
  setQuery(query: string): void;
  /** Conversation ids matching the query, or null when there is no query. */
  matches: Accessor<ReadonlySet<string> | null>;
  /** (Re)indexes a cached conversation document; writes are debounced per conversation. */
  indexConversation(conversationId: string, doc: Y.Doc, contactName: string): void;
}

export interface SearchOptions {
  /** The device database (a promise while Dexie loads: DeviceDatabase), null for none. */
  db: Promise<LocalDatabase> | null;
  conversations: KeyedValues<ConversationSummary>;
  debounceMs?: number;
}

/**
 * Local search, offline too: contact names come from the workspace index (every conversation);
 * message and note text from the Dexie word index of the conversations cached on this device.
 * Every word of the query must match (the last one as a prefix, as the agent is still typing).
 */
export function createSearch(options: SearchOptions): SearchStore {
  const { db } = options;
  const [query, setQuery] = createSignal('');
  const [textMatches, setTextMatches] = createSignal<ReadonlySet<string>>(new Set());
  const [indexVersion, setIndexVersion] = createSignal(0);
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  onCleanup(() => {
    for (const t of timers.values()) clearTimeout(t);
  });

  let run = 0;
  createEffect(
    on([query, indexVersion], async ([q]) => {
      const mine = ++run;
      const words = tokenize(q);
      if (words.length === 0 || !db) {
        setTextMatches(new Set<string>());
        return;
      }
      try {
        const database = await db;
        let result = null as Set<string> | null;
        for (let i = 0; i < words.length; i++) {
          const word = words[i] as string;
          const last = i === words.length - 1;
          const keys = (await (last ? database.search.where('words').startsWith(word) : database.search.where('words').equals(word))
            .distinct()
            .primaryKeys()) as string[];
          const set: Set<string> = new Set(keys);
          const previous: Set<string> | null = result;
          result = previous === null ? set : new Set([...previous].filter((id: string) => set.has(id)));
          if (result.size === 0) break;
        }
        if (mine === run) setTextMatches(result ?? new Set<string>());
      } catch {
        if (mine === run) setTextMatches(new Set<string>());
      }
    }),
  );

  const matches = createMemo<ReadonlySet<string> | null>(() => {
    const words = tokenize(query());
    if (words.length === 0) return null;
    const result = new Set(textMatches());
    for (const summary of options.conversations.values()) {
      if (!summary) continue;
      const name = tokenize(summary.contactName);
      const all = words.every((w, i) => (i === words.length - 1 ? name.some((n) => n.startsWith(w)) : name.includes(w)));
      if (all) result.add(summary.id);
    }
    return result;
  });

  const write = async (conversationId: string, doc: Y.Doc, contactName: string) => {
    const database = await db?.catch(() => null);
    if (!database || doc.isDestroyed) return;
    const texts = [contactName];
    for (const m of doc.getArray<MessageEntry>(CONV_ROOTS.messages).toArray()) {
      if (m && m.kind !== 'event' && typeof m.text === 'string') texts.push(m.text);
    }
    await database.search.put({ id: conversationId, words: indexWords(texts), updatedAt: Date.now() }).catch(() => undefined);
    setIndexVersion((n) => n + 1);
  };

  return {
    query,
    setQuery,
    matches,
    indexConversation(conversationId, doc, contactName) {
      const existing = timers.get(conversationId);
      if (existing) clearTimeout(existing);
      timers.set(
        conversationId,
        setTimeout(() => {
          timers.delete(conversationId);
          void write(conversationId, doc, contactName);
        }, options.debounceMs ?? 400),
      );
    },
  };
}
