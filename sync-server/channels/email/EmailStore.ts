import type { Database } from 'better-sqlite3';

/**
 * What the email channel keeps beside the ChannelLedger (SQLite, same database):
 *
 *   email_threads     conversation → the customer's address and the thread's subject
 *   email_messages    every Message-ID seen or sent, per workspace: threading and idempotency
 *                     (a re-delivered mail finds its Message-ID and is stored once: MAIL2)
 *   email_awaiting    our sent mail waiting for "delivered if no bounce" (due time)
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS email_threads (
  workspace_id     TEXT NOT NULL,
  conversation_id  TEXT NOT NULL,
  address          TEXT NOT NULL,
  subject          TEXT NOT NULL,
  PRIMARY KEY (workspace_id, conversation_id)
);
CREATE TABLE IF NOT EXISTS email_messages (
  workspace_id     TEXT NOT NULL,
  header_id        TEXT NOT NULL,
  conversation_id  TEXT NOT NULL,
  message_id       TEXT,
  direction        TEXT NOT NULL,
  refs             TEXT NOT NULL,
  created_at       INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, header_id)
);
CREATE INDEX IF NOT EXISTS email_messages_conv ON email_messages(workspace_id, conversation_id, created_at);
CREATE INDEX IF NOT EXISTS email_messages_entry ON email_messages(message_id);
CREATE TABLE IF NOT EXISTS email_awaiting (
  message_id       TEXT PRIMARY KEY,
  workspace_id     TEXT NOT NULL,
  header_id        TEXT NOT NULL,
  due_at           INTEGER NOT NULL
);
`;

export interface EmailThread {
  address: string;
  subject: string;
}

export interface EmailMessageRow {
  workspace_id: string;
  header_id: string;
  conversation_id: string;
  message_id: string | null;
  direction: 'in' | 'out';
  refs: string;
  created_at: number;
}

export class EmailStore {
  constructor(private readonly db: Database) {
    db.exec(SCHEMA);
  }

  thread(workspaceId: string, conversationId: string): EmailThread | null {
    return (
      (this.db.prepare('SELECT address, subject FROM email_threads WHERE workspace_id = ? AND conversation_id = ?').get(workspaceId, conversationId) as
        | EmailThread
        | undefined) ?? null
    );
  }

  addThread(workspaceId: string, conversationId: string, thread: EmailThread): void {
    this.db
      .prepare('INSERT OR IGNORE INTO email_threads (workspace_id, conversation_id, address, subject) VALUES (?, ?, ?, ?)')
      .run(workspaceId, conversationId, thread.address, thread.subject);
  }

  message(workspaceId: string, headerId: string): EmailMessageRow | null {
    return (this.db.prepare('SELECT * FROM email_messages WHERE workspace_id = ? AND header_id = ?').get(workspaceId, headerId) as EmailMessageRow | undefined) ?? null;
  }

  /** Our outgoing mail for an entry id. */
  outgoing(messageId: string): EmailMessageRow | null {
    return (this.db.prepare(`SELECT * FROM email_messages WHERE message_id = ? AND direction = 'out'`).get(messageId) as EmailMessageRow | undefined) ?? null;
  }

  /** Records a Message-ID; false when it was already known (MAIL2). */
  addMessage(row: Omit<EmailMessageRow, 'refs'> & { refs: string[] }): boolean {
    return (
      this.db
        .prepare(
          'INSERT OR IGNORE INTO email_messages (workspace_id, header_id, conversation_id, message_id, direction, refs, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(row.workspace_id, row.header_id, row.conversation_id, row.message_id, row.direction, JSON.stringify(row.refs), row.created_at).changes === 1
    );
  }

  /** The customer's latest mail in a conversation: what a reply answers. */
  latestInbound(workspaceId: string, conversationId: string): { headerId: string; refs: string[] } | null {
    const row = this.db
      .prepare(`SELECT header_id, refs FROM email_messages WHERE workspace_id = ? AND conversation_id = ? AND direction = 'in' ORDER BY created_at DESC, rowid DESC LIMIT 1`)
      .get(workspaceId, conversationId) as { header_id: string; refs: string } | undefined;
    return row ? { headerId: row.header_id, refs: JSON.parse(row.refs) as string[] } : null;
  }

  await(messageId: string, workspaceId: string, headerId: string, dueAt: number): void {
    this.db
      .prepare('INSERT INTO email_awaiting (message_id, workspace_id, header_id, due_at) VALUES (?, ?, ?, ?) ON CONFLICT(message_id) DO UPDATE SET due_at = MAX(due_at, excluded.due_at)')
      .run(messageId, workspaceId, headerId, dueAt);
  }

  /** A delayed DSN: the mail is still on its way; wait one more period (from the due time or from now, whichever is later). */
  extend(messageId: string, now: number, periodMs: number): void {
    this.db.prepare('UPDATE email_awaiting SET due_at = MAX(due_at, ?) + ? WHERE message_id = ?').run(now, periodMs, messageId);
  }

  stopAwaiting(messageId: string): void {
    this.db.prepare('DELETE FROM email_awaiting WHERE message_id = ?').run(messageId);
  }

  due(now: number): Array<{ message_id: string; workspace_id: string; header_id: string }> {
    return this.db.prepare('SELECT message_id, workspace_id, header_id FROM email_awaiting WHERE due_at <= ? ORDER BY due_at LIMIT 500').all(now) as Array<{
      message_id: string;
      workspace_id: string;
      header_id: string;
    }>;
  }
}
