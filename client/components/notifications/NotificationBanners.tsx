import { createSignal, Match, Show, Switch } from 'solid-js';
import type { PermissionStatus } from '../../notifications/notificationPermission.ts';

const DISMISS_KEY = 'switchboard-notifications-explainer';

export interface NotificationBannersProps {
  agentId: string;
  permission: PermissionStatus;
  onEnable: () => void;
  /** Alert sounds were refused by the browser's autoplay rules. */
  soundBlocked: boolean;
}

/**
 * Our own first-run explainer (never the browser's prompt on load: the browser asks only after
 * "Enable"), and, when notifications are blocked, a banner that says so and how to undo it in the
 * browser's site settings instead of failing silently (the spec's pitfall).
 */
export function NotificationBanners(props: NotificationBannersProps) {
  const key = () => `${DISMISS_KEY}:${props.agentId}`;
  const [dismissed, setDismissed] = createSignal(readFlag(key()));
  const [blockedDismissed, setBlockedDismissed] = createSignal(false);
  const dismiss = () => {
    setDismissed(true);
    try {
      localStorage.setItem(key(), '1');
    } catch {
      /* private mode: dismissed for this session */
    }
  };
  return (
    <>
      <Switch>
        <Match when={props.permission === 'default' && !dismissed()}>
          <section class="notify-banner" aria-labelledby="notify-explainer-title">
            <div class="notify-banner__text">
              <h2 id="notify-explainer-title" class="notify-banner__title">
                Turn on notifications?
              </h2>
              <p>
                Get told about new messages in your conversations, new assignments and @mentions in internal notes while Switchboard is
                in the background, on this computer or phone. Your browser will ask you to allow it.
              </p>
            </div>
            <div class="notify-banner__actions">
              <button type="button" class="button button--primary button--small" onClick={() => props.onEnable()}>
                Enable notifications
              </button>
              <button type="button" class="button button--small" onClick={dismiss}>
                Not now
              </button>
            </div>
          </section>
        </Match>
        <Match when={props.permission === 'denied' && !blockedDismissed()}>
          <section class="notify-banner notify-banner--warning" role="alert" aria-labelledby="notify-blocked-title">
            <div class="notify-banner__text">
              <h2 id="notify-blocked-title" class="notify-banner__title">
                Notifications are blocked for Switchboard
              </h2>
              <p>
                You will not get notifications on this device. To turn them back on, set Notifications to Allow for {location.host}, then
                reload the page: on a computer, click the icon at the left of the address bar (or Settings › Privacy and security › Site
                settings › Notifications); on Android, the browser's menu › Settings › Site settings › Notifications; on an iPhone with
                Switchboard on the Home Screen, the phone's Settings › Notifications › Switchboard.
              </p>
            </div>
            <div class="notify-banner__actions">
              <button type="button" class="button button--small" onClick={() => setBlockedDismissed(true)}>
                Dismiss
              </button>
            </div>
          </section>
        </Match>
      </Switch>
      <Show when={props.soundBlocked}>
        <p class="notify-hint" role="status">
          Your browser blocked an alert sound. Click anywhere in Switchboard to allow sounds.
        </p>
      </Show>
    </>
  );
}

function readFlag(key: string): boolean {
  try {
    return localStorage.getItem(key) === '1';
  } catch {
    return false;
  }
}
