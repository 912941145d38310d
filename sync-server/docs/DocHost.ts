import type * as Y from 'yjs';
import type { DocRef } from '../../shared/ids.ts';
import type { Principal } from '../auth/Principal.ts';

/**
 * The server's documents, as the rest of the server sees them (conversation service, channels,
 * webchat, routing). Implemented by DocRegistry; everything written here is persisted before it
 * is fanned out.
 */
export interface DocHost {
  /** Runs `fn` on the document (loading it if needed) inside one transaction with a server origin. */
  change<T>(name: string, actor: string, fn: (doc: Y.Doc) => T): Promise<T>;
  /** Reads the document (loading it if needed) without changing it. */
  read<T>(name: string, fn: (doc: Y.Doc) => T): Promise<T>;
  /** Reads the document now if it is in memory (undefined otherwise): for caches checked on a hot path. */
  peek<T>(name: string, fn: (doc: Y.Doc) => T): T | undefined;
  /** Calls `listener` after every validated client update has been applied and persisted. */
  onClientUpdate(listener: (event: ClientUpdateEvent) => void): () => void;
  /**
   * Calls `listener` synchronously for every validated client update right after it is applied
   * in memory and before it is handed to the store. For write-ahead records that must exist
   * whenever the update is durable: the outbox stages a new message here, so a crash between the
   * store's write and `onClientUpdate` still delivers it after the restart (docs/storage.md).
   */
  onClientUpdateAccepted(listener: (event: ClientUpdateEvent) => void): () => void;
}

export interface ClientUpdateEvent {
  name: string;
  ref: DocRef;
  doc: Y.Doc;
  principal: Principal;
  update: Uint8Array;
  /** Plain values this update added to the root arrays/maps, by root name (e.g. new messages). */
  added: Map<string, unknown[]>;
}
