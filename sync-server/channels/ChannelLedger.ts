import type { Database } from 'better-sqlite3';
import type { Channel } from '../../shared/channels/capabilities.ts';
import { newId } from '../../shared/ids.ts';
import type { InboxRef } from '../../shared/schema/conversation.ts';
import type { DeliveryState } from '../../shared/schema/delivery.ts';
import type { ConversationService } from '../conversations/ConversationService.ts';
import type { Logger } from '../ops/log.ts';

/**
 * What the provider channels (WhatsApp, SMS, later email) keep beside the conversation service:
 *
 *   channel_contacts       (workspace, channel, address) → contact id and its conversation
 *   channel_outbound       our message id → provider message id; the send state survives restarts
 *   channel_status_events  every provider status event, append-only, once per (provider id,
 *                          provider status): a replayed callback is recorded once
 *
 * Shared by the channel modules; none of them knows another.
 */
const SCHEMA = `
-- inbox: the business number the customer wrote to ('' for a channel's only/legacy inbox); one
-- conversation per customer address and inbox, so replies leave from the number written to.
CREATE TABLE IF NOT EXISTS channel_contacts (
  workspace_id     TEXT NOT NULL,
  channel          TEXT NOT NULL,
  inbox            TEXT NOT NULL DEFAULT '',
  address          TEXT NOT NULL,
  contact_id       TEXT NOT NULL,
  conversation_id  TEXT NOT NULL,
  name             TEXT NOT NULL,
  last_inbound_at  INTEGER,
  PRIMARY KEY (workspace_id, channel, inbox, address)
);
-- state: sending (handed to the provider, no answer yet) | accepted | retry | failed
CREATE TABLE IF NOT EXISTS channel_outbound (
  message_id       TEXT PRIMARY KEY,
  workspace_id     TEXT NOT NULL,
  conversation_id  TEXT NOT NULL,
  channel          TEXT NOT NULL,
  provider_id      TEXT,
  state            TEXT NOT NULL,
  attempts         INTEGER NOT NULL DEFAULT 0,
  updated_at       INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS channel_outbound_provider ON channel_outbound(channel, provider_id) WHERE provider_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS channel_status_events (
  seq              INTEGER PRIMARY KEY AUTOINCREMENT,
  channel          TEXT NOT NULL,
  provider_id      TEXT NOT NULL,
  provider_status  TEXT NOT NULL,
  status           TEXT NOT NULL,
  code             TEXT,
  reason           TEXT,
  message_id       TEXT,
  received_at      INTEGER NOT NULL,
  raw              TEXT NOT NULL,
  UNIQUE (channel, provider_id, provider_status)
);
CREATE INDEX IF NOT EXISTS channel_status_unlinked ON channel_status_events(channel, provider_id) WHERE message_id IS NULL;
`;

export interface ChannelContact {
  contactId: string;
  conversationId: string;
  name: string;
  lastInboundAt: number | null;
}

export interface OutboundRow {
  message_id: string;
  workspace_id: string;
  conversation_id: string;
  channel: string;
  provider_id: string | null;
  state: 'sending' | 'accepted' | 'retry' | 'failed';
  attempts: number;
}

export interface StatusEvent {
  channel: Channel;
  providerId: string;
  /** The provider's own status value (e.g. `undelivered`), the event's idempotency key with the id. */
  providerStatus: string;
  status: DeliveryState;
  code?: string;
  reason?: string;
  /** Our message id when the provider echoes it (WhatsApp biz_opaque_callback_data, our StatusCallback URL). */
  messageId?: string | null;
  raw: unknown;
}

const RANK: Record<DeliveryState, number> = { queued: 0, sent: 1, delivered: 2, read: 3, failed: 4 };

export class ChannelLedger {
  private readonly creating = new Map<string, Promise<ChannelContact>>();

  constructor(
    private readonly db: Database,
    private readonly conversations: ConversationService,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    migrateChannelContacts(db);
    db.exec(SCHEMA);
  }

  /**
   * The customer's conversation with one inbox. `inbox` '' is a channel's only inbox; with
   * `legacy`, a row from before inboxes existed ('' inbox) also matches (the first configured number).
   */
  contact(workspaceId: string, channel: Channel, address: string, inbox = '', legacy = false): ChannelContact | null {
    const row = this.db
      .prepare(
        `SELECT contact_id, conversation_id, name, last_inbound_at FROM channel_contacts
         WHERE workspace_id = ? AND channel = ? AND address = ? AND (inbox = ? OR (? AND inbox = '')) ORDER BY inbox DESC LIMIT 1`,
      )
      .get(workspaceId, channel, address, inbox, legacy ? 1 : 0) as
      | { contact_id: string; conversation_id: string; name: string; last_inbound_at: number | null }
      | undefined;
    return row ? { contactId: row.contact_id, conversationId: row.conversation_id, name: row.name, lastInboundAt: row.last_inbound_at } : null;
  }

