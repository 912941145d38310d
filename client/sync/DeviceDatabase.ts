import type { LocalDatabase } from './LocalDatabase.ts';

/** Database name of one agent of one workspace: agents sharing a browser never share data. */
export const localDatabaseName = (workspaceId: string, agentId: string) => `switchboard:${workspaceId}:${agentId}`;

/**
 * The device's database as the app holds it while it starts: the name at once (the unload
 * journals and the list snapshot are keyed by it, and read synchronously), the Dexie database
 * once its module has loaded.
 *
 * Why not at once: Dexie is 95 KB of script, a quarter of what the PWA compiled before it could
 * paint the first row, and nothing of the first screen needs it (the list paints from the
 * localStorage snapshot; documents load from IndexedDB after the first frame anyway). Loaded
 * with `import()`, it compiles while the first screen renders (docs/performance.md, session 10).
 */
export interface DeviceDatabase {
  readonly name: string;
  /** The Dexie database (not opened yet: DexieDocStore opens it). */
  readonly dexie: Promise<LocalDatabase>;
}

/** Starts loading the Dexie module for the named database. */
export function loadDeviceDatabase(name: string): DeviceDatabase {
  return { name, dexie: import('./LocalDatabase.ts').then(({ LocalDatabase }) => new LocalDatabase(name)) };
}

/** A database already at hand (tests, tools). */
export const loadedDeviceDatabase = (db: LocalDatabase): DeviceDatabase => ({ name: db.name, dexie: Promise.resolve(db) });
