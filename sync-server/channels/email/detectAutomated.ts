/**
 * Whether an inbound mail was sent by a machine (RFC 3834 and common practice; docs/channels.md,
 * Email): such mail is stored flagged "automated", never answered automatically and never
 * reopens a resolved conversation (MAIL3). Returns the reason, or null for a person's mail.
 */
export function detectAutomated(input: {
  headers: Map<string, unknown>;
  /** The envelope sender (`MAIL FROM`); "" for the null sender `<>`. */
  envelopeFrom: string;
  fromAddress: string;
  contentType?: string;
  /** Our own addresses: mail claiming to come from them is a loop. */
  ownAddresses: readonly string[];
  /** The X-Loop value our outgoing mail carries. */
  loopToken: string;
}): string | null {
  const header = (name: string): string => {
    const v = input.headers.get(name);
    if (v === undefined || v === null) return '';
    if (typeof v === 'string') return v.trim();
    if (typeof v === 'object' && 'value' in (v as object)) return String((v as { value: unknown }).value).trim();
    return String(v).trim();
  };
  const loops = input.headers.get('x-loop');
  const loopValues = Array.isArray(loops) ? loops.map(String) : loops ? [String(loops)] : [];
  if (loopValues.some((v) => v.trim().toLowerCase() === input.loopToken.toLowerCase())) return 'loop';
  const from = input.fromAddress.toLowerCase();
  if (input.ownAddresses.some((a) => a.toLowerCase() === from)) return 'loop';
  const autoSubmitted = header('auto-submitted').toLowerCase();
  if (autoSubmitted && !autoSubmitted.startsWith('no')) return 'auto-submitted';
  if (input.envelopeFrom === '') return 'null-sender';
  if (header('return-path').replace(/\s/g, '') === '<>') return 'null-sender';
  const type = (input.contentType ?? header('content-type')).toLowerCase();
  if (type.startsWith('multipart/report')) return 'report';
  if (/^(bulk|junk|list)$/i.test(header('precedence'))) return 'precedence';
  if (header('x-autoreply') || header('x-autorespond')) return 'auto-reply';
  if (input.headers.has('list-id') || input.headers.has('list-unsubscribe')) return 'list';
  if (/^(mailer-daemon|postmaster)@/i.test(from)) return 'mailer-daemon';
  return null;
}
