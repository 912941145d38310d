import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Database } from 'better-sqlite3';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { CAPABILITIES } from '../../shared/channels/capabilities.ts';
import { ID_PATTERN, conversationDoc, newId } from '../../shared/ids.ts';
import { CloseCode } from '../../shared/protocol/closeCodes.ts';
import {
  type VisitorMessage,
  WidgetClientMessage,
  type WidgetServerMessage,
} from '../../shared/protocol/webchat.ts';
import { CONV_ROOTS } from '../../shared/schema/conversation.ts';
import type { Receipt } from '../../shared/schema/delivery.ts';
import type { MessageEntry } from '../../shared/schema/message.ts';
import { z } from '../../shared/zod.ts';
import { hashToken } from '../auth/Directory.ts';
import type { Directory } from '../auth/Directory.ts';
import type { ChannelAdapter, DeliveryOutcome, DeliveryTarget } from '../conversations/ChannelAdapter.ts';
import type { ConversationService } from '../conversations/ConversationService.ts';
import type { DocHost } from '../docs/DocHost.ts';
import type { Logger } from '../ops/log.ts';

/** Body of POST /webchat/visitors. */
export const VisitorRequest = z.object({
  workspaceId: z.string().check(z.regex(ID_PATTERN)),
  name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))),
});

export type VisitorResult =
  | { ok: true; value: { visitorId: string; token: string } }
  | { ok: false; error: 'invalid-request' | 'not-found'; message: string };

