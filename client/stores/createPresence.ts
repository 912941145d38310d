import { type Accessor, createComputed, createSignal, onCleanup } from 'solid-js';
import type { AwarenessState } from '../../shared/schema/awareness.ts';
import type { DocHandle } from '../sync/SyncClient.ts';

export interface Peer {
  id: string;
  name: string;
  typing: boolean;
}

export interface PresenceStore {
  /** Other agents on this document (one entry per agent, typing if any of its tabs types). */
  peers: Accessor<Peer[]>;
  setTyping(typing: boolean): void;
}

/**
 * Awareness on one conversation: publishes that this agent views it (and types in it), and lists
 * the other agents who do. `user` is stamped by the server (AWR1); our own state is removed on
 * cleanup and at pagehide (SyncClient), so a closed tab does not linger.
 */
export function createPresence(handle: DocHandle, conversationId: string, me: string): PresenceStore {
  const [peers, setPeers] = createSignal<Peer[]>([]);
  let typing = false;
  createComputed(() => {
    const awareness = handle.awareness();
    const publish = () => awareness.setLocalState({ viewing: conversationId, typing } satisfies AwarenessState);
    publish();
    const update = () => {
      const byAgent = new Map<string, Peer>();
      for (const [clientId, raw] of awareness.getStates()) {
        if (clientId === awareness.clientID) continue;
        const state = raw as AwarenessState;
        const user = state.user;
        if (!user || user.id === me) continue;
        const prev = byAgent.get(user.id);
        byAgent.set(user.id, { id: user.id, name: user.name, typing: Boolean(state.typing) || Boolean(prev?.typing) });
      }
      setPeers([...byAgent.values()].sort((a, b) => a.name.localeCompare(b.name)));
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
    setTyping(next) {
      if (next === typing) return;
      typing = next;
      const awareness = handle.awareness();
      awareness.setLocalStateField('typing', next);
    },
  };
}
