import { describe, expect, it } from 'vitest';
import { parseVerp, verpAddress } from './verp.ts';

describe('MAIL4: VERP return paths carry a MAC', () => {
  const secret = 'a-secret-of-16-chars';
  it('round-trips a message id', () => {
    const address = verpAddress('bounces', 'acme.example', 'msg_1', secret);
    expect(address).toMatch(/^bounces\+msg_1\.[0-9a-f]{16}@acme\.example$/);
    expect(parseVerp(address, 'bounces', 'acme.example', secret)).toEqual({ kind: 'ok', messageId: 'msg_1' });
    expect(parseVerp(address.toUpperCase().replace('MSG_1', 'msg_1'), 'bounces', 'acme.example', secret)).toEqual({ kind: 'ok', messageId: 'msg_1' });
  });
  it('refuses a wrong or missing MAC, another secret, and tells other addresses apart', () => {
    const address = verpAddress('bounces', 'acme.example', 'msg_1', secret);
    expect(parseVerp(address.replace('msg_1', 'msg_2'), 'bounces', 'acme.example', secret)).toEqual({ kind: 'forged' });
    expect(parseVerp('bounces+msg_1@acme.example', 'bounces', 'acme.example', secret)).toEqual({ kind: 'forged' });
    expect(parseVerp(address, 'bounces', 'acme.example', 'another-secret-16ch')).toEqual({ kind: 'forged' });
    expect(parseVerp('support@acme.example', 'bounces', 'acme.example', secret)).toEqual({ kind: 'not-verp' });
    expect(parseVerp(address.replace('acme.example', 'other.example'), 'bounces', 'acme.example', secret)).toEqual({ kind: 'not-verp' });
  });
});
