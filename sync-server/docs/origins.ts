import type { Principal } from '../auth/Principal.ts';

/**
 * Every Yjs transaction on the server carries one of these as its origin, so storage, fan-out
 * and hooks know where a change came from and skip echoes.
 */
export type Origin =
  /** A validated update from a client connection. */
  | { kind: 'client'; connectionId: string; principal: Principal }
  /** The server itself (conversation service, routing, channels); `actor` names the writer for logs. */
  | { kind: 'server'; actor: string }
  /** An update from another server process via fan-out. */
  | { kind: 'fanout'; from: string }
  /** Loading from storage. */
  | { kind: 'storage' };
