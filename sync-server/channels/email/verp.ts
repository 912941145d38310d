import { createHmac, timingSafeEqual } from 'node:crypto';
import { ID_PATTERN } from '../../../shared/ids.ts';

/**
 * VERP return paths (docs/channels.md, Email): every mail we send has its own envelope sender
 * `bounces+<message id>.<mac>@<domain>`, so a bounce names the message it is about. The mac is
 * the first 8 bytes of HMAC-SHA256(secret, message id) in hex: a forged bounce cannot fail a
 * message whose id it merely guessed or saw in a header (MAIL4).
 */
export function verpAddress(localPart: string, domain: string, messageId: string, secret: string): string {
  return `${localPart}+${messageId}.${verpMac(messageId, secret)}@${domain}`;
}

const verpMac = (messageId: string, secret: string) => createHmac('sha256', secret).update(messageId).digest('hex').slice(0, 16);

export type VerpResult = { kind: 'not-verp' } | { kind: 'forged' } | { kind: 'ok'; messageId: string };

/** Reads a VERP recipient: our message id when its mac is right. */
export function parseVerp(address: string, localPart: string, domain: string, secret: string): VerpResult {
  const at = address.lastIndexOf('@');
  if (at < 0 || address.slice(at + 1).toLowerCase() !== domain.toLowerCase()) return { kind: 'not-verp' };
  const local = address.slice(0, at);
  const prefix = `${localPart}+`;
  if (local.slice(0, prefix.length).toLowerCase() !== prefix) return { kind: 'not-verp' };
  const token = local.slice(prefix.length);
  const dot = token.lastIndexOf('.');
  if (dot < 0) return { kind: 'forged' };
  const messageId = token.slice(0, dot);
  const mac = token.slice(dot + 1).toLowerCase();
  if (!ID_PATTERN.test(messageId) || !/^[0-9a-f]{16}$/.test(mac)) return { kind: 'forged' };
  const expected = Buffer.from(verpMac(messageId, secret));
  return timingSafeEqual(expected, Buffer.from(mac)) ? { kind: 'ok', messageId } : { kind: 'forged' };
}
