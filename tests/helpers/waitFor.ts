/**
 * Waits until `condition` returns something truthy (and returns it), polling every few
 * milliseconds; fails after `timeoutMs`. For conditions on sockets, other processes and
 * asynchronous storage: never a sleep.
 */
export async function waitFor<T>(condition: () => T | Promise<T>, what = 'condition', timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Resolves with the arguments of the first `event` emitted by `emitter` for which `filter` holds. */
export function nextEvent<A extends unknown[]>(
  emitter: { on(event: string, fn: (...args: A) => void): unknown; off(event: string, fn: (...args: A) => void): unknown },
  event: string,
  filter: (...args: A) => boolean = () => true,
): Promise<A> {
  return new Promise((resolve) => {
    const handler = (...args: A) => {
      if (!filter(...args)) return;
      emitter.off(event, handler);
      resolve(args);
    };
    emitter.on(event, handler);
  });
}
