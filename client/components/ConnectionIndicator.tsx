import { Show } from 'solid-js';
import type { ConnectionState } from '../sync/SyncClient.ts';

export interface ConnectionIndicatorProps {
  state: ConnectionState;
  onReload: () => void;
}

/** Visible connection state (role="status", announced politely): online, syncing N, offline with waiting changes. */
export function ConnectionIndicator(props: ConnectionIndicatorProps) {
  const label = () => connectionLabel(props.state);
  return (
    <div class="connection" data-status={props.state.status}>
      <div role="status" aria-live="polite" class="connection__status">
        <span class="connection__dot" aria-hidden="true" />
        <span class="connection__text">{label().text}</span>
        <Show when={label().detail}>
          <span class="connection__detail">{label().detail}</span>
        </Show>
      </div>
      <Show when={props.state.status === 'reload-required'}>
        <button type="button" class="button button--small" onClick={() => props.onReload()}>
          Reload
        </button>
      </Show>
    </div>
  );
}

export function connectionLabel(state: ConnectionState): { text: string; detail: string | null } {
  const waiting = state.waiting > 0 ? `${state.waiting} ${state.waiting === 1 ? 'change' : 'changes'} waiting to sync` : null;
  switch (state.status) {
    case 'connecting':
      return { text: 'Connecting…', detail: waiting };
    case 'online':
      return { text: 'Online', detail: null };
    case 'syncing':
      return { text: 'Syncing…', detail: `${state.syncing} ${state.syncing === 1 ? 'document' : 'documents'} to update` };
    case 'offline':
      return { text: 'Offline', detail: waiting ?? 'Changes are saved on this device' };
    case 'signed-out':
      return { text: 'Signed out', detail: 'Sign in again to sync' };
    case 'reload-required':
      return { text: 'Update required', detail: 'Reload to keep syncing' };
    case 'stopped':
      return { text: 'Disconnected', detail: 'The server refused this connection' };
  }
}
