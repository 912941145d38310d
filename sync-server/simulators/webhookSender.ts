/**
 * How the simulated providers call their webhooks: redelivered (with growing delays) until the
 * receiver answers 2xx, like Meta and Twilio do for connection failures and errors.
 */
export interface WebhookAttempt {
  url: string;
  status: number | null;
}

export interface WebhookSender {
  /** Resolves with the final HTTP status (null if the receiver was never reachable). */
  post(url: string, body: string, headers: Record<string, string>): Promise<number | null>;
  /** Every attempt made, oldest first. */
  readonly attempts: WebhookAttempt[];
  /** Stops pending redeliveries. */
  close(): void;
}

export function createWebhookSender(opts: { fetch?: typeof fetch; retryDelaysMs?: number[] } = {}): WebhookSender {
  const doFetch = opts.fetch ?? globalThis.fetch;
  const delays = opts.retryDelaysMs ?? [50, 200, 1000];
  const timers = new Map<ReturnType<typeof setTimeout>, () => void>();
  const attempts: WebhookAttempt[] = [];
  let closed = false;
  const once = async (url: string, body: string, headers: Record<string, string>): Promise<number | null> => {
    try {
      const res = await doFetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(15_000) });
      await res.arrayBuffer();
      attempts.push({ url, status: res.status });
      return res.status;
    } catch {
      attempts.push({ url, status: null });
      return null;
    }
  };
  return {
    attempts,
    async post(url, body, headers) {
      let status = await once(url, body, headers);
      for (const delay of delays) {
        if (closed || (status !== null && status >= 200 && status < 300) || (status !== null && status >= 400 && status < 500)) break;
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => {
            timers.delete(t);
            resolve();
          }, delay);
          timers.set(t, resolve);
        });
        if (closed) break;
        status = await once(url, body, headers);
      }
      return status;
    },
    close() {
      closed = true;
      for (const [t, resolve] of timers) {
        clearTimeout(t);
        resolve();
      }
      timers.clear();
    },
  };
}
