import type { Database } from 'better-sqlite3';
import { newId } from '../../shared/ids.ts';

/** One device's push subscription (the browser's PushSubscription, plus who and which device). */
export interface StoredSubscription {
  id: string;
  workspaceId: string;
  agentId: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  deviceName: string;
  createdAt: number;
  lastSuccessAt: number | null;
}

interface Row {
  id: string;
  workspace_id: string;
  agent_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  device_name: string;
  created_at: number;
  last_success_at: number | null;
}

const toSub = (r: Row): StoredSubscription => ({
  id: r.id,
  workspaceId: r.workspace_id,
  agentId: r.agent_id,
  endpoint: r.endpoint,
  p256dh: r.p256dh,
  auth: r.auth,
  deviceName: r.device_name,
  createdAt: r.created_at,
  lastSuccessAt: r.last_success_at,
});

/** Most devices one agent may register; the oldest is replaced beyond it. */
export const MAX_DEVICES_PER_AGENT = 20;

/** Push subscriptions per device, server-side (the keys never go into a synced document). */
export class PushSubscriptionStore {
  constructor(private readonly db: Database) {
    db.exec(`
CREATE TABLE IF NOT EXISTS push_subscriptions (
  id              TEXT PRIMARY KEY,
  workspace_id    TEXT NOT NULL,
  agent_id        TEXT NOT NULL,
  endpoint        TEXT NOT NULL UNIQUE,
  p256dh          TEXT NOT NULL,
  auth            TEXT NOT NULL,
  device_name     TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  last_success_at INTEGER
);
CREATE INDEX IF NOT EXISTS push_subscriptions_agent ON push_subscriptions(workspace_id, agent_id);`);
  }

  /**
   * Stores a device's subscription; the same endpoint again (a re-subscribe, or another agent
   * signing in on that browser) replaces the old row, so one endpoint belongs to one agent.
   */
  upsert(input: Omit<StoredSubscription, 'id' | 'createdAt' | 'lastSuccessAt'>, now = Date.now()): StoredSubscription {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM push_subscriptions WHERE endpoint = ?').run(input.endpoint);
      const id = newId();
      this.db
        .prepare(
          `INSERT INTO push_subscriptions (id, workspace_id, agent_id, endpoint, p256dh, auth, device_name, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(id, input.workspaceId, input.agentId, input.endpoint, input.p256dh, input.auth, input.deviceName, now);
      const extra = this.forAgent(input.workspaceId, input.agentId).slice(MAX_DEVICES_PER_AGENT);
      for (const old of extra) this.remove(old.id);
      return this.get(id) as StoredSubscription;
    })();
  }

  get(id: string): StoredSubscription | null {
    const row = this.db.prepare('SELECT * FROM push_subscriptions WHERE id = ?').get(id) as Row | undefined;
    return row ? toSub(row) : null;
  }

  /** An agent's devices, newest first. */
  forAgent(workspaceId: string, agentId: string): StoredSubscription[] {
    const rows = this.db
      .prepare('SELECT * FROM push_subscriptions WHERE workspace_id = ? AND agent_id = ? ORDER BY created_at DESC, id')
      .all(workspaceId, agentId) as Row[];
    return rows.map(toSub);
  }

  remove(id: string): boolean {
    return this.db.prepare('DELETE FROM push_subscriptions WHERE id = ?').run(id).changes === 1;
  }

  markSuccess(id: string, now = Date.now()): void {
    this.db.prepare('UPDATE push_subscriptions SET last_success_at = ? WHERE id = ?').run(now, id);
  }
}
