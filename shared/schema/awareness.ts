/**
 * Awareness state a client publishes on a document. The server overwrites `user` with the
 * connection's identity before relaying (AWR1), so nobody can appear as someone else.
 */
export interface AwarenessState {
  user?: { id: string; name: string; kind: 'agent' };
  /** Conversation the agent is viewing (on the index document). */
  viewing?: string | null;
  /** True while composing in this conversation. */
  typing?: boolean;
}
