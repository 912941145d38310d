import type { Accessor, JSX } from 'solid-js';
import { navigate } from '../../router/router.ts';
import { createNotifier } from '../../notifications/createNotifier.ts';
import { useWorkspace } from '../../stores/createWorkspace.ts';
import { NotificationBanners } from './NotificationBanners.tsx';
import { NotificationToasts } from './NotificationToasts.tsx';

/**
 * Notifications of the signed-in agent on this device: system notifications, sounds, toasts, and
 * the banners (explainer, blocked) in a bar above the page, so they never cover it.
 */
export function NotificationCenter(props: { selectedId: Accessor<string | null>; children: JSX.Element }) {
  const w = useWorkspace();
  const notifier = createNotifier(w, { selectedId: props.selectedId, open: (url) => navigate(url) });
  return (
    <div class="app-shell">
      <div class="notify-banners">
        <NotificationBanners
          agentId={w.session.agent.id}
          permission={notifier.permission()}
          onEnable={() => void notifier.requestPermission()}
          soundBlocked={notifier.sound.blocked()}
        />
      </div>
      <div class="app-shell__main">
        {props.children}
        <NotificationToasts toasts={notifier.toasts()} onDismiss={notifier.dismissToast} />
      </div>
    </div>
  );
}