  /** The contact's conversation on this channel, created with its first message (once, also when two webhooks race). */
  conversationFor(input: {
    workspaceId: string;
    channel: Channel;
    address: string;
    name: string;
    phone?: string;
    email?: string;
    /** The business number written to, when the workspace has several for the channel. */
    inbox?: InboxRef;
    /** This inbox is the channel's first configured one: conversations from before inboxes belong to it. */
    legacyInbox?: boolean;
  }): Promise<ChannelContact> {
    const inbox = input.inbox?.id ?? '';
    const found = this.contact(input.workspaceId, input.channel, input.address, inbox, input.legacyInbox);
    if (found) return Promise.resolve(found);
    const key = `${input.workspaceId}\u0000${input.channel}\u0000${inbox}\u0000${input.address}`;
    let creating = this.creating.get(key);
    if (!creating) {
      creating = (async () => {
        // The contact book may know this person already (same phone or email): meta says who.
        const meta = await this.conversations.createConversation({
          workspaceId: input.workspaceId,
          channel: input.channel,
          ...(input.inbox ? { inbox: input.inbox } : {}),
          contact: {
            id: newId(),
            name: input.name.slice(0, 200),
            ...(input.phone ? { phone: input.phone.slice(0, 40) } : {}),
            ...(input.email ? { email: input.email.slice(0, 320) } : {}),
          },
        });
        this.db
          .prepare('INSERT INTO channel_contacts (workspace_id, channel, inbox, address, contact_id, conversation_id, name, last_inbound_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)')
          .run(input.workspaceId, input.channel, inbox, input.address, meta.contact.id, meta.id, input.name);
        return { contactId: meta.contact.id, conversationId: meta.id, name: input.name, lastInboundAt: null };
      })().finally(() => this.creating.delete(key));
      this.creating.set(key, creating);
    }
    return creating;
  }

  /** The customer wrote in this conversation (WhatsApp's 24-hour window counts from it). */
  noteInbound(workspaceId: string, channel: Channel, address: string, at: number, conversationId?: string): void {
    if (conversationId) {
      this.db
        .prepare('UPDATE channel_contacts SET last_inbound_at = MAX(COALESCE(last_inbound_at, 0), ?) WHERE workspace_id = ? AND channel = ? AND conversation_id = ?')
        .run(at, workspaceId, channel, conversationId);
      return;
    }
    this.db
      .prepare('UPDATE channel_contacts SET last_inbound_at = MAX(COALESCE(last_inbound_at, 0), ?) WHERE workspace_id = ? AND channel = ? AND address = ?')
      .run(at, workspaceId, channel, address);
  }

  /** The contact address of a conversation (outbound side), or null. */
  addressOf(workspaceId: string, channel: Channel, conversationId: string): { address: string; lastInboundAt: number | null } | null {
    const row = this.db
      .prepare('SELECT address, last_inbound_at FROM channel_contacts WHERE workspace_id = ? AND channel = ? AND conversation_id = ?')
      .get(workspaceId, channel, conversationId) as { address: string; last_inbound_at: number | null } | undefined;
    return row ? { address: row.address, lastInboundAt: row.last_inbound_at } : null;
  }

  // ---- outbound ---------------------------------------------------------------------------

  outbound(messageId: string): OutboundRow | null {
    return (this.db.prepare('SELECT * FROM channel_outbound WHERE message_id = ?').get(messageId) as OutboundRow | undefined) ?? null;
  }

  /** Records "handing to the provider now", before the request leaves (a crash after this is in doubt). */
  beginSend(messageId: string, workspaceId: string, conversationId: string, channel: Channel): void {
    this.db
      .prepare(
        `INSERT INTO channel_outbound (message_id, workspace_id, conversation_id, channel, provider_id, state, attempts, updated_at)
         VALUES (?, ?, ?, ?, NULL, 'sending', 1, ?)
         ON CONFLICT(message_id) DO UPDATE SET state = 'sending', attempts = attempts + 1, updated_at = excluded.updated_at`,
      )
      .run(messageId, workspaceId, conversationId, channel, this.now());
  }

  /**
   * The send did not go through (retry later, or failed). Resolves to false when a status
   * callback carrying our id already linked the message: the provider has it, nothing to redo.
   */
  endSend(messageId: string, state: 'retry' | 'failed'): boolean {
    const result = this.db
      .prepare('UPDATE channel_outbound SET state = ?, updated_at = ? WHERE message_id = ? AND provider_id IS NULL')
      .run(state, this.now(), messageId);
    return result.changes === 1;
  }

