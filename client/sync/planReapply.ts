import * as Y from 'yjs';
import type { DocRef } from '../../shared/ids.ts';
import { isId } from '../../shared/ids.ts';
import { AGENT_ROOTS, DRAFT_PREFIX, isDraftMeta, MAX_DRAFT_LENGTH } from '../../shared/schema/agentDoc.ts';
import { CONV_ROOTS, ClientStateKeys } from '../../shared/schema/conversation.ts';
import { AgentEntrySchema, type MessageEntry } from '../../shared/schema/message.ts';
import { CannedResponseSchema, QuickReplySchema, SETTINGS_ROOTS } from '../../shared/schema/settings.ts';

/**
 * What a client still wants after the server refused one of its updates on a document.
 *
 * The client drops its copy (memory and IndexedDB), loads the document again from the server
 * under a new clientID (`fresh`), then re-applies the plan: its drafts, its messages and notes
 * the server never got (when they are still valid), and the map values it set that the server
 * never got. Everything else of the old copy is dropped; the refused change among it.
 */
export interface ReapplyPlan {
  /** Agent doc: draft root name → text this device had. */
  drafts: Array<{ root: string; text: string }>;
  /** Conversation doc: own messages and notes missing on the server, in their old order. */
  messages: MessageEntry[];
  /** Map values set locally and never received by the server. */
  maps: Array<{ root: string; key: string; value: unknown }>;
}

export const emptyPlan = (): ReapplyPlan => ({ drafts: [], messages: [], maps: [] });

export const isEmptyPlan = (plan: ReapplyPlan) =>
  plan.drafts.length === 0 && plan.messages.length === 0 && plan.maps.length === 0;

/**
 * Builds the plan from the dropped copy (`old`) and the server's copy (`fresh`). `refusal`: the
 * reason the server gave; `not-allowed` on the settings document (SET1: the agent may not write
 * there, e.g. its role was lowered) keeps nothing of it, since the same edits would be refused
 * again.
 */
export function planReapply(ref: DocRef, old: Y.Doc, fresh: Y.Doc, agentId: string, refusal?: string): ReapplyPlan {
  const plan = emptyPlan();
  const serverState = Y.decodeStateVector(Y.encodeStateVector(fresh));
  switch (ref.kind) {
    case 'index':
      return plan; // written by the server only (IDX1): nothing of ours to keep
    case 'conversation': {
      const have = new Set(fresh.getArray<MessageEntry>(CONV_ROOTS.messages).toArray().map((m) => m?.id));
      for (const entry of old.getArray<unknown>(CONV_ROOTS.messages).toArray()) {
        const parsed = AgentEntrySchema.safeParse(entry);
        if (!parsed.success || parsed.data.author.id !== agentId || have.has(parsed.data.id)) continue;
        have.add(parsed.data.id);
        plan.messages.push(parsed.data as MessageEntry);
      }
      for (const [key, schema] of Object.entries(ClientStateKeys)) {
        collectUnsynced(plan, old, fresh, serverState, CONV_ROOTS.state, (k) => k === key, (v) => schema.safeParse(v).success);
      }
      return plan;
    }
    case 'agent': {
      for (const root of old.share.keys()) {
        if (!root.startsWith(DRAFT_PREFIX) || !isId(root.slice(DRAFT_PREFIX.length))) continue;
        const text = old.getText(root).toString().slice(0, MAX_DRAFT_LENGTH);
        if (text !== fresh.getText(root).toString()) plan.drafts.push({ root, text });
      }
      collectUnsynced(plan, old, fresh, serverState, AGENT_ROOTS.read, isId, (v) => Number.isInteger(v) && (v as number) >= 0);
      collectUnsynced(plan, old, fresh, serverState, AGENT_ROOTS.scroll, isId, isScrollPosition);
      collectUnsynced(plan, old, fresh, serverState, AGENT_ROOTS.prefs, () => true, isPlainJson);
      collectUnsynced(plan, old, fresh, serverState, AGENT_ROOTS.draftMeta, isId, isDraftMeta);
      return plan;
    }
    case 'settings':
      if (refusal === 'not-allowed') return plan;
      collectUnsynced(plan, old, fresh, serverState, SETTINGS_ROOTS.workspace, () => true, isPlainJson);
      // Library entries edited offline, when still valid (a refused template, SET2, is not).
      collectUnsynced(plan, old, fresh, serverState, SETTINGS_ROOTS.quickReplies, isId, (v) => QuickReplySchema.safeParse(v).success);
      collectUnsynced(plan, old, fresh, serverState, SETTINGS_ROOTS.cannedResponses, isId, (v) => CannedResponseSchema.safeParse(v).success);
      return plan;
  }
}

/** Applies a plan to the reloaded document in one transaction. */
export function applyReapply(doc: Y.Doc, plan: ReapplyPlan, origin: unknown): void {
  if (isEmptyPlan(plan)) return;
  doc.transact(() => {
    for (const { root, text } of plan.drafts) replaceText(doc.getText(root), text);
    if (plan.messages.length > 0) {
      const messages = doc.getArray<MessageEntry>(CONV_ROOTS.messages);
      messages.insert(messages.length, plan.messages);
    }
    for (const { root, key, value } of plan.maps) doc.getMap(root).set(key, value);
  }, origin);
}

/** Rewrites a Y.Text to `next` touching only the changed middle (keeps concurrent edits elsewhere). */
export function replaceText(text: Y.Text, next: string): void {
  const prev = text.toString();
  if (prev === next) return;
  let start = 0;
  while (start < prev.length && start < next.length && prev[start] === next[start]) start++;
  let end = 0;
  while (end < prev.length - start && end < next.length - start && prev[prev.length - 1 - end] === next[next.length - 1 - end]) end++;
  const removed = prev.length - start - end;
  if (removed > 0) text.delete(start, removed);
  const inserted = next.slice(start, next.length - end);
  if (inserted) text.insert(start, inserted);
}

/** Map entries whose current value was written by an item the server does not have. */
function collectUnsynced(
  plan: ReapplyPlan,
  old: Y.Doc,
  fresh: Y.Doc,
  serverState: Map<number, number>,
  root: string,
  keyOk: (key: string) => boolean,
  valueOk: (value: unknown) => boolean,
): void {
  if (!old.share.has(root)) return;
  const oldMap = old.getMap<unknown>(root);
  const freshMap = fresh.getMap<unknown>(root);
  // Y.Map keeps the item behind each key in `_map` (yjs 13): its id says who wrote it.
  const items = (oldMap as unknown as { _map: Map<string, { id: { client: number; clock: number }; deleted: boolean }> })._map;
  for (const [key, item] of items) {
    if (item.deleted || !keyOk(key)) continue;
    const known = item.id.clock < (serverState.get(item.id.client) ?? 0);
    if (known) continue;
    let value = oldMap.get(key);
    if (!valueOk(value)) continue;
    if (root === AGENT_ROOTS.read) value = Math.max(value as number, (freshMap.get(key) as number | undefined) ?? 0);
    if (JSON.stringify(freshMap.get(key)) === JSON.stringify(value)) continue;
    plan.maps.push({ root, key, value });
  }
}

function isScrollPosition(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as { anchor?: unknown; offset?: unknown };
  return (s.anchor === null || isId(s.anchor)) && typeof s.offset === 'number' && Number.isFinite(s.offset);
}

function isPlainJson(v: unknown): boolean {
  return !(v instanceof Y.AbstractType) && !(v instanceof Uint8Array);
}
