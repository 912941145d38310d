import type { Database } from 'better-sqlite3';
import type * as Y from 'yjs';
import type { Channel } from '../../shared/channels/capabilities.ts';
import { conversationDoc, indexDoc, newId } from '../../shared/ids.ts';
import { CONV_ROOTS, type Contact, type ConversationMeta, type ConversationStatus, type InboxRef } from '../../shared/schema/conversation.ts';
import { type DeliveryState, type Receipt, canAdvance } from '../../shared/schema/delivery.ts';
import { type EmailPart, MAX_TEXT_LENGTH, type MessageEntry } from '../../shared/schema/message.ts';
import { INDEX_ROOTS, type ConversationSummary } from '../../shared/schema/workspaceIndex.ts';
import type { ClientUpdateEvent, DocHost } from '../docs/DocHost.ts';
import type { Logger } from '../ops/log.ts';
import type { Metrics } from '../ops/metrics.ts';
import { PendingWork } from '../ops/PendingWork.ts';
import { type AgentEntriesDelta, applyAgentEntries, emptyAgentEntriesDelta, foldAgentEntries, newerPreview, previewText } from './agentEntriesDelta.ts';
import { type SummaryChange, SummaryWriter } from './SummaryWriter.ts';
import type { Activity } from '../../shared/notifications/decide.ts';
import { type ChannelAdapter, type DeliveryOutcome, deliveryTarget } from './ChannelAdapter.ts';

/** Something that happened in a conversation, for notifications (sync-server/notifications/). */
export type ConversationActivity = Activity & { workspaceId: string };

const ACTOR = 'conversations';

export type ConversationError = 'not-found' | 'invalid-input';

/**
 * What happened to a conversation, told to listeners (routing) after it is written:
 * created; the contact wrote (and whether that reopened it); its status changed by an agent.
 */
export type ConversationEvent =
  | { type: 'created'; workspaceId: string; conversationId: string; assigneeId: string | null }
  | { type: 'contact-message'; workspaceId: string; conversationId: string; reopened: boolean }
  | { type: 'status'; workspaceId: string; conversationId: string; status: ConversationStatus }
  /** Unassigned because its assignee was deactivated: back to routing. */
  | { type: 'released'; workspaceId: string; conversationId: string };

/** Outcome of `assignOnce`. */
export type AssignOutcome = 'applied' | 'already-applied' | 'conflict' | 'not-found';
export type ConversationResult<T> = { ok: true; value: T } | { ok: false; error: ConversationError; message: string };

/** A delivery's attempt count and outcome, waiting to be written to its outbox row. */
interface Completion {
  messageId: string;
  attempts: number;
  state: 'done' | 'failed';
  at: number;
}

export interface ConversationServiceOptions {
  db: Database;
  docs: DocHost;
  logger: Logger;
  now?: () => number;
  /** Display name of an agent, for history lines ("Assigned to Sam Patel"). */
  agentName?: (agentId: string) => string | null;
  /** Retry delays for temporary delivery failures (ms); after the last one the message fails. */
  retryDelaysMs?: number[];
  /**
   * Contact profiles (sync-server/contacts/ContactBook.ts): a new conversation's contact is
   * found there by id or identity (phone, email), or registered. Without it, as given.
   */
  contacts?: { register(workspaceId: string, seed: Contact): Promise<Contact> };
  /** Counts deliveries by channel and outcome (each success is logged at debug only: one line per message is too many). */
  metrics?: Pick<Metrics, 'messagesDelivered'>;
  /**
   * How long the summary change of an agent's message may wait to share its index write with
   * others (ms, default 250): the list shows the reply that much later at most, and a busy
   * conversation's summary is sent to every agent a few times a second instead of per message.
   */
  summaryDelayMs?: number;
}

const SCHEMA = `
-- Contact messages already stored, by an external idempotency key (webchat clientMsgId,
-- provider message id): a re-sent message is stored once (WEB2).
CREATE TABLE IF NOT EXISTS contact_message_keys (
  workspace_id    TEXT NOT NULL,
  key             TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  message_id      TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, key)
);
-- Agent messages handed (or to be handed) to their channel: one row per message id, so each is
-- delivered once, also across restarts. state: staged → (pending) → done | failed. 'staged' is
-- written before the client's update reaches the store (write-ahead). Once the update is durable
-- the message is delivered at once and the row goes straight to done | failed; it becomes
-- 'pending' only when delivery must wait (a retry, the channel not registered yet). A crash
-- leaves staged rows that start() checks against the stored document (delivered if the message
-- is there, also when it was delivered just before the crash: at least once; dropped if not: the
-- client sends it again).
CREATE TABLE IF NOT EXISTS outbox (
  message_id      TEXT PRIMARY KEY,
  workspace_id    TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  channel         TEXT NOT NULL,
  state           TEXT NOT NULL DEFAULT 'pending',
  attempts        INTEGER NOT NULL DEFAULT 0,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox(state) WHERE state = 'pending';
`;

interface OutboxRow {
  message_id: string;
  workspace_id: string;
  conversation_id: string;
  channel: string;
  attempts: number;
}

const queueKey = (workspaceId: string, conversationId: string) => `${workspaceId}/${conversationId}`;

function isEntry(v: unknown): v is MessageEntry {
  const e = v as MessageEntry | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.id === 'string' &&
    (e.kind === 'message' || e.kind === 'note' || e.kind === 'event') &&
    typeof e.text === 'string' &&
    typeof e.createdAt === 'number' &&
    typeof e.author === 'object' &&
    e.author !== null
  );
}

/** Messages and notes by agents that a client update added. */
function agentEntries(event: ClientUpdateEvent): MessageEntry[] {
  return (event.added.get(CONV_ROOTS.messages) ?? []).filter(
    (e): e is MessageEntry => isEntry(e) && e.author.type === 'agent' && (e.kind === 'message' || e.kind === 'note'),
  );
}

