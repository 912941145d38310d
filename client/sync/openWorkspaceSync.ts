import type { SessionInfo } from '../../shared/protocol/rest.ts';
import { deleteOldSnapshotRows, forgetIndexSnapshot } from '../stores/indexSnapshot.ts';
import { type DeviceDatabase, loadDeviceDatabase, localDatabaseName } from './DeviceDatabase.ts';
import { DexieDocStore } from './DexieDocStore.ts';
import { SyncClient } from './SyncClient.ts';

export interface WorkspaceSync {
  client: SyncClient;
  db: DeviceDatabase;
  /** Local persistence (if IndexedDB turns out to be unavailable, documents live in memory only). */
  store: DexieDocStore;
  /** Closes everything; `forget` also deletes this agent's local data: database, journals, list snapshot (sign-out). */
  close(forget: boolean): Promise<void>;
}

/** The websocket URL of the multiplexed sync endpoint for this page's origin. */
export function syncUrl(token: string, loc: Pick<Location, 'protocol' | 'host'> = location): string {
  const protocol = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${protocol}//${loc.host}/sync?token=${encodeURIComponent(token)}`;
}

/**
 * Starts opening the agent's local database and the sync client for a session. Returns at once:
 * the database opens in the background (documents load when it is open), so the first render
 * waits for nothing.
 */
export function openWorkspaceSync(session: SessionInfo, onSignInRequired: () => void): WorkspaceSync {
  const db = loadDeviceDatabase(localDatabaseName(session.workspace.id, session.agent.id));
  const store = new DexieDocStore(db);
  void store.ready.then(async (ok) => ok && deleteOldSnapshotRows(await db.dexie));
  const client = new SyncClient({ url: () => syncUrl(session.token), agentId: session.agent.id, store, onSignInRequired });
  client.start();
  return {
    client,
    db,
    store,
    async close(forget) {
      client.destroy();
      await client.flush().catch(() => undefined);
      store.close();
      const dexie = await db.dexie.catch(() => null);
      dexie?.close();
      if (forget) {
        store.forgetJournals();
        forgetIndexSnapshot(db.name);
        await dexie?.delete().catch(() => undefined);
      }
    },
  };
}
