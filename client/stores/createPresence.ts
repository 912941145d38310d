import { type Accessor, createComputed, createSignal, onCleanup } from 'solid-js';
import { type AwarenessState, type ContactTypingState, SERVER_AWARENESS_IDS, isServerAwarenessId } from '../../shared/schema/awareness.ts';
import type { DocHandle } from '../sync/SyncClient.ts';

export interface Peer {
  id: string;
  name: string;
  typing: boolean;
  /** What the peer is writing while typing. */
  composing: 'reply' | 'note';
}

export interface PresenceStore {
  /** Other agents on this document (one entry per agent, typing if any of its tabs types). */
  peers: Accessor<Peer[]>;
  /** The contact is composing a message (published by the server; it expires by itself). */
  contactTyping: Accessor<boolean>;
  setTyping(typing: boolean, composing?: 'reply' | 'note'): void;
}

/**
 * Awareness on one conversation: publishes that this agent views it (and types in it), and lists
 * the other agents who do. `user` is stamped by the server (AWR1); our own state is removed on
 * cleanup and at pagehide (SyncClient), so a closed tab does not linger. The server's own state
 * (TYP1, a reserved clientID) says whether the contact is typing.
 */
export function createPresence(handle: DocHandle, conversationId: string, me: string): PresenceStore {
  const [peers, setPeers] = createSignal<Peer[]>([]);
  const [contactTyping, setContactTyping] = createSignal(false);
  let typing = false;
  let composing: 'reply' | 'note' = 'reply';
  createComputed(() => {
    const awareness = handle.awareness();
    const publish = () =>
      awareness.setLocalState({ viewing: conversationId, typing, ...(typing ? { composing } : {}) } satisfies AwarenessState);
    publish();
    const update = () => {
      const byAgent = new Map<string, Peer>();
      let contact = false;
      for (const [clientId, raw] of awareness.getStates()) {
        if (clientId === awareness.clientID) continue;
        if (isServerAwarenessId(clientId)) {
          if (clientId === SERVER_AWARENESS_IDS.contactTyping && (raw as Partial<ContactTypingState>).typing === true) contact = true;
          continue;
        }
        const state = raw as AwarenessState;
        const user = state.user;
        if (!user || user.id === me) continue;
        const prev = byAgent.get(user.id);
        const isTyping = Boolean(state.typing);
        byAgent.set(user.id, {
          id: user.id,
          name: user.name,
          typing: isTyping || Boolean(prev?.typing),
          composing: isTyping ? (state.composing === 'note' ? 'note' : 'reply') : (prev?.composing ?? 'reply'),
        });
      }
      setPeers([...byAgent.values()].sort((a, b) => a.name.localeCompare(b.name)));
      setContactTyping(contact);
    };
    update();
    awareness.on('change', update);
    onCleanup(() => {
      awareness.off('change', update);
      if (awareness.getLocalState() !== null) awareness.setLocalState(null);
    });
  });
  return {
    peers,
    contactTyping,
    setTyping(next, mode = 'reply') {
      if (next === typing && (!next || mode === composing)) return;
      typing = next;
      composing = mode;
      const awareness = handle.awareness();
      awareness.setLocalState({ viewing: conversationId, typing, ...(typing ? { composing } : {}) } satisfies AwarenessState);
    },
  };
}
