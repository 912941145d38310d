/**
 * Origins of the client's Yjs transactions, so the sync client knows what to send and the
 * persistence what to write. Anything else (null, or a component's own origin) is a local
 * edit: persisted and sent.
 */
export const ORIGIN = {
  /** Loaded from IndexedDB: neither written back nor sent. */
  persistence: { kind: 'persistence' },
  /** Received from the server: written, not sent back. */
  remote: { kind: 'remote' },
  /** Re-applied after a refused update (a local edit made again under a new clientID). */
  reapply: { kind: 'reapply' },
} as const;

export const isRemoteOrigin = (origin: unknown) => origin === ORIGIN.remote;
