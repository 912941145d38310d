import * as Y from 'yjs';
import { CAPABILITIES } from '../../shared/channels/capabilities.ts';
import { conversationDoc } from '../../shared/ids.ts';
import { AGENT_ROOTS } from '../../shared/schema/agentDoc.ts';
import { CONV_ROOTS } from '../../shared/schema/conversation.ts';
import type { MessageEntry } from '../../shared/schema/message.ts';
import type { ClientUpdateEvent, DocHost } from '../docs/DocHost.ts';
import type { Logger } from '../ops/log.ts';
import { type ChannelAdapter, type DeliveryTarget, deliveryTarget } from './ChannelAdapter.ts';
import { readMeta } from './ConversationService.ts';

export interface ContactReadRelayOptions {
  docs: DocHost;
  adapter: (channel: DeliveryTarget['channel']) => ChannelAdapter | undefined;
  logger: Logger;
}

/**
 * Tells a conversation's channel when an agent has read the contact's messages (WhatsApp's
 * mark-as-read, the customer's blue ticks). The source of truth is the agent's own read
 * position (`read` in its private document, synced across its devices): the server watches
 * validated updates of agent documents, finds which conversations' read marks they moved, and
 * hands the channel the contact message the mark now reaches. Nothing new on the wire.
 */
export class ContactReadRelay {
  private readonly unlisten: () => void;
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly options: ContactReadRelayOptions) {
    this.unlisten = options.docs.onClientUpdate((event) => this.onClientUpdate(event));
  }

  private onClientUpdate(event: ClientUpdateEvent): void {
    if (event.ref.kind !== 'agent' || !event.added.has(AGENT_ROOTS.read)) return;
    const { workspaceId } = event.ref;
    const read = event.doc.getMap<number>(AGENT_ROOTS.read);
    for (const conversationId of changedKeys(event.doc, event.update, read)) {
      const count = read.get(conversationId);
      if (typeof count !== 'number' || count < 1) continue;
      const task = this.report(workspaceId, conversationId, count).catch((err: unknown) => {
        this.options.logger.warn({ event: 'contact_read_failed', doc: conversationDoc(workspaceId, conversationId), reason: String(err) });
      });
      this.pending.add(task);
      void task.finally(() => this.pending.delete(task));
    }
  }

  private async report(workspaceId: string, conversationId: string, count: number): Promise<void> {
    const found = await this.options.docs.read(conversationDoc(workspaceId, conversationId), (doc) => {
      const meta = readMeta(doc);
      if (!meta || CAPABILITIES[meta.channel]?.readReceipts === 'no') return null;
      // The count-th contact message is the last one the agent has seen.
      let seen = 0;
      for (const entry of doc.getArray<MessageEntry>(CONV_ROOTS.messages)) {
        if (entry?.kind !== 'message' || entry.author?.type !== 'contact') continue;
        if (++seen === count) return { meta, messageId: entry.id };
      }
      return null;
    });
    if (!found) return;
    const adapter = this.options.adapter(found.meta.channel);
    if (!adapter?.contactMessagesRead) return;
    await adapter.contactMessagesRead(deliveryTarget(workspaceId, conversationId, found.meta), found.messageId);
  }

  /** Resolves when every report started so far has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  close(): void {
    this.unlisten();
  }
}

/** Keys of `map` that the (already applied) update set. */
function changedKeys(doc: Y.Doc, update: Uint8Array, map: Y.AbstractType<any>): Set<string> {
  const keys = new Set<string>();
  let decoded: ReturnType<typeof Y.decodeUpdate>;
  try {
    decoded = Y.decodeUpdate(update);
  } catch {
    return keys;
  }
  for (const struct of decoded.structs) {
    if (!(struct instanceof Y.Item)) continue;
    // The stored item knows its parent and key even when the update left them implicit.
    let stored: Y.Item | Y.GC;
    try {
      stored = Y.getItem(doc.store, struct.id) as Y.Item | Y.GC;
    } catch {
      continue;
    }
    if (stored instanceof Y.Item && stored.parent === map && typeof stored.parentSub === 'string') keys.add(stored.parentSub);
  }
  return keys;
}
