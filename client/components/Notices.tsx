import { For, Show } from 'solid-js';
import { REJECT_REASONS } from '../../shared/protocol/rejectReasons.ts';
import type { Rejection } from '../sync/SyncClient.ts';

export interface NoticesProps {
  rejections: readonly Rejection[];
  onDismiss: (rejection: Rejection) => void;
  updateAvailable: boolean;
  onUpdate: () => void;
  onDismissUpdate: () => void;
  /** This browser keeps no copy of the agent's documents (IndexedDB unavailable). */
  localCopyUnavailable?: boolean;
  onDismissLocalCopy?: () => void;
}

/**
 * Toasts at the bottom right: refused changes (role="alert"), the new-version prompt, and a
 * warning when this browser cannot keep the inbox on the device.
 */
export function Notices(props: NoticesProps) {
  return (
    <div class="notices" aria-label="Notifications" role="region">
      <Show when={props.localCopyUnavailable}>
        <div class="notice notice--warning" role="status">
          <p class="notice__text">
            <strong>This browser is not keeping your inbox on this device</strong> (its storage is turned off, as in some
            private windows). Everything works while you are online, but drafts and unsent messages are lost if you go
            offline and close this tab.
          </p>
          <div class="notice__actions">
            <button type="button" class="button button--small" onClick={() => props.onDismissLocalCopy?.()}>
              Dismiss
            </button>
          </div>
        </div>
      </Show>
      <Show when={props.updateAvailable}>
        <div class="notice notice--info" role="status">
          <p class="notice__text">A new version is available.</p>
          <div class="notice__actions">
            <button type="button" class="button button--primary button--small" onClick={() => props.onUpdate()}>
              Reload
            </button>
            <button type="button" class="button button--small" onClick={() => props.onDismissUpdate()}>
              Later
            </button>
          </div>
        </div>
      </Show>
      <For each={props.rejections}>
        {(rejection) => (
          <div class="notice notice--warning" role="alert">
            <p class="notice__text">
              <strong>A change was not saved.</strong> {REJECT_REASONS[rejection.reason] ?? rejection.detail}.{' '}
              {rejection.droppedLocalChanges
                ? 'Your unsent changes to this item were discarded.'
                : 'Your draft and unsent messages were kept.'}
            </p>
            <div class="notice__actions">
              <button type="button" class="button button--small" onClick={() => props.onDismiss(rejection)}>
                Dismiss
              </button>
            </div>
          </div>
        )}
      </For>
    </div>
  );
}
