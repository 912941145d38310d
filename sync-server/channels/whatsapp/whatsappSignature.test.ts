import { describe, expect, it } from 'vitest';
import { verifyWhatsAppSignature, whatsappSignature } from './whatsappSignature.ts';

// channels-reference 1.2: 342 bytes, no whitespace, no trailing newline.
const VECTOR_BODY =
  '{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"statuses":[{"id":"wamid.TEST1","status":"delivered","timestamp":"1717000100","recipient_id":"16505551234"}]}}]}]}';
const VECTOR_SIGNATURE = 'sha256=2da21fa9d1f8a154f458255a29a6e5deb34d49a8f607fa3ce948a86594adbfd1';

describe('X-Hub-Signature-256', () => {
  it("matches the reference's test vector", () => {
    expect(Buffer.byteLength(VECTOR_BODY)).toBe(342);
    expect(whatsappSignature(VECTOR_BODY, 'sim_app_secret')).toBe(VECTOR_SIGNATURE);
    expect(verifyWhatsAppSignature(Buffer.from(VECTOR_BODY), VECTOR_SIGNATURE, 'sim_app_secret')).toBe(true);
  });

  it('accepts uppercase hex in the header', () => {
    expect(verifyWhatsAppSignature(Buffer.from(VECTOR_BODY), `sha256=${VECTOR_SIGNATURE.slice(7).toUpperCase()}`, 'sim_app_secret')).toBe(true);
  });

  it('refuses a re-serialised body, another secret, a missing or malformed header', () => {
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(VECTOR_BODY), null, 1));
    expect(verifyWhatsAppSignature(reserialised, VECTOR_SIGNATURE, 'sim_app_secret')).toBe(false);
    expect(verifyWhatsAppSignature(Buffer.from(VECTOR_BODY), VECTOR_SIGNATURE, 'other_secret')).toBe(false);
    expect(verifyWhatsAppSignature(Buffer.from(VECTOR_BODY), undefined, 'sim_app_secret')).toBe(false);
    expect(verifyWhatsAppSignature(Buffer.from(VECTOR_BODY), 'sha1=abc', 'sim_app_secret')).toBe(false);
    expect(verifyWhatsAppSignature(Buffer.from(VECTOR_BODY), VECTOR_SIGNATURE.slice(0, -2), 'sim_app_secret')).toBe(false);
  });

  it('signs non-ASCII bodies over their UTF-8 bytes', () => {
    const body = Buffer.from('{"name":"Ana Pérez"}');
    expect(verifyWhatsAppSignature(body, whatsappSignature(body, 's'), 's')).toBe(true);
  });
});
