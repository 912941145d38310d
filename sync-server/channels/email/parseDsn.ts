/**
 * Delivery status notifications (RFC 3464 inside an RFC 6522 multipart/report; docs/channels.md,
 * Email). Reads the `message/delivery-status` part into its per-message and per-recipient
 * fields, and the Message-ID of the returned original (`text/rfc822-headers` or
 * `message/rfc822`).
 */

export type DsnAction = 'failed' | 'delayed' | 'delivered' | 'relayed' | 'expanded';

export interface DsnRecipient {
  finalRecipient: string;
  action: DsnAction;
  /** RFC 3463 `class.subject.detail`, e.g. 5.1.1. */
  status: string;
  diagnostic: string | null;
  remoteMta: string | null;
}

export interface Dsn {
  reportingMta: string | null;
  envelopeId: string | null;
  recipients: DsnRecipient[];
}

const ACTIONS = new Set<DsnAction>(['failed', 'delayed', 'delivered', 'relayed', 'expanded']);
const MAX_FIELDS = 200;

/** Splits header-style text into blocks of fields (continuation lines unfolded, names lower-cased). */
function fieldBlocks(text: string): Array<Map<string, string>> {
  const blocks: Array<Map<string, string>> = [];
  let current = new Map<string, string>();
  let last: string | null = null;
  let count = 0;
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (line.trim() === '') {
      if (current.size) blocks.push(current);
      current = new Map();
      last = null;
      continue;
    }
    if (/^[ \t]/.test(line) && last) {
      current.set(last, `${current.get(last) ?? ''} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    if (++count > MAX_FIELDS) break;
    last = line.slice(0, colon).trim().toLowerCase();
    if (!current.has(last)) current.set(last, line.slice(colon + 1).trim());
  }
  if (current.size) blocks.push(current);
  return blocks;
}

/** `rfc822; gone@example.com` → `gone@example.com`. */
const typedValue = (v: string | undefined) => (v ? v.replace(/^[^;]*;\s*/, '').trim() : null);

/** Parses a `message/delivery-status` body; null when it has no valid recipient block. */
export function parseDeliveryStatus(text: string): Dsn | null {
  const [perMessage, ...perRecipient] = fieldBlocks(text);
  if (!perMessage) return null;
  const recipients: DsnRecipient[] = [];
  for (const block of perRecipient) {
    const action = block.get('action')?.toLowerCase().split(/\s/)[0] as DsnAction | undefined;
    const finalRecipient = typedValue(block.get('final-recipient'));
    const status = block.get('status')?.match(/^[245]\.\d{1,3}\.\d{1,3}/)?.[0];
    if (!action || !ACTIONS.has(action) || !finalRecipient || !status) continue;
    recipients.push({
      finalRecipient: finalRecipient.toLowerCase(),
      action,
      status,
      diagnostic: typedValue(block.get('diagnostic-code')),
      remoteMta: typedValue(block.get('remote-mta')),
    });
  }
  if (recipients.length === 0) return null;
  return { reportingMta: typedValue(perMessage.get('reporting-mta')), envelopeId: perMessage.get('original-envelope-id')?.trim() ?? null, recipients };
}

/** The Message-ID of a returned original (its headers as text). */
export function returnedMessageId(headersText: string): string | null {
  const block = fieldBlocks(headersText.split(/\r?\n\r?\n/)[0] ?? '')[0];
  const id = block?.get('message-id')?.match(/<[^<>\s]+>/)?.[0];
  return id ?? null;
}

/** A readable reason for a failed or delayed recipient: Status with its meaning, then the diagnostic. */
export function dsnReason(r: DsnRecipient): string {
  const meaning = STATUS_MEANING[r.status.slice(2)] ?? STATUS_SUBJECT[r.status.split('.')[1] ?? ''] ?? 'delivery problem';
  const diagnostic = r.diagnostic ? `: ${r.diagnostic.replace(/\s+/g, ' ').slice(0, 300)}` : '';
  return `${r.status} ${meaning}${diagnostic}`;
}

/** RFC 3463 subject.detail codes people meet most. */
const STATUS_MEANING: Record<string, string> = {
  '1.1': 'no such mailbox',
  '1.2': 'no such domain',
  '1.10': 'recipient address has a null MX',
  '2.1': 'mailbox disabled',
  '2.2': 'mailbox full',
  '3.4': 'message too big',
  '4.1': 'no answer from host',
  '4.4': 'unable to route',
  '4.7': 'delivery time expired',
  '7.1': 'refused by policy',
  '7.26': 'failed authentication (DMARC)',
};
const STATUS_SUBJECT: Record<string, string> = {
  '1': 'addressing problem',
  '2': 'mailbox problem',
  '3': 'mail system problem',
  '4': 'network or routing problem',
  '5': 'protocol problem',
  '6': 'content problem',
  '7': 'security or policy problem',
};