/** The conversation's meta as stored, or null when the document is not a conversation (yet). */
export function readMeta(doc: Y.Doc): ConversationMeta | null {
  const meta = doc.getMap(CONV_ROOTS.meta);
  const channel = meta.get('channel');
  const contact = meta.get('contact');
  const id = meta.get('id');
  if (typeof channel !== 'string' || typeof id !== 'string' || typeof contact !== 'object' || contact === null) return null;
  return {
    id,
    channel: channel as Channel,
    contact: contact as Contact,
    createdAt: Number(meta.get('createdAt') ?? 0),
    assigneeId: (meta.get('assigneeId') as string | null | undefined) ?? null,
    ...(isInbox(meta.get('inbox')) ? { inbox: meta.get('inbox') as InboxRef } : {}),
  };
}

const isInbox = (v: unknown): v is InboxRef =>
  typeof v === 'object' && v !== null && typeof (v as InboxRef).id === 'string' && typeof (v as InboxRef).name === 'string';

/** Finds an entry by id, searching from the end (what is looked up is nearly always recent). */
export function findEntry(doc: Y.Doc, id: string): MessageEntry | null {
  const messages = doc.getArray<unknown>(CONV_ROOTS.messages);
  for (let i = messages.length - 1; i >= 0; i--) {
    const entry = messages.get(i);
    if (isEntry(entry) && entry.id === id) return entry;
  }
  return null;
}

/**
 * The server-side writer of conversations: creates them, appends contact messages and history
 * events, writes receipts (forward-only), keeps each conversation's summary in the workspace
 * index current, and hands agents' messages to their channel exactly once.
 *
 * Writes to one conversation run one after the other (a queue per conversation), so summaries
 * and history lines follow the order things happened in.
 */
export class ConversationService {
  private readonly db: Database;
  private readonly docs: DocHost;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly agentName: (agentId: string) => string | null;
  private readonly retryDelaysMs: number[];
  private readonly contacts: ConversationServiceOptions['contacts'];
  private readonly metrics: ConversationServiceOptions['metrics'];
  private readonly adapters = new Map<Channel, ChannelAdapter>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly summaries: SummaryWriter;
  private readonly summaryDelayMs: number;
  /** Per conversation (queueKey), the agents' entries folded into a summary change still waiting. */
  private readonly openAgentEntries = new Map<string, AgentEntriesDelta>();
  private readonly pending = new PendingWork();
  private readonly inflight = new Set<string>();
  /** Message ids this process staged (write-ahead) whose update is not yet reported durable. */
  private readonly staged = new Set<string>();
  /** Delivery outcomes waiting for this turn's commit (complete). */
  private readonly completions: Completion[] = [];
  private completionFlush: NodeJS.Immediate | null = null;
  private completionTx: ((rows: Completion[]) => void) | null = null;
  private readonly retryTimers = new Set<ReturnType<typeof setTimeout>>();
  private readonly eventListeners = new Set<(event: ConversationEvent) => void>();
  private unsubscribe: (() => void) | null = null;
  private unsubscribeAccepted: (() => void) | null = null;
  private closed = false;
  /** Channel deliveries started (startDeliveries). */
  private delivering = false;
  private readonly activityListeners = new Set<(activity: ConversationActivity) => void>();

  constructor(options: ConversationServiceOptions) {
    this.db = options.db;
    this.docs = options.docs;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.agentName = options.agentName ?? (() => null);
    this.retryDelaysMs = options.retryDelaysMs ?? [1_000, 5_000, 30_000, 120_000, 600_000];
    this.contacts = options.contacts;
    this.metrics = options.metrics;
    this.summaries = new SummaryWriter(this.docs, ACTOR);
    this.summaryDelayMs = options.summaryDelayMs ?? 250;
    this.db.exec(SCHEMA);
  }

  /** Adds the outgoing side of a channel; pending messages of that channel are delivered now. */
  registerChannel(adapter: ChannelAdapter): void {
    this.adapters.set(adapter.channel, adapter);
    if (this.delivering) this.resumeOutbox(adapter.channel);
  }

  /** The outgoing side registered for a channel (typing, read marks), if any. */
  channelAdapter(channel: Channel): ChannelAdapter | undefined {
    return this.adapters.get(channel);
  }

  /**
   * Starts listening to client updates and, unless `deliver` is false, delivering (see
   * startDeliveries). The server holds deliveries until it knows its own public URL: a channel
   * message carries callback URLs built from it (Twilio's StatusCallback).
   */
  start(opts: { deliver?: boolean } = {}): void {
    if (this.unsubscribe) return;
    this.unsubscribeAccepted = this.docs.onClientUpdateAccepted((event) => this.onClientUpdateAccepted(event));
    this.unsubscribe = this.docs.onClientUpdate((event) => this.onClientUpdate(event));
    if (opts.deliver !== false) this.startDeliveries();
  }

  /**
   * Delivers what the outbox holds (messages recorded while deliveries were held stay pending
   * until now) and finishes what a crash interrupted (staged messages whose update did reach
   * the store).
   */
  startDeliveries(): void {
    if (this.delivering) return;
    this.delivering = true;
    this.pending.track(this.recoverStaged());
    this.resumeOutbox();
  }

  /** Resolves when every write and delivery started so far has finished and its outcome is committed. */
  async idle(): Promise<void> {
    const done = this.summaries.hurry();
    try {
      await this.pending.settled();
    } finally {
      done();
    }
    this.flushCompletions();
  }

  /**
   * Stops delivering and retrying, then waits for work in progress. Until `detach` (or the
   * database closes), agent messages that still arrive are recorded in the outbox, to be
   * delivered after the restart.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.retryTimers) clearTimeout(t);
    this.retryTimers.clear();
    await this.idle();
  }

  /**
   * Calls `listener` after each new message or note (contact or agent) and each assignment, once
   * it is stored. Seeded history (importAgentEntry) is not activity.
   */
  onActivity(listener: (activity: ConversationActivity) => void): () => void {
    this.activityListeners.add(listener);
    return () => this.activityListeners.delete(listener);
  }

  private emit(activity: ConversationActivity): void {
    for (const listener of this.activityListeners) {
      try {
        listener(activity);
      } catch (err) {
        this.logger.error({ event: 'activity_listener_failed', reason: String(err) });
      }
    }
  }

  /** Stops listening to client updates altogether. */
  detach(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.unsubscribeAccepted?.();
    this.unsubscribeAccepted = null;
  }

