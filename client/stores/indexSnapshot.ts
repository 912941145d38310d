import type { ConversationSummary } from '../../shared/schema/workspaceIndex.ts';
import type { LocalDatabase } from '../sync/LocalDatabase.ts';

/**
 * The conversation list as plain JSON in IndexedDB. Decoding the Yjs index of 10,000 summaries
 * takes ~150 ms; parsing this copy a tenth of that, so a cold start paints the list from it and
 * decodes the document right after. It only ever bridges that moment: the document wins.
 */
const NAME = 'index:conversations';

/** What index.html's boot script started reading while the app's code was still loading. */
interface BootPrefetch {
  database: string;
  snapshot: Promise<string | null>;
}

declare global {
  interface Window {
    __switchboardBoot?: BootPrefetch;
  }
}

export async function readIndexSnapshot(db: LocalDatabase): Promise<ConversationSummary[] | null> {
  try {
    const boot = typeof window === 'undefined' ? undefined : window.__switchboardBoot;
    const json = boot && boot.database === db.name ? await boot.snapshot : ((await db.snapshots.get(NAME))?.json ?? null);
    if (!json) return null;
    const parsed = JSON.parse(json) as unknown;
    return Array.isArray(parsed) ? (parsed as ConversationSummary[]) : null;
  } catch {
    return null;
  }
}

/** The snapshot's key in the `snapshots` table (index.html's boot script reads it too). */
export const INDEX_SNAPSHOT_KEY = NAME;

/** Writes the copy; the IndexedDB transaction opens synchronously (safe to call at pagehide). */
export function writeIndexSnapshot(db: LocalDatabase, summaries: readonly ConversationSummary[]): void {
  if (!db.isOpen()) return;
  if (typeof window !== 'undefined') delete window.__switchboardBoot; // a later read must see this write
  try {
    const tx = db.backendDB().transaction('snapshots', 'readwrite');
    tx.objectStore('snapshots').put({ name: NAME, json: JSON.stringify(summaries), at: Date.now() });
  } catch {
    // best effort: the document is the source of truth
  }
}
