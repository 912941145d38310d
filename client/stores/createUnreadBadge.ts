import { type Accessor, createEffect, onCleanup } from 'solid-js';

/** What the title reads for `total` unread messages: "(3) Switchboard". */
export function unreadTitle(base: string, total: number): string {
  return total > 0 ? `(${total > 999 ? '999+' : total}) ${base}` : base;
}

interface BadgeNavigator {
  setAppBadge?: (contents?: number) => Promise<void>;
  clearAppBadge?: () => Promise<void>;
}

/**
 * Shows the agent's total unread count in the document title and, where the browser supports
 * it (an installed PWA), on the app icon (`navigator.setAppBadge`). Restores both on cleanup.
 */
export function createUnreadBadge(total: Accessor<number>, nav: BadgeNavigator = navigator as BadgeNavigator): void {
  const base = document.title.replace(/^\(\d+\+?\) /, '') || 'Switchboard';
  let shown = -1;
  createEffect(() => {
    const n = total();
    if (n === shown) return;
    shown = n;
    document.title = unreadTitle(base, n);
    const request = n > 0 ? nav.setAppBadge?.(n) : nav.clearAppBadge?.();
    // Not installed, or not allowed: the title still says it.
    request?.catch(() => {});
  });
  onCleanup(() => {
    document.title = base;
    nav.clearAppBadge?.()?.catch(() => {});
  });
}
