import { z } from '../zod.ts';

/**
 * One delivery lifecycle for all channels (see docs/channels.md):
 * queued(0) < sent(1) < delivered(2) < read(3); failed is terminal.
 * A message with no receipt yet is `queued` (offline, or not yet handed to the channel).
 */
export const DELIVERY_STATES = ['queued', 'sent', 'delivered', 'read', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

const RANK: Record<DeliveryState, number> = { queued: 0, sent: 1, delivered: 2, read: 3, failed: 4 };

export const ReceiptSchema = z.object({
  status: z.enum(DELIVERY_STATES),
  at: z.int().check(z.nonnegative()),
  /** Provider error code and a readable reason, for `failed`. */
  code: z.optional(z.string().check(z.maxLength(64))),
  reason: z.optional(z.string().check(z.maxLength(500))),
});
export type Receipt = z.infer<typeof ReceiptSchema>;

/**
 * Whether a status may replace the current one: forward only; failed from anything but read;
 * nothing after failed. Same status again is a no-op (false).
 */
export function canAdvance(current: DeliveryState | undefined, next: DeliveryState): boolean {
  const cur = current ?? 'queued';
  if (cur === 'failed') return false;
  if (next === 'failed') return cur !== 'read';
  return RANK[next] > RANK[cur];
}
