/**
 * Polls `condition` until it returns true (or a truthy value, which is returned), failing after
 * `timeoutMs`. For waiting on another process or socket, never as a sleep.
 */
export async function waitUntil<T>(
  condition: () => T | Promise<T>,
  what = 'condition',
  timeoutMs = 10_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
