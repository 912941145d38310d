import type { Accessor } from 'solid-js';
import type { ConnectionState, DocHandle } from '../sync/SyncClient.ts';

/**
 * Whether a form showing one document's values may be edited yet: once the local copy is loaded
 * and, while there is a connection, once the document is in step with the server. Before that
 * the form shows defaults or an older value, and a change made then can lose to the stored value
 * arriving a moment later (concurrent writes of one map key keep one of them), so the control
 * flips back under the user's hand. Offline, the local copy is what there is, and edits merge on
 * reconnect. Forms disable their fields (and set aria-busy) until it is true.
 */
export function createEditableWhenCurrent(handle: () => Pick<DocHandle, 'loaded' | 'synced'>, connection: Accessor<ConnectionState>): Accessor<boolean> {
  return () => {
    const h = handle();
    if (!h.loaded()) return false;
    const status = connection().status;
    const connected = status === 'online' || status === 'syncing' || status === 'connecting';
    return h.synced() || !connected;
  };
}
