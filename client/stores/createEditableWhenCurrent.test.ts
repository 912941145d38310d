import { createRoot, createSignal } from 'solid-js';
import { describe, expect, it } from 'vitest';
import type { ConnectionState, ConnectionStatus } from '../sync/SyncClient.ts';
import { createEditableWhenCurrent } from './createEditableWhenCurrent.ts';

function setup() {
  const [loaded, setLoaded] = createSignal(false);
  const [synced, setSynced] = createSignal(false);
  const [status, setStatus] = createSignal<ConnectionStatus>('connecting');
  const connection = (): ConnectionState => ({ status: status(), syncing: 0, waiting: 0, retryAt: null, reason: null });
  const editable = createRoot(() => createEditableWhenCurrent(() => ({ loaded, synced }), connection));
  return { editable, setLoaded, setSynced, setStatus };
}

describe('createEditableWhenCurrent', () => {
  it('waits for the local copy, then for the server while connected', () => {
    const { editable, setLoaded, setSynced, setStatus } = setup();
    expect(editable()).toBe(false);
    setLoaded(true);
    expect(editable()).toBe(false); // connecting: the server's values may still change it
    setStatus('syncing');
    expect(editable()).toBe(false);
    setSynced(true);
    setStatus('online');
    expect(editable()).toBe(true);
  });

  it('offline, the local copy is enough', () => {
    const { editable, setLoaded, setStatus } = setup();
    setStatus('offline');
    expect(editable()).toBe(false);
    setLoaded(true);
    expect(editable()).toBe(true);
  });
});
