import type { Channel } from '../../shared/channels/capabilities.ts';
import type { Contact, ConversationMeta, InboxRef } from '../../shared/schema/conversation.ts';
import type { MessageEntry } from '../../shared/schema/message.ts';

/** Where an outgoing message goes: the conversation and its contact on that channel. */
export interface DeliveryTarget {
  workspaceId: string;
  conversationId: string;
  channel: Channel;
  contact: Contact;
  /** The business number the conversation came in on: replies go out from it. */
  inbox?: InboxRef;
}

/** The target of a conversation, from its meta. */
export function deliveryTarget(workspaceId: string, conversationId: string, meta: ConversationMeta): DeliveryTarget {
  return { workspaceId, conversationId, channel: meta.channel, contact: meta.contact, ...(meta.inbox ? { inbox: meta.inbox } : {}) };
}

/**
 * What came of handing a message to a channel. The receipt is written forward-only
 * (shared/schema/delivery.ts); later changes (delivered, read, a bounce) arrive through
 * `ConversationService.setReceipt`.
 *   queued                    handed over, but the provider has not sent it yet (its own
 *                             status callbacks move it on); the receipt stays absent (= queued)
 *   sent / delivered / read   the furthest state reached now
 *   failed                    permanent: the receipt says why, no retry
 *   retry                     temporary (provider down): try again later with backoff
 */
export type DeliveryOutcome =
  | { status: 'queued' | 'sent' | 'delivered' | 'read' }
  | { status: 'failed'; code: string; reason: string }
  | { status: 'retry'; reason: string };

/**
 * One channel's outgoing side. The conversation service calls `deliver` exactly once per agent
 * message id (its SQLite outbox is keyed by message id), except after a crash in the middle of
 * a delivery, when it is called again: adapters make delivery idempotent by message id where
 * the provider allows (webchat does; provider APIs take an idempotency key).
 */
export interface ChannelAdapter {
  readonly channel: Channel;
  /**
   * The contact reads the conversation from this server (webchat: the widget loads it when it
   * connects): a message is sent as soon as it is stored. Its `sent` receipt is then written in
   * the same update as the message, it needs no outbox (a crash cannot lose it: the contact gets
   * it with the history), and `deliver` only pushes it to the contact's open connections.
   */
  readonly sentWhenStored?: boolean;
  /** Hands an agent's `message` entry (never a note or an event: CONV4) to the channel. */
  deliver(target: DeliveryTarget, message: MessageEntry): Promise<DeliveryOutcome>;
  /**
   * An agent started (`true`, repeated every 20 s while it lasts) or stopped typing a reply
   * (TypingRelay). Channels that can show it to the contact implement it; best effort.
   */
  agentTyping?(target: DeliveryTarget, typing: boolean, agentName: string): Promise<void>;
  /**
   * An agent has read the contact's messages up to `messageId` (a contact message of the
   * conversation): channels with read receipts towards the contact report it (WhatsApp).
   */
  contactMessagesRead?(target: DeliveryTarget, messageId: string): Promise<void>;
}