  /** Calls `listener` after each conversation event (see ConversationEvent). */
  onEvent(listener: (event: ConversationEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  private emitEvent(event: ConversationEvent): void {
    for (const listener of this.eventListeners) {
      try {
        listener(event);
      } catch (err) {
        this.logger.error({ event: 'conversation_listener_failed', reason: String(err) });
      }
    }
  }

  // ---- writing ----------------------------------------------------------------------------

  /**
   * Creates a conversation: its document (meta, state) and its summary in the index. The
   * contact is looked up in (or added to) the contact book first, so `meta.contact.id` is the
   * profile's id: the same person writing again, on any channel, is the same contact.
   */
  async createConversation(input: {
    workspaceId: string;
    channel: Channel;
    contact: Contact;
    /** The business number it came in on (channels with several per workspace). */
    inbox?: InboxRef;
    assigneeId?: string | null;
    createdAt?: number;
    id?: string;
  }): Promise<ConversationMeta> {
    const contact = this.contacts ? await this.contacts.register(input.workspaceId, input.contact) : input.contact;
    const meta: ConversationMeta = {
      id: input.id ?? newId(),
      channel: input.channel,
      contact,
      createdAt: input.createdAt ?? this.now(),
      assigneeId: input.assigneeId ?? null,
      ...(input.inbox ? { inbox: { id: input.inbox.id, name: input.inbox.name } } : {}),
    };
    return this.enqueue(input.workspaceId, meta.id, async () => {
      await this.docs.change(conversationDoc(input.workspaceId, meta.id), ACTOR, (doc) => {
        const map = doc.getMap(CONV_ROOTS.meta);
        map.set('id', meta.id);
        map.set('channel', meta.channel);
        map.set('contact', meta.contact);
        map.set('createdAt', meta.createdAt);
        map.set('assigneeId', meta.assigneeId);
        if (meta.inbox) map.set('inbox', meta.inbox);
        doc.getMap(CONV_ROOTS.state).set('status', 'open');
      });
      const summary: ConversationSummary = {
        id: meta.id,
        channel: meta.channel,
        contactId: meta.contact.id,
        contactName: meta.contact.name,
        ...(meta.inbox ? { inbox: meta.inbox } : {}),
        status: 'open',
        assigneeId: meta.assigneeId,
        createdAt: meta.createdAt,
        lastActivityAt: meta.createdAt,
        lastMessage: null,
        inboundCount: 0,
        messageCount: 0,
      };
      await this.docs.change(indexDoc(input.workspaceId), ACTOR, (doc) => {
        doc.getMap(INDEX_ROOTS.conversations).set(meta.id, summary);
      });
      this.logger.info({ event: 'conversation_created', doc: conversationDoc(input.workspaceId, meta.id), channel: meta.channel });
      this.emitEvent({ type: 'created', workspaceId: input.workspaceId, conversationId: meta.id, assigneeId: meta.assigneeId });
      return meta;
    });
  }

  /**
   * Appends a message from the contact, once per `key` (WEB2): the same key again returns the
   * stored message with `duplicate: true` and changes nothing. A resolved conversation reopens.
   */
  appendContactMessage(input: {
    workspaceId: string;
    conversationId: string;
    key: string;
    text: string;
    at?: number;
    /** Email: subject, sanitised HTML, attachments, automated flag (server-made, MAIL1). */
    email?: EmailPart;
    /** False for automated mail (MAIL3): stored, but a resolved conversation stays resolved. */
    reopen?: boolean;
  }): Promise<ConversationResult<{ message: MessageEntry; duplicate: boolean }>> {
    const { workspaceId, conversationId } = input;
    if (!input.text.trim() || input.text.length > MAX_TEXT_LENGTH)
      return Promise.resolve({ ok: false, error: 'invalid-input', message: 'Message text is empty or too long' });
    return this.enqueue(workspaceId, conversationId, async () => {
      const name = conversationDoc(workspaceId, conversationId);
      const outcome = await this.docs.change(name, ACTOR, (doc) => {
        const meta = readMeta(doc);
        if (!meta) return null;
        const seen = this.db
          .prepare('SELECT message_id FROM contact_message_keys WHERE workspace_id = ? AND key = ?')
          .get(workspaceId, input.key) as { message_id: string } | undefined;
        if (seen) {
          const stored = findEntry(doc, seen.message_id);
          if (stored) return { message: stored, duplicate: true, reopened: false, count: 0, meta, status: 'open' as const };
        }
        const message: MessageEntry = {
          id: newId(),
          kind: 'message',
          author: { type: 'contact', id: meta.contact.id },
          text: input.text,
          createdAt: input.at ?? this.now(),
          ...(input.email ? { email: input.email } : {}),
        };
        const messages = doc.getArray<MessageEntry>(CONV_ROOTS.messages);
        messages.insert(messages.length, [message]);
        this.db
          .prepare(
            'INSERT OR REPLACE INTO contact_message_keys (workspace_id, key, conversation_id, message_id, created_at) VALUES (?, ?, ?, ?, ?)',
          )
          .run(workspaceId, input.key, conversationId, message.id, message.createdAt);
        const state = doc.getMap(CONV_ROOTS.state);
        const reopened = state.get('status') === 'resolved' && input.reopen !== false;
        if (reopened) {
          state.set('status', 'open');
          messages.insert(messages.length, [this.eventEntry('reopened', `Reopened: new message from ${meta.contact.name}`)]);
        }
        return { message, duplicate: false, reopened, count: messages.length, meta, status: state.get('status') === 'resolved' ? ('resolved' as const) : ('open' as const) };
      });
      if (!outcome) return { ok: false, error: 'not-found', message: 'No such conversation' } as const;
      if (!outcome.duplicate) {
        const { message, count } = outcome;
        await this.updateSummary(workspaceId, conversationId, (s) => ({
          ...s,
          status: outcome.status,
          inboundCount: s.inboundCount + 1,
          messageCount: Math.max(s.messageCount, count),
          lastActivityAt: Math.max(s.lastActivityAt, message.createdAt),
          lastMessage: newerPreview(s.lastMessage, { text: previewText(message.text), authorType: message.author.type, at: message.createdAt }),
          // The wait starts with the first message the agents have not answered yet.
          waitingSince: s.waitingSince ?? message.createdAt,
        }));
        this.logger.info({ event: 'contact_message', doc: name, reopened: outcome.reopened });
        this.emit({
          type: 'entry',
          workspaceId,
          conversationId,
          kind: 'message',
          author: message.author,
          authorName: outcome.meta.contact.name,
          contactName: outcome.meta.contact.name,
          text: message.text,
          at: message.createdAt,
          assigneeId: outcome.meta.assigneeId,
          mentions: [],
        });
        this.emitEvent({ type: 'contact-message', workspaceId, conversationId, reopened: outcome.reopened });
      }
      return { ok: true, value: { message: outcome.message, duplicate: outcome.duplicate } } as const;
    });
  }

  /**
   * Writes a delivery status (CONV3: server only), forward-only (shared/schema/delivery.ts).
   * Resolves to whether it changed anything.
   */
  async setReceipt(
    workspaceId: string,
    conversationId: string,
    messageId: string,
    next: { status: DeliveryState; at?: number; code?: string; reason?: string },
  ): Promise<boolean> {
    return (await this.setReceipts(workspaceId, conversationId, [messageId], next)).length > 0;
  }

  /** `setReceipt` for many messages in one document change; resolves to the ids it advanced. */
  async setReceipts(
    workspaceId: string,
    conversationId: string,
    messageIds: readonly string[],
    next: { status: DeliveryState; at?: number; code?: string; reason?: string },
  ): Promise<string[]> {
    if (messageIds.length === 0) return [];
    const name = conversationDoc(workspaceId, conversationId);
    const changed = await this.docs.change(name, ACTOR, (doc) => {
      const receipts = doc.getMap<Receipt>(CONV_ROOTS.receipts);
      const advanced: string[] = [];
      for (const id of messageIds) {
        if (!canAdvance(receipts.get(id)?.status, next.status)) continue;
        const receipt: Receipt = { status: next.status, at: next.at ?? this.now() };
        if (next.code) receipt.code = next.code.slice(0, 64);
        if (next.reason) receipt.reason = next.reason.slice(0, 500);
        receipts.set(id, receipt);
        advanced.push(id);
      }
      return advanced;
    });
    if (changed.length) this.logger.debug({ event: 'receipts', doc: name, status: next.status, count: changed.length });
    return changed;
  }

  /** Appends a history line (`event` entry, system author), e.g. "Resolved by Dana Reyes". */
  appendEvent(workspaceId: string, conversationId: string, event: string, text: string): Promise<MessageEntry> {
    return this.enqueue(workspaceId, conversationId, async () => {
      const { entry, count } = await this.writeEvent(workspaceId, conversationId, event, text);
      await this.updateSummary(workspaceId, conversationId, (s) => ({ ...s, messageCount: Math.max(s.messageCount, count) }));
      return entry;
    });
  }

  /**
   * Sets the assignee (meta, summary) and writes a history line (`text` replaces the default
   * one). `by`: the agent who assigned it (null or absent: the server, e.g. routing); the new
   * assignee is notified unless it is `by`.
   */
  assign(
    workspaceId: string,
    conversationId: string,
    assigneeId: string | null,
    at?: number,
    text?: string,
    by?: { agentId: string; name: string } | null,
  ): Promise<void> {
    return this.enqueue(workspaceId, conversationId, async () => {
      let previous: string | null = null;
      let contactName = '';
      const count = await this.docs.change(conversationDoc(workspaceId, conversationId), ACTOR, (doc) => {
        const meta = readMeta(doc);
        previous = meta?.assigneeId ?? null;
        contactName = meta?.contact.name ?? '';
        doc.getMap(CONV_ROOTS.meta).set('assigneeId', assigneeId);
        const messages = doc.getArray<MessageEntry>(CONV_ROOTS.messages);
        const who = assigneeId ? (this.agentName(assigneeId) ?? 'an agent') : null;
        messages.insert(messages.length, [this.eventEntry(assigneeId ? 'assigned' : 'unassigned', text ?? (who ? `Assigned to ${who}` : 'Unassigned'), at)]);
        return messages.length;
      });
      await this.updateSummary(workspaceId, conversationId, (s) => ({ ...s, assigneeId, messageCount: Math.max(s.messageCount, count) }));
      if (assigneeId && assigneeId !== previous) {
        this.emit({
          type: 'assigned',
          workspaceId,
          conversationId,
          contactName,
          assigneeId,
          byAgentId: by?.agentId ?? null,
          byName: by?.name ?? null,
          at: at ?? this.now(),
        });
      }
    });
  }

  /**
   * Points a conversation at a (renamed or merged) contact: `meta.contact` keeps the channel's
   * address and takes the profile's id and name; the summary follows; `history` (if any) is
   * appended as an event line.
   */
  relinkContact(workspaceId: string, conversationId: string, contact: { id: string; name: string }, history: string | null): Promise<void> {
    return this.enqueue(workspaceId, conversationId, async () => {
      const count = await this.docs.change(conversationDoc(workspaceId, conversationId), ACTOR, (doc) => {
        const meta = doc.getMap(CONV_ROOTS.meta);
        const current = meta.get('contact') as Contact | undefined;
        if (current && (current.id !== contact.id || current.name !== contact.name)) meta.set('contact', { ...current, id: contact.id, name: contact.name });
        const messages = doc.getArray<MessageEntry>(CONV_ROOTS.messages);
        if (history) messages.insert(messages.length, [this.eventEntry('contact-merged', history)]);
        return messages.length;
      });
      await this.updateSummary(workspaceId, conversationId, (s) => ({ ...s, contactId: contact.id, contactName: contact.name, messageCount: Math.max(s.messageCount, count) }));
    });
  }

  /**
   * A deactivated agent's open conversations go back to Unassigned (TEAM4), each with a history
   * line; resolved ones keep their assignee as history. Resolves to how many were released.
   */
  async releaseAgent(workspaceId: string, agentId: string, agentName: string): Promise<number> {
    const ids = await this.docs.read(indexDoc(workspaceId), (doc) => {
      const found: string[] = [];
      doc.getMap<ConversationSummary>(INDEX_ROOTS.conversations).forEach((s, id) => {
        if (s.assigneeId === agentId && s.status === 'open') found.push(id);
      });
      return found;
    });
    await Promise.all(
      ids.map(async (id) => {
        await this.assign(workspaceId, id, null, undefined, `Unassigned: ${agentName} was deactivated`);
        this.emitEvent({ type: 'released', workspaceId, conversationId: id });
      }),
    );
    return ids.length;
  }

  /**
   * Sets the assignee exactly once per decision (RTE1): a compare-and-set on the current assignee
   * (`ifAssignee`), idempotent by `eventId` (the history line's id). Re-running a decision that
   * was already written (after a restart) only brings the summary in step; a decision whose
   * conversation changed meanwhile is a `conflict` and writes nothing.
   */
  assignOnce(
    workspaceId: string,
    conversationId: string,
    decision: { eventId: string; ifAssignee: string | null; to: string | null; text: string; event?: string; by?: { agentId: string; name: string } | null },
  ): Promise<AssignOutcome> {
    return this.enqueue(workspaceId, conversationId, async () => {
      const result = await this.docs.change(conversationDoc(workspaceId, conversationId), ACTOR, (doc) => {
        const meta = readMeta(doc);
        if (!meta) return { outcome: 'not-found' as const, assigneeId: null, count: 0, contactName: '' };
        const messages = doc.getArray<MessageEntry>(CONV_ROOTS.messages);
        const contactName = meta.contact.name;
        if (findEntry(doc, decision.eventId)) return { outcome: 'already-applied' as const, assigneeId: meta.assigneeId, count: messages.length, contactName };
        if (meta.assigneeId !== decision.ifAssignee) return { outcome: 'conflict' as const, assigneeId: meta.assigneeId, count: messages.length, contactName };
        doc.getMap(CONV_ROOTS.meta).set('assigneeId', decision.to);
        const entry: MessageEntry = {
          id: decision.eventId,
          kind: 'event',
          author: { type: 'system' },
          text: decision.text,
          createdAt: this.now(),
          event: decision.event ?? (decision.to ? 'assigned' : 'unassigned'),
        };
        messages.insert(messages.length, [entry]);
        return { outcome: 'applied' as const, assigneeId: decision.to, count: messages.length, contactName };
      });
      if (result.outcome === 'not-found') return result.outcome;
      const { assigneeId, count } = result;
      await this.updateSummary(workspaceId, conversationId, (s) => ({ ...s, assigneeId, messageCount: Math.max(s.messageCount, count) }));
      if (result.outcome === 'applied' && assigneeId) {
        this.emit({
          type: 'assigned',
          workspaceId,
          conversationId,
          contactName: result.contactName,
          assigneeId,
          byAgentId: decision.by?.agentId ?? null,
          byName: decision.by?.name ?? null,
          at: this.now(),
        });
      }
      return result.outcome;
    });
  }

  /** Sets the status on behalf of `byName` (server side: seeding, later routing) with its history line. */
  setStatus(workspaceId: string, conversationId: string, status: ConversationStatus, byName: string, at?: number): Promise<void> {
    return this.enqueue(workspaceId, conversationId, async () => {
      const changed = await this.docs.change(conversationDoc(workspaceId, conversationId), ACTOR, (doc) => {
        const state = doc.getMap(CONV_ROOTS.state);
        if (state.get('status') === status) return false;
        state.set('status', status);
        return true;
      });
      if (changed) {
        await this.recordStatus(workspaceId, conversationId, status, byName, at);
        this.emitEvent({ type: 'status', workspaceId, conversationId, status });
      }
    });
  }

  /**
   * Appends a message or note as written by an agent, from the server (seeding, imports).
   * Not handed to the channel: a seeded message is history, not something to send.
   */
  importAgentEntry(
    workspaceId: string,
    conversationId: string,
    entry: { agentId: string; kind: 'message' | 'note'; text: string; at: number; receipt?: DeliveryState; mentions?: MessageEntry['mentions'] },
  ): Promise<MessageEntry> {
    return this.enqueue(workspaceId, conversationId, async () => {
      const message: MessageEntry = {
        id: newId(),
        kind: entry.kind,
        author: { type: 'agent', id: entry.agentId },
        text: entry.text,
        createdAt: entry.at,
        ...(entry.kind === 'note' && entry.mentions?.length ? { mentions: entry.mentions } : {}),
      };
      const count = await this.docs.change(conversationDoc(workspaceId, conversationId), ACTOR, (doc) => {
        const messages = doc.getArray<MessageEntry>(CONV_ROOTS.messages);
        messages.insert(messages.length, [message]);
        if (entry.receipt && entry.kind === 'message') doc.getMap<Receipt>(CONV_ROOTS.receipts).set(message.id, { status: entry.receipt, at: entry.at });
        return messages.length;
      });
      this.outboxMark(message.id, workspaceId, conversationId, 'done');
      await this.updateSummary(workspaceId, conversationId, (s) => this.withAgentEntries(s, [message], count));
      return message;
    });
  }

  // ---- reacting to agents' updates ---------------------------------------------------------

  /**
   * Before the update is stored: stages its messages in the outbox (write-ahead). Not on a channel
   * whose contact reads the conversation from us (ChannelAdapter.sentWhenStored): there a stored
   * message is a sent one, with no receipt to write (its sender learns it from the `stored`
   * acknowledgement, everyone else from receiving it: docs/document-model.md, DLV1).
   */
  private onClientUpdateAccepted(event: ClientUpdateEvent): void {
    if (event.ref.kind !== 'conversation' || !this.db.open) return;
    const meta = readMeta(event.doc);
    if (!meta || this.adapters.get(meta.channel)?.sentWhenStored) return;
    const messages = agentEntries(event).filter((e) => e.kind === 'message');
    if (messages.length === 0) return;
    const { workspaceId, conversationId } = event.ref;
    const now = this.now();
    const stage = this.db.prepare(
      `INSERT OR IGNORE INTO outbox (message_id, workspace_id, conversation_id, channel, state, attempts, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'staged', 0, ?, ?)`,
    );
    const stageAll = () => {
      for (const entry of messages) if (stage.run(entry.id, workspaceId, conversationId, meta.channel, now, now).changes === 1) this.staged.add(entry.id);
    };
    // One message (nearly always) is one statement, atomic by itself; several share a transaction.
    if (messages.length === 1) stageAll();
    else this.db.transaction(stageAll)();
  }

  private onClientUpdate(event: ClientUpdateEvent): void {
    if (event.ref.kind !== 'conversation' || !this.db.open) return;
    const meta = readMeta(event.doc);
    if (!meta) return; // not a conversation the server created (nothing to summarise or deliver)
    const { workspaceId, conversationId } = event.ref;
    const docName = event.name;
    const entries = agentEntries(event);
    // Only an update that wrote the state map can have changed the status (then the summary's
    // status is compared and the history line written); a message alone reads no summary.
    const status = event.added.has(CONV_ROOTS.state) ? event.doc.getMap(CONV_ROOTS.state).get('status') : undefined;
    const count = event.doc.getArray(CONV_ROOTS.messages).length;
    const byName = event.principal.name;

    // Queue each new agent message for its channel (CONV4: messages only, never notes).
    const adapter = this.adapters.get(meta.channel);
    for (const entry of entries) {
      if (entry.kind !== 'message') continue;
      if (adapter?.sentWhenStored) {
        if (!this.closed) this.pending.track(this.push(adapter, meta, workspaceId, conversationId, entry));
        continue;
      }
      const row: OutboxRow = { message_id: entry.id, workspace_id: workspaceId, conversation_id: conversationId, channel: meta.channel, attempts: 0 };
      // Staged by this process a moment ago: delivered now, without promoting the row first.
      if (this.staged.delete(entry.id)) {
        if (!this.closed) this.pending.track(this.deliver(row, 'staged', { meta, entry }));
        else this.promote(entry.id);
      } else if (this.outboxInsert(entry.id, workspaceId, conversationId, meta.channel) && !this.closed) {
        this.pending.track(this.deliver(row, 'pending'));
      }
    }
    if (this.closed) return;
    if (entries.length === 0 && status !== 'open' && status !== 'resolved') return;

    const statusWritten = status === 'open' || status === 'resolved';
    if (!statusWritten && !this.isQueued(workspaceId, conversationId)) {
      // Nothing of this conversation is queued: the entries' summary change and activity go out
      // now, in order (no task, no promise chain per message).
      this.agentEntriesWritten(workspaceId, conversationId, docName, meta, entries, count, byName);
      return;
    }
    void this.enqueue(workspaceId, conversationId, async () => {
      if (statusWritten) {
        const summary = await this.readSummary(workspaceId, conversationId);
        if (!summary) return;
        if (status !== summary.status) {
          await this.recordStatus(workspaceId, conversationId, status, byName);
          this.emitEvent({ type: 'status', workspaceId, conversationId, status });
        }
      }
      this.agentEntriesWritten(workspaceId, conversationId, docName, meta, entries, count, byName);
    }).catch((err: unknown) => this.logger.error({ event: 'summary_update_failed', doc: docName, reason: String(err) }));
  }

  /** Agents' new entries in a conversation: its summary, and the activity (notifications). */
  private agentEntriesWritten(
    workspaceId: string,
    conversationId: string,
    docName: string,
    meta: ConversationMeta,
    entries: MessageEntry[],
    count: number,
    byName: string,
  ): void {
    if (entries.length === 0) return;
    // Not awaited, and allowed to wait for others: an agent's messages change only the
    // preview, times and counts, which nothing on the server reads, and a burst in one
    // conversation must not queue behind its own summary writes (SummaryWriter).
    this.foldIntoSummary(workspaceId, conversationId, docName, entries, count);
    for (const entry of entries) {
      this.emit({
        type: 'entry',
        workspaceId,
        conversationId,
        kind: entry.kind as 'message' | 'note',
        author: entry.author,
        authorName: byName,
        contactName: meta.contact.name,
        text: entry.text,
        at: Math.min(entry.createdAt, this.now()),
        assigneeId: meta.assigneeId,
        mentions: entry.kind === 'note' ? (entry.mentions ?? []).map((m) => m.agentId) : [],
      });
    }
  }

  /** Waits for a summary write nobody awaits, logging a failure. */
  private trackSummary(docName: string, written: Promise<void>): void {
    this.pending.track(written.catch((err: unknown) => this.logger.error({ event: 'summary_update_failed', doc: docName, reason: String(err) })));
  }

  private async recordStatus(
    workspaceId: string,
    conversationId: string,
    status: ConversationStatus,
    byName: string,
    at?: number,
  ): Promise<void> {
    const { count } = await this.writeEvent(
      workspaceId,
      conversationId,
      status === 'resolved' ? 'resolved' : 'reopened',
      status === 'resolved' ? `Resolved by ${byName}` : `Reopened by ${byName}`,
      at,
    );
    await this.updateSummary(workspaceId, conversationId, (s) => ({ ...s, status, messageCount: Math.max(s.messageCount, count) }));
  }

  /**
   * Folds agents' entries into the conversation's open summary change, or opens one: it may wait
   * in SummaryWriter (`summaryDelayMs`), and the entries of a burst meanwhile become one small
   * value instead of a change, a promise and the decoded entries kept per message. A change of
   * any other kind closes it (updateSummary), so the order of changes is kept. Its closure is
   * made here, not in onClientUpdate, whose scope (the update's bytes) it would keep alive.
   */
  private foldIntoSummary(workspaceId: string, conversationId: string, docName: string, entries: MessageEntry[], count: number): void {
    const key = queueKey(workspaceId, conversationId);
    const open = this.openAgentEntries.get(key);
    if (open) {
      foldAgentEntries(open, entries, count, this.now());
      return;
    }
    const delta = foldAgentEntries(emptyAgentEntriesDelta(), entries, count, this.now());
    this.openAgentEntries.set(key, delta);
    const close = () => {
      if (this.openAgentEntries.get(key) === delta) this.openAgentEntries.delete(key);
    };
    const change: SummaryChange = (s) => {
      close();
      return applyAgentEntries(s, delta);
    };
    // Closed also when the write fails or finds no summary: later entries open a new change.
    this.trackSummary(docName, this.summaries.update(workspaceId, conversationId, change, { within: this.summaryDelayMs }).finally(close));
  }

  private withAgentEntries(s: ConversationSummary, entries: MessageEntry[], count: number): ConversationSummary {
    return applyAgentEntries(s, foldAgentEntries(emptyAgentEntriesDelta(), entries, count, this.now()));
  }

  // ---- delivery ---------------------------------------------------------------------------

  /**
   * Records a delivery's attempt count and outcome. Outcomes of one event-loop turn share one
   * commit (a commit in WAL mode costs tens of µs; under load many deliveries finish per turn).
   * A crash before it leaves the row staged or pending: delivered again at the next start, the
   * at-least-once window there always was between handing a message over and recording it.
   */
  private complete(messageId: string, attempts: number, state: 'done' | 'failed'): void {
    this.completions.push({ messageId, attempts, state, at: this.now() });
    this.completionFlush ??= setImmediate(() => this.flushCompletions());
  }

  private flushCompletions(): void {
    if (this.completionFlush) clearImmediate(this.completionFlush);
    this.completionFlush = null;
    const batch = this.completions.splice(0);
    if (batch.length === 0 || !this.db.open) return;
    if (batch.length === 1) this.writeCompletion(batch[0] as Completion);
    else {
      // Built once: better-sqlite3's transaction() builds its wrappers on every call.
      this.completionTx ??= this.db.transaction((rows: Completion[]) => {
        for (const c of rows) this.writeCompletion(c);
      });
      this.completionTx(batch);
    }
  }

  private writeCompletion(c: Completion): void {
    this.db.prepare('UPDATE outbox SET attempts = ?, state = ?, updated_at = ? WHERE message_id = ?').run(c.attempts, c.state, c.at, c.messageId);
  }

  /** A staged row whose update is durable becomes pending (delivered later, or at the next start). True if it was staged. */
  private promote(messageId: string): boolean {
    return this.db.prepare(`UPDATE outbox SET state = 'pending', updated_at = ? WHERE message_id = ? AND state = 'staged'`).run(this.now(), messageId).changes === 1;
  }

  /** The update holding the message is durable: staged (or new) → pending. True when it became pending now. */
  private outboxInsert(messageId: string, workspaceId: string, conversationId: string, channel: string): boolean {
    if (this.promote(messageId)) return true;
    const now = this.now();
    const result = this.db
      .prepare(
        `INSERT OR IGNORE INTO outbox (message_id, workspace_id, conversation_id, channel, state, attempts, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)`,
      )
      .run(messageId, workspaceId, conversationId, channel, now, now);
    return result.changes === 1;
  }

  private outboxMark(messageId: string, workspaceId: string, conversationId: string, state: 'done' | 'failed'): void {
    const now = this.now();
    this.db
      .prepare(
        `INSERT INTO outbox (message_id, workspace_id, conversation_id, channel, state, attempts, created_at, updated_at)
         VALUES (?, ?, ?, '', ?, 0, ?, ?)
         ON CONFLICT(message_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
      )
      .run(messageId, workspaceId, conversationId, state, now, now);
  }

  /**
   * Staged rows left by a crash: the message's update was persisted (or not) but the process died
   * before the outbox heard it was. Delivered (and summarised) when the stored document holds the
   * message; dropped when it does not (the client still has it and sends it again).
   */
  private async recoverStaged(): Promise<void> {
    const rows = this.db.prepare(`SELECT * FROM outbox WHERE state = 'staged' ORDER BY created_at`).all() as OutboxRow[];
    for (const row of rows) {
      const name = conversationDoc(row.workspace_id, row.conversation_id);
      const found = await this.docs.read(name, (doc) => ({ entry: findEntry(doc, row.message_id), count: doc.getArray(CONV_ROOTS.messages).length }));
      if (!this.db.open) return;
      if (!found.entry) {
        this.db.prepare(`DELETE FROM outbox WHERE message_id = ? AND state = 'staged'`).run(row.message_id);
        this.logger.info({ event: 'outbox_staged_dropped', doc: name, reason: 'update not stored' });
        continue;
      }
      if (!this.outboxInsert(row.message_id, row.workspace_id, row.conversation_id, row.channel)) continue;
      this.logger.info({ event: 'outbox_recovered', doc: name });
      const entry = found.entry;
      await this.enqueue(row.workspace_id, row.conversation_id, () =>
        this.updateSummary(row.workspace_id, row.conversation_id, (s) => this.withAgentEntries(s, [entry], found.count)),
      );
      this.pending.track(this.deliver({ ...row, attempts: 0 }, 'pending'));
    }
  }

  private resumeOutbox(channel?: string): void {
    const rows = (
      channel
        ? this.db.prepare(`SELECT * FROM outbox WHERE state = 'pending' AND channel = ? ORDER BY created_at`).all(channel)
        : this.db.prepare(`SELECT * FROM outbox WHERE state = 'pending' ORDER BY created_at`).all()
    ) as OutboxRow[];
    for (const row of rows) this.pending.track(this.deliver(row));
  }

  /**
   * Hands a message to its channel and records the outcome. `known`: the row's state as the
   * caller just wrote it ('staged': staged by this process and now durable, never promoted, which
   * saves a commit per message; 'pending': promoted by the caller), or undefined to read it.
   * A staged row that cannot be delivered now is promoted, so resumeOutbox finds it later; a
   * crash while it is staged is covered by recoverStaged at the next start, as before.
   */
  private async deliver(row: OutboxRow, known?: 'staged' | 'pending', given?: { meta: ConversationMeta; entry: MessageEntry }): Promise<void> {
    const adapter = this.adapters.get(row.channel as Channel);
    // Not delivering yet, or no adapter for the channel yet: the row waits, pending, for
    // startDeliveries or registerChannel.
    if (!this.delivering || this.closed || !adapter || this.inflight.has(row.message_id) || !this.db.open) {
      if (known === 'staged' && this.db.open) this.promote(row.message_id);
      return;
    }
    // A row listed twice (resumed by two callers) is delivered once: only while still pending.
    if (!known) {
      const current = this.db.prepare('SELECT state FROM outbox WHERE message_id = ?').get(row.message_id) as { state: string } | undefined;
      if (current?.state !== 'pending') return;
    }
    this.inflight.add(row.message_id);
    const name = conversationDoc(row.workspace_id, row.conversation_id);
    try {
      // The update that carried the message gives it; otherwise (retry, restart) it is looked up.
      const found = given ?? (await this.docs.read(name, (doc) => ({ meta: readMeta(doc), entry: findEntry(doc, row.message_id) })));
      if (!found.meta || !found.entry) {
        this.outboxMark(row.message_id, row.workspace_id, row.conversation_id, 'failed');
        this.logger.warn({ event: 'delivery_dropped', doc: name, reason: 'message not found' });
        return;
      }
      const target = deliveryTarget(row.workspace_id, row.conversation_id, found.meta);
      const started = this.now();
      let outcome: DeliveryOutcome;
      try {
        outcome = await adapter.deliver(target, found.entry);
      } catch (err) {
        outcome = { status: 'retry', reason: String(err) };
      }
      this.metrics?.messagesDelivered.inc({ channel: row.channel, status: outcome.status });
      const attempts = row.attempts + 1;
      if (outcome.status === 'retry') {
        this.db.prepare(`UPDATE outbox SET attempts = ?, state = 'pending', updated_at = ? WHERE message_id = ?`).run(attempts, this.now(), row.message_id);
        const delay = this.retryDelaysMs[attempts - 1];
        this.logger.warn({ event: 'delivery_retry', doc: name, channel: row.channel, reason: outcome.reason, attempt: attempts });
        if (delay === undefined) {
          await this.setReceipt(row.workspace_id, row.conversation_id, row.message_id, { status: 'failed', code: 'retries-exhausted', reason: outcome.reason });
          this.outboxMark(row.message_id, row.workspace_id, row.conversation_id, 'failed');
        } else if (!this.closed) {
          const timer = setTimeout(() => {
            this.retryTimers.delete(timer);
            this.pending.track(this.deliver({ ...row, attempts }));
          }, delay);
          timer.unref?.();
          this.retryTimers.add(timer);
        }
        return;
      }
      await this.setReceipt(
        row.workspace_id,
        row.conversation_id,
        row.message_id,
        outcome.status === 'failed' ? { status: 'failed', code: outcome.code, reason: outcome.reason } : { status: outcome.status },
      );
      this.complete(row.message_id, attempts, outcome.status === 'failed' ? 'failed' : 'done');
      this.logger.debug({ event: 'delivered', doc: name, channel: row.channel, status: outcome.status, ms: this.now() - started });
    } catch (err) {
      this.logger.error({ event: 'delivery_error', doc: name, reason: String(err) });
    } finally {
      this.inflight.delete(row.message_id);
    }
  }

  /**
   * A message on a channel whose contact reads the conversation from us, stored with its `sent`
   * receipt: shown to the contact's open connections now (later ones load it with the history).
   * Only what goes further than `sent` is written (delivered, or failed: the contact is gone).
   */
  private async push(adapter: ChannelAdapter, meta: ConversationMeta, workspaceId: string, conversationId: string, entry: MessageEntry): Promise<void> {
    const name = conversationDoc(workspaceId, conversationId);
    try {
      const outcome = await adapter.deliver(deliveryTarget(workspaceId, conversationId, meta), entry);
      this.metrics?.messagesDelivered.inc({ channel: meta.channel, status: outcome.status });
      if (outcome.status === 'failed') await this.setReceipt(workspaceId, conversationId, entry.id, { status: 'failed', code: outcome.code, reason: outcome.reason });
      else if (outcome.status === 'delivered' || outcome.status === 'read') await this.setReceipt(workspaceId, conversationId, entry.id, { status: outcome.status });
      else if (outcome.status === 'retry') this.logger.warn({ event: 'push_failed', doc: name, channel: meta.channel, reason: outcome.reason });
    } catch (err) {
      this.logger.error({ event: 'delivery_error', doc: name, reason: String(err) });
    }
  }

  // ---- helpers ----------------------------------------------------------------------------

  private eventEntry(event: string, text: string, at?: number): MessageEntry {
    return { id: newId(), kind: 'event', author: { type: 'system' }, text, createdAt: at ?? this.now(), event };
  }

  /** Appends a history line; the caller updates the summary's messageCount. */
  private async writeEvent(
    workspaceId: string,
    conversationId: string,
    event: string,
    text: string,
    at?: number,
  ): Promise<{ entry: MessageEntry; count: number }> {
    const entry = this.eventEntry(event, text, at);
    const count = await this.docs.change(conversationDoc(workspaceId, conversationId), ACTOR, (doc) => {
      const messages = doc.getArray<MessageEntry>(CONV_ROOTS.messages);
      messages.insert(messages.length, [entry]);
      return messages.length;
    });
    return { entry, count };
  }

  private readSummary(workspaceId: string, conversationId: string): Promise<ConversationSummary | null> {
    return this.docs.read(indexDoc(workspaceId), (doc) => {
      const s = doc.getMap<ConversationSummary>(INDEX_ROOTS.conversations).get(conversationId);
      return s ?? null;
    });
  }

  /**
   * Replaces a summary as a whole value (the index keeps one live value per conversation); the
   * changes of one event-loop turn share one index write (SummaryWriter).
   */
  private updateSummary(workspaceId: string, conversationId: string, update: SummaryChange): Promise<void> {
    // Agents' entries folded so far are applied before this change, and later ones after it.
    this.openAgentEntries.delete(queueKey(workspaceId, conversationId));
    return this.summaries.update(workspaceId, conversationId, update);
  }

  /** Whether a task of the conversation is queued or running (enqueue). */
  private isQueued(workspaceId: string, conversationId: string): boolean {
    return this.queues.has(queueKey(workspaceId, conversationId));
  }

  /** Runs `task` after every earlier task of the same conversation. */
  private enqueue<T>(workspaceId: string, conversationId: string, task: () => Promise<T>): Promise<T> {
    const key = queueKey(workspaceId, conversationId);
    const previous = this.queues.get(key) ?? Promise.resolve();
    const run = previous.then(task, task);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(key, settled);
    void settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
    this.pending.track(run);
    return run;
  }
}
