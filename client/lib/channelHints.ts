import { smsSegments } from '../../shared/channels/smsSegments.ts';
import type { Receipt } from '../../shared/schema/delivery.ts';
import type { MessageEntry } from '../../shared/schema/message.ts';

/**
 * What the thread and composer say about a channel's limits, derived from the conversation's own
 * entries: the WhatsApp 24-hour customer-service window, the SMS segment counter, and whether a
 * WhatsApp contact seems to have read receipts off.
 */

/** WhatsApp's customer-service window (channels-reference 1.9); the server enforces the same. */
export const WHATSAPP_WINDOW_MS = 24 * 60 * 60 * 1000;

/** When the contact last wrote (their newest message), or null if they never did. */
export function lastContactMessageAt(messages: readonly MessageEntry[]): number | null {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.kind === 'message' && m.author.type === 'contact') return m.createdAt;
  }
  return null;
}

export type WindowState =
  | { open: true; closesAt: number; label: string }
  | { open: false; reason: string };

/** "3 h", "45 min", "1 min": rounded down, at least one minute. */
function duration(ms: number): string {
  const minutes = Math.max(1, Math.floor(ms / 60_000));
  return minutes >= 60 ? `${Math.floor(minutes / 60)} h` : `${minutes} min`;
}

/** Whether a free-form WhatsApp reply can be sent now, and what to tell the agent. */
export function whatsappWindow(lastInboundAt: number | null, now: number): WindowState {
  if (lastInboundAt === null) {
    return { open: false, reason: 'The customer has not written yet: WhatsApp only allows template messages until they do.' };
  }
  const closesAt = lastInboundAt + WHATSAPP_WINDOW_MS;
  if (now < closesAt) return { open: true, closesAt, label: `Window closes in ${duration(closesAt - now)}` };
  return {
    open: false,
    reason: `The 24-hour window closed ${duration(now - closesAt)} ago: WhatsApp only allows template messages until the customer writes again.`,
  };
}

/** "2 segments · 140 characters left" (GSM-7 septets or UCS-2 units), or null for an empty text. */
export function segmentLabel(text: string): string | null {
  const s = smsSegments(text);
  if (s.segments === 0) return null;
  const unit = s.remaining === 1 ? 'character' : 'characters';
  return `${s.segments} ${s.segments === 1 ? 'segment' : 'segments'} · ${s.remaining} ${unit} left${s.encoding === 'UCS-2' ? ' (Unicode)' : ''}`;
}

/**
 * True when one of our messages stayed at delivered although the contact wrote after it was
 * delivered: they have seen the chat, so their read receipts are off.
 */
export function readReceiptsSeemOff(messages: readonly MessageEntry[], receipts: Readonly<Record<string, Receipt>>): boolean {
  const lastInbound = lastContactMessageAt(messages);
  if (lastInbound === null) return false;
  return messages.some((m) => {
    if (m.kind !== 'message' || m.author.type !== 'agent') return false;
    const r = receipts[m.id];
    return r?.status === 'delivered' && r.at < lastInbound;
  });
}
