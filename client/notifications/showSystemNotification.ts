/** What a system notification shows and where a click leads. */
export interface SystemNotice {
  title: string;
  body: string;
  tag: string;
  /** Alert again (sound, vibration) when replacing a notification with the same tag. */
  renotify: boolean;
  /** App path to open on click, e.g. /c/<id>. */
  url: string;
}

/**
 * Shows a system notification from the page: `new Notification` where the browser allows it
 * (its click focuses this window and opens the conversation), else through the service worker
 * (Android Chrome), whose notificationclick does the same. One tag per conversation, so a burst
 * updates one notification (NTF8).
 */
export async function showSystemNotification(notice: SystemNotice, onClick: (url: string) => void): Promise<void> {
  const options: NotificationOptions & { renotify?: boolean } = {
    body: notice.body,
    tag: notice.tag,
    icon: '/icons/icon-192.png',
    badge: '/icons/icon-192.png',
    data: { url: notice.url },
  };
  if (notice.renotify) options.renotify = true;
  try {
    const n = new Notification(notice.title, options);
    n.onclick = (event) => {
      event.preventDefault();
      window.focus();
      n.close();
      onClick(notice.url);
    };
    return;
  } catch {
    /* "Illegal constructor" where only service workers may notify */
  }
  const registration = await navigator.serviceWorker?.getRegistration();
  await registration?.showNotification(notice.title, options);
}

/** Closes the system notifications of a conversation (it was opened here). */
export async function closeSystemNotifications(tag: string): Promise<void> {
  try {
    const registration = await navigator.serviceWorker?.getRegistration();
    for (const n of (await registration?.getNotifications({ tag })) ?? []) n.close();
  } catch {
    /* nothing to close */
  }
}
