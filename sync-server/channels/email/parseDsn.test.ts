import { describe, expect, it } from 'vitest';
import { dsnReason, parseDeliveryStatus, returnedMessageId } from './parseDsn.ts';

const REPORT = `Reporting-MTA: dns; mx.customer.example
Original-Envelope-Id: m_8f3k2
Arrival-Date: Thu, 30 May 2024 16:20:03 +0000

Final-Recipient: rfc822; Gone@customer.example
Original-Recipient: rfc822; gone@customer.example
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx2.customer.example
Diagnostic-Code: smtp; 550 5.1.1 <gone@customer.example>: Recipient address
 rejected: User unknown
`;

describe('DSN parsing (RFC 3464)', () => {
  it('reads the per-message and per-recipient fields, unfolding continued lines', () => {
    const dsn = parseDeliveryStatus(REPORT);
    expect(dsn).toEqual({
      reportingMta: 'mx.customer.example',
      envelopeId: 'm_8f3k2',
      recipients: [
        {
          finalRecipient: 'gone@customer.example',
          action: 'failed',
          status: '5.1.1',
          diagnostic: '550 5.1.1 <gone@customer.example>: Recipient address rejected: User unknown',
          remoteMta: 'mx2.customer.example',
        },
      ],
    });
    expect(dsnReason(dsn!.recipients[0]!)).toBe('5.1.1 no such mailbox: 550 5.1.1 <gone@customer.example>: Recipient address rejected: User unknown');
  });

  it('reads several recipients, delayed and relayed actions, CRLF line ends', () => {
    const text = 'Reporting-MTA: dns; a\r\n\r\nFinal-Recipient: rfc822; a@x\r\nAction: delayed\r\nStatus: 4.4.1\r\n\r\nFinal-Recipient: rfc822; b@x\r\nAction: relayed\r\nStatus: 2.0.0\r\n';
    expect(parseDeliveryStatus(text)?.recipients.map((r) => [r.finalRecipient, r.action, r.status])).toEqual([
      ['a@x', 'delayed', '4.4.1'],
      ['b@x', 'relayed', '2.0.0'],
    ]);
  });

  it('refuses a report without a valid recipient block', () => {
    expect(parseDeliveryStatus('Reporting-MTA: dns; a\n')).toBeNull();
    expect(parseDeliveryStatus('Reporting-MTA: dns; a\n\nFinal-Recipient: rfc822; a@x\nAction: exploded\nStatus: 5.0.0\n')).toBeNull();
    expect(parseDeliveryStatus('Reporting-MTA: dns; a\n\nFinal-Recipient: rfc822; a@x\nAction: failed\nStatus: nope\n')).toBeNull();
    expect(parseDeliveryStatus('')).toBeNull();
  });

  it('finds the Message-ID of the returned headers', () => {
    expect(returnedMessageId('Message-ID: <c_42.m_8f3k2@ours.example>\nFrom: a@b\n\nbody')).toBe('<c_42.m_8f3k2@ours.example>');
    expect(returnedMessageId('From: a@b\n')).toBeNull();
  });
});
