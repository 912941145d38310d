import { describe, expect, it } from 'vitest';
import { detectAutomated } from './detectAutomated.ts';

const base = { envelopeFrom: 'ana@customer.example', fromAddress: 'ana@customer.example', ownAddresses: ['support@acme.example'], loopToken: 'switchboard support@acme.example' };
const check = (headers: Record<string, unknown>, extra: Partial<typeof base> = {}) => detectAutomated({ ...base, ...extra, headers: new Map(Object.entries(headers)) });

describe('MAIL3: automated mail and loops are recognised', () => {
  it('treats a person’s mail as not automated, including Auto-Submitted: no', () => {
    expect(check({})).toBeNull();
    expect(check({ 'auto-submitted': 'no' })).toBeNull();
  });

  it.each([
    [{ 'auto-submitted': 'auto-replied' }, 'auto-submitted'],
    [{ 'auto-submitted': 'auto-generated' }, 'auto-submitted'],
    [{ precedence: 'bulk' }, 'precedence'],
    [{ precedence: 'list' }, 'precedence'],
    [{ precedence: 'junk' }, 'precedence'],
    [{ 'x-autoreply': 'yes' }, 'auto-reply'],
    [{ 'list-id': '<news.shop.example>' }, 'list'],
    [{ 'list-unsubscribe': '<mailto:u@x>' }, 'list'],
    [{ 'content-type': { value: 'multipart/report', params: {} } }, 'report'],
    [{ 'return-path': '<>' }, 'null-sender'],
    [{ 'x-loop': 'switchboard support@acme.example' }, 'loop'],
  ])('flags %o as %s', (headers, reason) => {
    expect(check(headers)).toBe(reason);
  });

  it('flags the null envelope sender, mailer-daemon senders and mail from our own address', () => {
    expect(check({}, { envelopeFrom: '' })).toBe('null-sender');
    expect(check({}, { fromAddress: 'MAILER-DAEMON@mx.example' })).toBe('mailer-daemon');
    expect(check({}, { fromAddress: 'postmaster@mx.example' })).toBe('mailer-daemon');
    expect(check({}, { fromAddress: 'Support@Acme.example' })).toBe('loop');
  });
});
