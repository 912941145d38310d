import type { DeliveryState } from '../../../shared/schema/delivery.ts';

/** Twilio MessageStatus → our lifecycle (channels-reference 0.2); unknown values are ignored. */
export const TWILIO_STATUS: Record<string, DeliveryState> = {
  accepted: 'queued',
  scheduled: 'queued',
  queued: 'queued',
  sending: 'queued',
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  failed: 'failed',
  undelivered: 'failed',
  canceled: 'failed',
};

const REASONS: Record<string, string> = {
  '30001': 'Twilio’s queue overflowed: the message was not sent',
  '30002': 'The Twilio account is suspended',
  '30003': 'The phone is switched off or out of coverage',
  '30004': 'The recipient blocked this message',
  '30005': 'The number does not exist',
  '30006': 'The number is a landline or its carrier cannot be reached',
  '30007': 'The carrier filtered the message (spam or content)',
  '30008': 'Unknown delivery error',
  '20003': 'Twilio refused our credentials: an admin must check the account SID and auth token',
  '21211': 'The phone number is not valid',
  '21408': 'Sending to this region is not enabled for the Twilio account',
  '21610': 'The customer has opted out (replied STOP)',
  '21614': 'The number is not a mobile number',
};

/** A readable reason for a Twilio error code. */
export function twilioReason(code: string | null | undefined, fallback?: string | null): string {
  return (code && REASONS[code]) ?? fallback ?? (code ? `Twilio error ${code}` : 'Twilio reported a failure without a reason');
}

/** Create-message errors: throughput (20429, HTTP 429) and 5xx are temporary; other 4xx permanent. */
export function classifyTwilioError(httpStatus: number, body: { code?: number; message?: string } | null): { kind: 'retry'; reason: string } | { kind: 'failed'; code: string; reason: string } {
  const code = body?.code !== undefined ? String(body.code) : null;
  if (httpStatus >= 500 || httpStatus === 429 || code === '20429') return { kind: 'retry', reason: body?.message ?? `Twilio answered HTTP ${httpStatus}` };
  return { kind: 'failed', code: code ?? `http-${httpStatus}`, reason: twilioReason(code, body?.message) };
}
