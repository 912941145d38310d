import { type Accessor, createSignal, onCleanup } from 'solid-js';

export type PermissionStatus = 'granted' | 'denied' | 'default' | 'unsupported';

const current = (): PermissionStatus => (typeof Notification === 'undefined' ? 'unsupported' : Notification.permission);

/**
 * The browser's notification permission, live: it changes when the agent answers our "Enable"
 * request or flips it in the site settings (Permissions API `change`, and on focus as a fallback).
 */
export function createNotificationPermission(): { permission: Accessor<PermissionStatus>; request(): Promise<PermissionStatus> } {
  const [permission, setPermission] = createSignal<PermissionStatus>(current());
  const refresh = () => setPermission(current());
  if (typeof window !== 'undefined') {
    window.addEventListener('focus', refresh);
    onCleanup(() => window.removeEventListener('focus', refresh));
    void navigator.permissions
      ?.query({ name: 'notifications' as PermissionName })
      .then((status) => {
        status.addEventListener('change', refresh);
        onCleanup(() => status.removeEventListener('change', refresh));
      })
      .catch(() => undefined);
  }
  return {
    permission,
    /** Asks the browser (only ever from a click on our own "Enable" button, never on load). */
    async request() {
      if (typeof Notification === 'undefined') return 'unsupported';
      try {
        await Notification.requestPermission();
      } catch {
        /* older callback-only browsers: the value is read below */
      }
      refresh();
      return permission();
    },
  };
}
