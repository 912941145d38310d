import { createHmac, timingSafeEqual } from 'node:crypto';

/** `X-Hub-Signature-256` of a body: `sha256=` + lowercase hex HMAC-SHA256 of the raw bytes, keyed with the app secret. */
export function whatsappSignature(body: Buffer | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
}

/** Constant-time check of an `X-Hub-Signature-256` header against the raw body. */
export function verifyWhatsAppSignature(body: Buffer, header: string | undefined, appSecret: string): boolean {
  if (!header || !/^sha256=[0-9a-fA-F]{64}$/.test(header)) return false;
  const expected = Buffer.from(whatsappSignature(body, appSecret).slice(7), 'hex');
  const given = Buffer.from(header.slice(7), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
