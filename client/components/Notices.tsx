import { For, Show } from 'solid-js';
import { REJECT_REASONS } from '../../shared/protocol/rejectReasons.ts';
import type { Rejection } from '../sync/SyncClient.ts';

export interface NoticesProps {
  rejections: readonly Rejection[];
  onDismiss: (rejection: Rejection) => void;
  updateAvailable: boolean;
  onUpdate: () => void;
  onDismissUpdate: () => void;
}

/** Toasts at the bottom right: refused changes (role="alert") and the new-version prompt. */
export function Notices(props: NoticesProps) {
  return (
    <div class="notices" aria-label="Notifications" role="region">
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