export interface WebchatGatewayOptions {
  db: Database;
  docs: DocHost;
  conversations: ConversationService;
  directory: Directory;
  logger: Logger;
  now?: () => number;
  /** Largest frame a widget may send (bytes). */
  maxFrameBytes?: number;
  /** Invalid frames tolerated (each answered with an error frame) before the socket is closed 4400. */
  maxInvalidFrames?: number;
  /** Messages a connection may send per 10 s. */
  maxSendsPer10s?: number;
  /** Keepalive ping interval (ms); a connection that missed one pong is dropped. 0 turns it off. */
  keepaliveMs?: number;
  /** Where a visitor composing is reported (TypingRelay.contactTyping). */
  contactTyping?: (workspaceId: string, conversationId: string, typing: boolean) => void;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS webchat_visitors (
  id              TEXT PRIMARY KEY,
  workspace_id    TEXT NOT NULL,
  token_hash      TEXT NOT NULL UNIQUE,   -- SHA-256 of the visitor token; the token is never stored
  name            TEXT NOT NULL,
  conversation_id TEXT,                   -- created with the visitor's first message
  created_at      INTEGER NOT NULL,
  last_seen_at    INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS webchat_visitors_conversation ON webchat_visitors(conversation_id);
`;

interface Visitor {
  id: string;
  workspaceId: string;
  name: string;
  conversationId: string | null;
}

interface VisitorRow {
  id: string;
  workspace_id: string;
  name: string;
  conversation_id: string | null;
}

interface Connection {
  ws: WebSocket;
  visitor: Visitor;
  invalid: number;
  sends: { start: number; count: number };
  /** Agent messages awaiting proof of receipt: ping payload → message ids. */
  confirming: Map<string, string[]>;
  alive: boolean;
}

const toVisitor = (row: VisitorRow): Visitor => ({
  id: row.id,
  workspaceId: row.workspace_id,
  name: row.name,
  conversationId: row.conversation_id,
});

/**
 * The webchat channel: visitors (anonymous website users) and their websocket.
 *
 * A visitor reaches only its own conversation (WEB1: the token names the visitor, the visitor
 * names the conversation; no frame carries a conversation id) and sees only `message` entries,
 * never notes or history events (CONV4). A message is stored once per `clientMsgId` (WEB2).
 *
 * Receipts of agent messages: none for `sent`, which a stored message is (sentWhenStored, DLV1);
 * `delivered` when the visitor's browser has received the frame, proven by a websocket ping sent
 * right after it coming back as a pong (TCP keeps order, and browsers answer pings themselves);
 * `read` when the widget reports `read` while the chat is open and the page visible.
 */
export class WebchatGateway implements ChannelAdapter {
  readonly channel = 'webchat' as const;
  /** The widget loads the conversation from us: a message is sent once stored (ChannelAdapter). */
  readonly sentWhenStored = CAPABILITIES.webchat.sentWhenStored;
  private readonly db: Database;
  private readonly docs: DocHost;
  private readonly conversations: ConversationService;
  private readonly directory: Directory;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly maxInvalidFrames: number;
  private readonly maxSendsPer10s: number;
  private readonly wss: WebSocketServer;
  private readonly byVisitor = new Map<string, Set<Connection>>();
  /** `workspace/conversation` → its visitor's id (visitorOfConversation). */
  private readonly visitorByConversation = new Map<string, string>();
  private readonly creating = new Map<string, Promise<string>>();
  private readonly keepalive: ReturnType<typeof setInterval> | null;
  private readonly contactTyping: (workspaceId: string, conversationId: string, typing: boolean) => void;
  private pingSeq = 0;
  private closing = false;

  constructor(options: WebchatGatewayOptions) {
    this.db = options.db;
    this.docs = options.docs;
    this.conversations = options.conversations;
    this.directory = options.directory;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.maxInvalidFrames = options.maxInvalidFrames ?? 5;
    this.maxSendsPer10s = options.maxSendsPer10s ?? 20;
    this.contactTyping = options.contactTyping ?? (() => {});
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes ?? 64 * 1024 });
    this.db.exec(SCHEMA);
    const keepaliveMs = options.keepaliveMs ?? 30_000;
    this.keepalive = keepaliveMs > 0 ? setInterval(() => this.checkAlive(), keepaliveMs) : null;
    this.keepalive?.unref();
  }

  // ---- visitors ---------------------------------------------------------------------------

  /** POST /webchat/visitors: a new anonymous visitor of a workspace and its token (shown once). */
  createVisitor(body: unknown): VisitorResult {
    const parsed = VisitorRequest.safeParse(body);
    if (!parsed.success) return { ok: false, error: 'invalid-request', message: 'Send {workspaceId, name?}' };
    if (!this.directory.getWorkspace(parsed.data.workspaceId)) return { ok: false, error: 'not-found', message: 'No such workspace' };
    const token = randomBytes(32).toString('base64url');
    const visitorId = this.insertVisitor(parsed.data.workspaceId, parsed.data.name ?? null, token, null);
    this.logger.info({ event: 'visitor_created', workspace: parsed.data.workspaceId, visitor: visitorId });
    return { ok: true, value: { visitorId, token } };
  }

  /**
   * A visitor record nobody can connect as (its token is thrown away): for conversations that
   * arrive by other means, e.g. seeded demo data.
   */
  createOfflineVisitor(workspaceId: string, name: string, conversationId: string | null, id?: string): string {
    return this.insertVisitor(workspaceId, name, randomBytes(32).toString('base64url'), conversationId, id);
  }

  private insertVisitor(workspaceId: string, name: string | null, token: string, conversationId: string | null, id = newId()): string {
    const now = this.now();
    this.db
      .prepare(
        'INSERT INTO webchat_visitors (id, workspace_id, token_hash, name, conversation_id, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(id, workspaceId, hashToken(token), name ?? `Visitor ${id.slice(0, 4).toUpperCase()}`, conversationId, now, now);
    return id;
  }

  private visitorByToken(token: string | null): Visitor | null {
    if (!token || token.length > 200) return null;
    const row = this.db.prepare('SELECT id, workspace_id, name, conversation_id FROM webchat_visitors WHERE token_hash = ?').get(hashToken(token)) as
      | VisitorRow
      | undefined;
    return row ? toVisitor(row) : null;
  }

  private visitorById(workspaceId: string, id: string): Visitor | null {
    const row = this.db
      .prepare('SELECT id, workspace_id, name, conversation_id FROM webchat_visitors WHERE id = ? AND workspace_id = ?')
      .get(id, workspaceId) as VisitorRow | undefined;
    return row ? toVisitor(row) : null;
  }

  /** The visitor's conversation, created with its first message (one creation per visitor). */
  private conversationOf(visitor: Visitor): Promise<string> {
    if (visitor.conversationId) return Promise.resolve(visitor.conversationId);
    const stored = this.visitorById(visitor.workspaceId, visitor.id)?.conversationId;
    if (stored) return Promise.resolve((visitor.conversationId = stored));
    let creating = this.creating.get(visitor.id);
    if (!creating) {
      creating = (async () => {
        const meta = await this.conversations.createConversation({
          workspaceId: visitor.workspaceId,
          channel: 'webchat',
          contact: { id: visitor.id, name: visitor.name },
        });
        this.db.prepare('UPDATE webchat_visitors SET conversation_id = ? WHERE id = ?').run(meta.id, visitor.id);
        return meta.id;
      })().finally(() => this.creating.delete(visitor.id));
      this.creating.set(visitor.id, creating);
    }
    return creating.then((id) => {
      for (const conn of this.byVisitor.get(visitor.id) ?? []) conn.visitor.conversationId = id;
      return (visitor.conversationId = id);
    });
  }

  // ---- socket -----------------------------------------------------------------------------

  /** Upgrades `/webchat/socket?token=`: an unknown token gets close 4401 (WEB1). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.closing) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const visitor = this.visitorByToken(url.searchParams.get('token'));
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (!visitor) {
        ws.close(CloseCode.unauthorized.code, CloseCode.unauthorized.reason);
        return;
      }
      void this.accept(ws, visitor);
    });
  }

  private async accept(ws: WebSocket, visitor: Visitor): Promise<void> {
    const conn: Connection = { ws, visitor, invalid: 0, sends: { start: this.now(), count: 0 }, confirming: new Map(), alive: true };
    let set = this.byVisitor.get(visitor.id);
    if (!set) {
      set = new Set();
      this.byVisitor.set(visitor.id, set);
    }
    set.add(conn);
    this.db.prepare('UPDATE webchat_visitors SET last_seen_at = ? WHERE id = ?').run(this.now(), visitor.id);
    this.logger.info({ event: 'visitor_connected', visitor: visitor.id });

    // Frames arriving while the history loads wait in order behind it.
    let ready: Promise<void> = this.sendHistory(conn).catch((err: unknown) => {
      this.logger.error({ event: 'webchat_history_failed', visitor: visitor.id, reason: String(err) });
    });
    ws.on('message', (data, isBinary) => {
      ready = ready.then(() => this.onFrame(conn, data, isBinary)).catch((err: unknown) => {
        this.logger.error({ event: 'webchat_frame_failed', visitor: visitor.id, reason: String(err) });
        this.send(conn, { type: 'error', reason: 'internal' });
      });
    });
    ws.on('pong', (data) => this.onPong(conn, data));
    ws.on('error', (err) => this.logger.warn({ event: 'webchat_socket_error', visitor: visitor.id, reason: err.message }));
    ws.on('close', (code) => {
      set.delete(conn);
      if (set.size === 0) {
        this.byVisitor.delete(visitor.id);
        // The visitor left (closed the page, lost the network): no dots left behind.
        if (conn.visitor.conversationId) this.contactTyping(visitor.workspaceId, conn.visitor.conversationId, false);
      }
      this.logger.info({ event: 'visitor_disconnected', visitor: visitor.id, code });
    });
  }

  /** CONV4: only `message` entries of the visitor's own conversation. */
  private async sendHistory(conn: Connection): Promise<void> {
    const conversationId = conn.visitor.conversationId;
    if (!conversationId) {
      this.send(conn, { type: 'history', messages: [] });
      return;
    }
    const { messages, unconfirmed } = await this.docs.read(conversationDoc(conn.visitor.workspaceId, conversationId), (doc) => {
      const receipts = doc.getMap<Receipt>(CONV_ROOTS.receipts);
      const out: VisitorMessage[] = [];
      const pending: string[] = [];
      for (const entry of doc.getArray<MessageEntry>(CONV_ROOTS.messages)) {
        const view = this.toVisitorMessage(entry);
        if (!view) continue;
        out.push(view);
        if (view.from === 'agent') {
          const status = receipts.get(entry.id)?.status;
          if (status === 'sent' || status === undefined) pending.push(entry.id);
        }
      }
      return { messages: out, unconfirmed: pending };
    });
    this.send(conn, { type: 'history', messages });
    this.confirmReceived(conn, unconfirmed);
  }

  private toVisitorMessage(entry: MessageEntry): VisitorMessage | null {
    if (!entry || entry.kind !== 'message') return null;
    if (entry.author.type === 'contact') return { id: entry.id, from: 'visitor', text: entry.text, at: entry.createdAt, status: 'sent' };
    if (entry.author.type === 'agent') {
      const name = this.directory.getAgent(entry.author.id)?.name.split(/\s+/)[0];
      return { id: entry.id, from: 'agent', text: entry.text, at: entry.createdAt, ...(name ? { name } : {}) };
    }
    return null;
  }

  private async onFrame(conn: Connection, data: RawData, isBinary: boolean): Promise<void> {
    let message: WidgetClientMessage | null = null;
    if (!isBinary) {
      try {
        const parsed = WidgetClientMessage.safeParse(JSON.parse(data.toString()));
        if (parsed.success) message = parsed.data;
      } catch {
        message = null;
      }
    }
    if (!message) {
      conn.invalid += 1;
      if (conn.invalid >= this.maxInvalidFrames) {
        this.logger.warn({ event: 'webchat_closed_malformed', visitor: conn.visitor.id });
        conn.ws.close(CloseCode.malformedFrame.code, CloseCode.malformedFrame.reason);
      } else {
        this.send(conn, { type: 'error', reason: 'invalid-message' });
      }
      return;
    }
    switch (message.type) {
      case 'send':
        return this.onSend(conn, message.clientMsgId, message.text);
      case 'read':
        return this.onRead(conn, message.upTo);
      case 'typing': {
        // Before the first message there is no conversation to show it in.
        const { workspaceId, conversationId } = conn.visitor;
        if (conversationId) this.contactTyping(workspaceId, conversationId, message.typing);
        return;
      }
    }
  }

  private async onSend(conn: Connection, clientMsgId: string, text: string): Promise<void> {
    const now = this.now();
    if (now - conn.sends.start >= 10_000) conn.sends = { start: now, count: 0 };
    if (++conn.sends.count > this.maxSendsPer10s) {
      this.send(conn, { type: 'error', reason: 'rate-limited' });
      return;
    }
    if (!text.trim()) {
      this.send(conn, { type: 'error', reason: 'invalid-message' });
      return;
    }
    const visitor = conn.visitor;
    const conversationId = await this.conversationOf(visitor);
    // The message is here: the dots go now rather than at the typing timeout.
    this.contactTyping(visitor.workspaceId, conversationId, false);
    const result = await this.conversations.appendContactMessage({
      workspaceId: visitor.workspaceId,
      conversationId,
      key: `webchat:${visitor.id}:${clientMsgId}`,
      text,
    });
    if (!result.ok) {
      this.send(conn, { type: 'error', reason: 'send-failed' });
      return;
    }
    const view = this.toVisitorMessage(result.value.message);
    if (!view) return;
    const frame: WidgetServerMessage = { type: 'message', message: view, clientMsgId };
    // Every tab of this visitor shows the message; a re-send is acknowledged to its sender only.
    if (result.value.duplicate) this.send(conn, frame);
    else for (const other of this.byVisitor.get(visitor.id) ?? []) this.send(other, frame);
  }

  /** Marks the agent messages up to and including `upTo` read (forward-only). */
  private async onRead(conn: Connection, upTo: string): Promise<void> {
    const { workspaceId, conversationId } = conn.visitor;
    if (!conversationId) return;
    const name = conversationDoc(workspaceId, conversationId);
    const ids = await this.docs.read(name, (doc) => {
      const messages = doc.getArray<MessageEntry>(CONV_ROOTS.messages);
      const receipts = doc.getMap<Receipt>(CONV_ROOTS.receipts);
      let i = messages.length - 1;
      while (i >= 0 && messages.get(i)?.id !== upTo) i--;
      const found = messages.get(i);
      if (i < 0 || !found || found.kind !== 'message' || found.author.type !== 'agent') return [];
      const out: string[] = [];
      for (; i >= 0; i--) {
        const e = messages.get(i);
        if (!e || e.kind !== 'message' || e.author.type !== 'agent') continue;
        const status = receipts.get(e.id)?.status;
        if (status === 'read') break; // everything before was read already
        out.push(e.id);
      }
      return out;
    });
    await this.conversations.setReceipts(workspaceId, conversationId, ids, { status: 'read' });
  }

  // ---- delivery (ChannelAdapter) ----------------------------------------------------------

  /**
   * Pushes an agent message (stored, with its `sent` receipt) to the visitor's open widgets; a
   * ping behind it confirms `delivered`. A widget that opens later gets it with the history.
   */
  async deliver(target: DeliveryTarget, message: MessageEntry): Promise<DeliveryOutcome> {
    if (message.kind !== 'message') return { status: 'failed', code: 'not-a-message', reason: 'Only messages are sent to the visitor' };
    const visitorId = this.visitorOfConversation(target.workspaceId, target.conversationId);
    if (!visitorId) return { status: 'failed', code: 'unknown-visitor', reason: 'This webchat visitor no longer exists' };
    const open = this.openWidgets(visitorId, target);
    if (open.length === 0) return { status: 'sent' };
    const view = this.toVisitorMessage(message);
    if (!view) return { status: 'failed', code: 'not-a-message', reason: 'Only messages are sent to the visitor' };
    for (const conn of open) {
      this.send(conn, { type: 'message', message: view });
      this.confirmReceived(conn, [message.id]);
    }
    return { status: 'sent' };
  }

  /** Shows (or hides) "<first name> is typing…" in the visitor's open widgets. */
  async agentTyping(target: DeliveryTarget, typing: boolean, agentName: string): Promise<void> {
    const name = agentName.split(/\s+/)[0] || 'Support';
    const visitorId = this.visitorOfConversation(target.workspaceId, target.conversationId);
    if (!visitorId) return;
    for (const conn of this.openWidgets(visitorId, target)) this.send(conn, { type: 'agent-typing', typing, ...(typing ? { name } : {}) });
  }

  /** The visitor's widgets open on this conversation. */
  private openWidgets(visitorId: string, target: DeliveryTarget): Connection[] {
    const out: Connection[] = [];
    for (const conn of this.byVisitor.get(visitorId) ?? []) {
      if (conn.visitor.conversationId === target.conversationId && conn.visitor.workspaceId === target.workspaceId) out.push(conn);
    }
    return out;
  }

  /**
   * The visitor whose conversation this is, found by the conversation (never by the contact's
   * id, which becomes a contact profile's when contacts are merged). A visitor's conversation
   * never changes once set, so it is looked up once per conversation.
   */
  private visitorOfConversation(workspaceId: string, conversationId: string): string | null {
    const key = `${workspaceId}/${conversationId}`;
    const known = this.visitorByConversation.get(key);
    if (known) return known;
    const row = this.db.prepare('SELECT id FROM webchat_visitors WHERE workspace_id = ? AND conversation_id = ?').get(workspaceId, conversationId) as
      | { id: string }
      | undefined;
    if (!row) return null;
    if (this.visitorByConversation.size >= 10_000) this.visitorByConversation.clear();
    this.visitorByConversation.set(key, row.id);
    return row.id;
  }

  /** Sends a ping behind the frames already sent: its pong proves the browser got them. */
  private confirmReceived(conn: Connection, messageIds: string[]): void {
    if (messageIds.length === 0 || conn.ws.readyState !== conn.ws.OPEN) return;
    const key = `c${++this.pingSeq}`;
    conn.confirming.set(key, messageIds);
    conn.ws.ping(Buffer.from(key));
  }

  private onPong(conn: Connection, data: Buffer): void {
    conn.alive = true;
    const key = data.toString();
    const ids = conn.confirming.get(key);
    if (!ids) return;
    conn.confirming.delete(key);
    const { workspaceId, conversationId } = conn.visitor;
    if (!conversationId) return;
    void this.conversations.setReceipts(workspaceId, conversationId, ids, { status: 'delivered' }).catch((err: unknown) => {
      this.logger.error({ event: 'webchat_receipt_failed', visitor: conn.visitor.id, reason: String(err) });
    });
  }

  private checkAlive(): void {
    for (const set of this.byVisitor.values()) {
      for (const conn of set) {
        if (!conn.alive) {
          conn.ws.terminate();
          continue;
        }
        conn.alive = false;
        conn.ws.ping();
      }
    }
  }

  private send(conn: Connection, message: WidgetServerMessage): void {
    if (conn.ws.readyState === conn.ws.OPEN) conn.ws.send(JSON.stringify(message));
  }

  /** Open widget sockets. */
  connectionCount(): number {
    let n = 0;
    for (const set of this.byVisitor.values()) n += set.size;
    return n;
  }

  /** Closes every widget socket with 4503 (come back shortly) and stops accepting new ones. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.keepalive) clearInterval(this.keepalive);
    const closed: Promise<void>[] = [];
    for (const set of this.byVisitor.values()) {
      for (const conn of set) {
        closed.push(
          new Promise((resolve) => {
            if (conn.ws.readyState === conn.ws.CLOSED) return resolve();
            conn.ws.once('close', () => resolve());
            conn.ws.close(CloseCode.shuttingDown.code, CloseCode.shuttingDown.reason);
            setTimeout(() => {
              conn.ws.terminate();
              resolve();
            }, 2000).unref();
          }),
        );
      }
    }
    await Promise.all(closed);
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
