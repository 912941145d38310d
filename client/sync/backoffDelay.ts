/** Reconnect delays: exponential from `baseMs`, capped at `maxMs`, with full jitter. */
export interface BackoffOptions {
  baseMs?: number;
  maxMs?: number;
}

/**
 * Delay before reconnect attempt `attempt` (0 for the first retry): uniformly random in
 * [base/2, min(max, base·2^attempt)], so a server restart is not met by every client at once.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 500;
  const max = options.maxMs ?? 30_000;
  const ceiling = Math.min(max, base * 2 ** Math.min(attempt, 30));
  const floor = Math.min(base / 2, ceiling);
  return Math.round(floor + random() * (ceiling - floor));
}
