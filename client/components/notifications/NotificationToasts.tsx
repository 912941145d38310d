import { For, Show } from 'solid-js';
import type { Toast } from '../../notifications/createNotifier.ts';
import { Link } from '../../router/Link.tsx';

/** In-app notifications (a focused window, or no system permission): polite, dismissable. */
export function NotificationToasts(props: { toasts: readonly Toast[]; onDismiss: (id: string) => void }) {
  return (
    <div class="notify-toasts" role="region" aria-label="New activity">
      <For each={props.toasts}>
        {(t) => (
          <div class="notify-toast" classList={{ [`notify-toast--${t.kind}`]: true }} role="status">
            <p class="notify-toast__title">{t.title}</p>
            <p class="notify-toast__body">{t.body}</p>
            <div class="notify-toast__actions">
              <Show when={t.conversationId}>
                {(id) => (
                  <Link href={`/c/${id()}`} class="button button--small button--primary" onClick={() => props.onDismiss(t.id)}>
                    Open
                  </Link>
                )}
              </Show>
              <button type="button" class="button button--small" aria-label={`Dismiss: ${t.title}`} onClick={() => props.onDismiss(t.id)}>
                Dismiss
              </button>
            </div>
          </div>
        )}
      </For>
    </div>
  );
}
