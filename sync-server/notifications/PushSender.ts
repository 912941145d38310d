import webpush from 'web-push';
import type { PushPayload } from '../../shared/schema/notifications.ts';
import type { StoredSubscription } from './PushSubscriptionStore.ts';
import type { VapidKeys } from './VapidKeys.ts';

export type PushOutcome =
  | { status: 'sent' }
  /** 404/410 from the push service: the subscription is gone and must be pruned. */
  | { status: 'gone'; code: number }
  | { status: 'failed'; code: number | null; reason: string };

/** How long a push service keeps an undelivered message (the device may be offline). */
export const PUSH_TTL_SECONDS = 4 * 3600;

/**
 * Sends one Web Push message: `web-push` builds the request (VAPID JWT, RFC 8291 aes128gcm
 * encryption of the payload), and we send it with fetch, which speaks http and https alike (the
 * local push-service simulator is plain http). The payload carries no more than the preview.
 * `topic` lets the push service replace a not-yet-delivered message of the same conversation.
 */
export async function sendPush(
  sub: Pick<StoredSubscription, 'endpoint' | 'p256dh' | 'auth'>,
  payload: PushPayload,
  vapid: VapidKeys,
  fetchImpl: typeof fetch = fetch,
): Promise<PushOutcome> {
  let details: ReturnType<typeof webpush.generateRequestDetails>;
  try {
    details = webpush.generateRequestDetails({ endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } }, JSON.stringify(payload), {
      vapidDetails: { subject: vapid.subject, publicKey: vapid.publicKey, privateKey: vapid.privateKey },
      TTL: PUSH_TTL_SECONDS,
      contentEncoding: 'aes128gcm',
      urgency: payload.kind === 'message' ? 'normal' : 'high',
      topic: topicOf(payload.tag),
    });
  } catch (err) {
    return { status: 'failed', code: null, reason: `bad subscription: ${err instanceof Error ? err.message : String(err)}` };
  }
  try {
    const res = await fetchImpl(details.endpoint, {
      method: details.method,
      headers: details.headers as Record<string, string>,
      body: details.body ? new Uint8Array(details.body) : null,
      signal: AbortSignal.timeout(10_000),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.status === 404 || res.status === 410) return { status: 'gone', code: res.status };
    if (res.status >= 200 && res.status < 300) return { status: 'sent' };
    return { status: 'failed', code: res.status, reason: `push service answered ${res.status}` };
  } catch (err) {
    return { status: 'failed', code: null, reason: err instanceof Error ? err.message : String(err) };
  }
}

/** A Topic header value: at most 32 characters of the URL-safe base64 alphabet. */
export const topicOf = (tag: string) => tag.replace(/[^A-Za-z0-9_-]/g, '').slice(-32) || 'switchboard';
