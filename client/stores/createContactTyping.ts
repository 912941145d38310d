import { type Accessor, createComputed, createSignal, onCleanup } from 'solid-js';
import { SERVER_AWARENESS_IDS, type WorkspaceTypingState } from '../../shared/schema/awareness.ts';
import type { DocHandle } from '../sync/SyncClient.ts';

const NONE: ReadonlySet<string> = new Set();

/**
 * Which conversations' contacts are composing right now, for the list's "typing…" hints. Read
 * from the server's awareness state on the workspace index (TYP1): ephemeral, never written into
 * the index document, and expired by the server a few seconds after the last keystroke. This
 * agent publishes nothing on the index.
 */
export function createContactTyping(handle: Accessor<DocHandle | null>): Accessor<ReadonlySet<string>> {
  const [typing, setTyping] = createSignal<ReadonlySet<string>>(NONE);
  createComputed(() => {
    const h = handle();
    if (!h) return;
    const awareness = h.awareness();
    const update = () => {
      const state = awareness.getStates().get(SERVER_AWARENESS_IDS.contactTyping) as Partial<WorkspaceTypingState> | undefined;
      const ids = Array.isArray(state?.conversations) ? state.conversations.filter((id): id is string => typeof id === 'string') : [];
      setTyping((current) => (current.size === ids.length && ids.every((id) => current.has(id)) ? current : ids.length ? new Set(ids) : NONE));
    };
    update();
    awareness.on('change', update);
    onCleanup(() => awareness.off('change', update));
  });
  return typing;
}
