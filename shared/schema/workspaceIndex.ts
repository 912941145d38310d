import type { Channel } from '../channels/capabilities.ts';
import type { Role } from './roles.ts';
import type { ConversationStatus, InboxRef } from './conversation.ts';

/**
 * Root types of the workspace index document (`<ws>/index`), written only by the server.
 * The conversation list reads only this document: 10,000 conversations never mean
 * loading 10,000 conversation documents.
 *
 *   conversations  Y.Map<ConversationSummary>   conversation id → summary (one plain JSON value)
 *   members        Y.Map<MemberSummary>         agent id → name, role
 *   contacts       Y.Map<ContactProfile>        contact id → profile (shared/schema/contact.ts)
 *   presence       Y.Map<AgentPresence>         agent id → derived availability (shared/schema/presence.ts)
 *   presenceLog    Y.Array<PresenceEvent>       the last changes of availability (who, when)
 */
export const INDEX_ROOTS = {
  conversations: 'conversations',
  members: 'members',
  contacts: 'contacts',
  presence: 'presence',
  presenceLog: 'presenceLog',
} as const;

export interface ConversationSummary {
  id: string;
  channel: Channel;
  contactId: string;
  contactName: string;
  /** The number / inbox it came in on, when the channel has several (meta.inbox). */
  inbox?: InboxRef;
  status: ConversationStatus;
  assigneeId: string | null;
  createdAt: number;
  /** Time of the last message or note (ms); the list sorts by it. */
  lastActivityAt: number;
  /** Preview of the last message (not notes), at most PREVIEW_LENGTH characters. */
  lastMessage: { text: string; authorType: 'agent' | 'contact' | 'system'; at: number } | null;
  /** How many messages the contact has sent; an agent's unread count is this minus its read mark. */
  inboundCount: number;
  /** Total entries in the conversation's messages array. */
  messageCount: number;
  /**
   * When the contact's oldest message not yet answered by an agent message arrived (ms); null or
   * absent once an agent has replied. The list's "oldest waiting first" sort reads it.
   */
  waitingSince?: number | null;
}

export const PREVIEW_LENGTH = 140;

export interface MemberSummary {
  id: string;
  name: string;
  email: string;
  role: Role;
  active: boolean;
  /** invited: has not set a password yet (invite link pending); deactivated: cannot sign in. */
  state: MemberState;
}

export const MEMBER_STATES = ['active', 'invited', 'deactivated'] as const;
export type MemberState = (typeof MEMBER_STATES)[number];
