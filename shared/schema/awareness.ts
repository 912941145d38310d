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
  /** With `typing`: what is being written. An internal note never shows dots to the contact. */
  composing?: 'reply' | 'note';
}

/**
 * Awareness clientIDs from 2^32 up belong to the server (TYP1): a client state for one of them
 * is dropped, so only the server can say that a contact is typing. A Yjs clientID is a uint32,
 * so no real client ever has one; the awareness encoding (varUint) carries them unchanged.
 */
export const SERVER_AWARENESS_ID_BASE = 2 ** 32;

/** The server's own awareness states, each under a fixed clientID from the base up. */
export const SERVER_AWARENESS_IDS = {
  /** On a conversation document: `ContactTypingState`. On the index: `WorkspaceTypingState`. */
  contactTyping: SERVER_AWARENESS_ID_BASE + 1,
} as const;

export const isServerAwarenessId = (clientId: number) => clientId >= SERVER_AWARENESS_ID_BASE;

/** Server state on a conversation document while its contact composes a message. */
export interface ContactTypingState {
  server: 'contact-typing';
  typing: true;
}

/** Server state on the workspace index: the conversations whose contact is composing now. */
export interface WorkspaceTypingState {
  server: 'workspace-typing';
  conversations: string[];
}

/** How long a contact counts as typing after its last sign of it (the widget repeats it every 3 s). */
export const CONTACT_TYPING_TTL_MS = 6_000;