  /** The provider accepted the message: remember its id and apply status events that arrived before we knew it. */
  async accepted(messageId: string, providerId: string): Promise<void> {
    const row = this.outbound(messageId);
    if (!row) return;
    this.db
      .prepare(`UPDATE channel_outbound SET provider_id = ?, state = 'accepted', updated_at = ? WHERE message_id = ?`)
      .run(providerId, this.now(), messageId);
    await this.applyUnlinked(row, providerId);
  }

  // ---- statuses ---------------------------------------------------------------------------

  /**
   * Records a provider status event (once per provider id and provider status: a replay changes
   * nothing) and advances the message's receipt forward-only. An event for a message we do not
   * know yet (the callback overtook the send answer) waits in the log until `accepted`.
   */
  async recordStatus(event: StatusEvent): Promise<'applied' | 'duplicate' | 'pending'> {
    let row = this.db
      .prepare('SELECT * FROM channel_outbound WHERE channel = ? AND provider_id = ?')
      .get(event.channel, event.providerId) as OutboundRow | undefined;
    if (!row && event.messageId) {
      const byId = this.outbound(event.messageId);
      if (byId && byId.channel === event.channel && byId.provider_id === null) {
        this.db
          .prepare(`UPDATE channel_outbound SET provider_id = ?, state = 'accepted', updated_at = ? WHERE message_id = ?`)
          .run(event.providerId, this.now(), byId.message_id);
        row = { ...byId, provider_id: event.providerId, state: 'accepted' };
      }
    }
    const inserted = this.db
      .prepare(
        `INSERT OR IGNORE INTO channel_status_events (channel, provider_id, provider_status, status, code, reason, message_id, received_at, raw)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        event.channel,
        event.providerId,
        event.providerStatus,
        event.status,
        event.code ?? null,
        event.reason ?? null,
        row?.message_id ?? null,
        this.now(),
        JSON.stringify(event.raw),
      );
    if (inserted.changes === 0) return 'duplicate';
    if (!row) return 'pending';
    if (event.status !== 'queued') {
      await this.conversations.setReceipt(row.workspace_id, row.conversation_id, row.message_id, {
        status: event.status,
        ...(event.code ? { code: event.code } : {}),
        ...(event.reason ? { reason: event.reason } : {}),
      });
    }
    return 'applied';
  }

  private async applyUnlinked(row: OutboundRow, providerId: string): Promise<void> {
    const events = this.db
      .prepare('SELECT seq, status, code, reason FROM channel_status_events WHERE channel = ? AND provider_id = ? AND message_id IS NULL')
      .all(row.channel, providerId) as Array<{ seq: number; status: DeliveryState; code: string | null; reason: string | null }>;
    if (events.length === 0) return;
    this.db
      .prepare('UPDATE channel_status_events SET message_id = ? WHERE channel = ? AND provider_id = ? AND message_id IS NULL')
      .run(row.message_id, row.channel, providerId);
    events.sort((a, b) => RANK[a.status] - RANK[b.status]);
    for (const e of events) {
      if (e.status === 'queued') continue;
      await this.conversations.setReceipt(row.workspace_id, row.conversation_id, row.message_id, {
        status: e.status,
        ...(e.code ? { code: e.code } : {}),
        ...(e.reason ? { reason: e.reason } : {}),
      });
    }
    this.logger.info({ event: 'status_events_linked', channel: row.channel, count: events.length });
  }

  /** Raw status events of one of our messages, oldest first (for tests and support). */
  statusEvents(messageId: string): Array<{ providerStatus: string; status: DeliveryState; code: string | null }> {
    return (
      this.db
        .prepare('SELECT provider_status, status, code FROM channel_status_events WHERE message_id = ? ORDER BY seq')
        .all(messageId) as Array<{ provider_status: string; status: DeliveryState; code: string | null }>
    ).map((r) => ({ providerStatus: r.provider_status, status: r.status, code: r.code }));
  }
}

/** Data directories from before inboxes: channel_contacts gains its `inbox` column (in its key). */
function migrateChannelContacts(db: Database): void {
  const columns = db.prepare("SELECT name FROM pragma_table_info('channel_contacts')").all() as Array<{ name: string }>;
  if (columns.length === 0 || columns.some((c) => c.name === 'inbox')) return;
  db.transaction(() => {
    db.exec('ALTER TABLE channel_contacts RENAME TO channel_contacts_before_inboxes');
    db.exec(SCHEMA);
    db.exec(`INSERT INTO channel_contacts (workspace_id, channel, inbox, address, contact_id, conversation_id, name, last_inbound_at)
             SELECT workspace_id, channel, '', address, contact_id, conversation_id, name, last_inbound_at FROM channel_contacts_before_inboxes`);
    db.exec('DROP TABLE channel_contacts_before_inboxes');
  })();
}
