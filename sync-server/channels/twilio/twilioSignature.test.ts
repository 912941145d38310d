import { describe, expect, it } from 'vitest';
import { twilioSignature, verifyTwilioSignature } from './twilioSignature.ts';

describe('X-Twilio-Signature', () => {
  it("matches Twilio's own sample", () => {
    const params: Array<[string, string]> = [
      ['CallSid', 'CA1234567890ABCDE'],
      ['Caller', '+14158675310'],
      ['Digits', '1234'],
      ['From', '+14158675310'],
      ['To', '+18005551212'],
    ];
    expect(twilioSignature('12345', 'https://mycompany.com/myapp.php?foo=1&bar=2', params)).toBe('GvWf1cFY/Q7PnoempGyD5oXAezc=');
  });

  const statusParams: Array<[string, string]> = [
    ['To', '+14155550100'],
    ['SmsStatus', 'undelivered'],
    ['MessageStatus', 'undelivered'],
    ['AccountSid', 'ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'],
    ['ApiVersion', '2010-04-01'],
    ['ErrorCode', '30003'],
    ['From', '+15005550006'],
    ['MessageSid', 'SMbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'],
    ['SmsSid', 'SMbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'],
  ];

  it("matches the reference's status-callback vector whatever order the params arrive in", () => {
    expect(twilioSignature('sim_auth_token', 'https://inbox.example.com/webhooks/twilio/status', statusParams)).toBe('Ir6UN05VyGrKekCAouPf5C5k+5w=');
  });

  it('accepts the URL with or without the default port', () => {
    const sig = 'Ir6UN05VyGrKekCAouPf5C5k+5w=';
    expect(verifyTwilioSignature('sim_auth_token', 'https://inbox.example.com:443/webhooks/twilio/status', statusParams, sig)).toBe(true);
    const withPort = twilioSignature('sim_auth_token', 'https://inbox.example.com:443/webhooks/twilio/status', statusParams);
    expect(verifyTwilioSignature('sim_auth_token', 'https://inbox.example.com/webhooks/twilio/status', statusParams, withPort)).toBe(true);
  });

  it('refuses another URL, another token, a changed parameter or no header', () => {
    const sig = 'Ir6UN05VyGrKekCAouPf5C5k+5w=';
    expect(verifyTwilioSignature('sim_auth_token', 'http://inbox.example.com/webhooks/twilio/status', statusParams, sig)).toBe(false);
    expect(verifyTwilioSignature('other', 'https://inbox.example.com/webhooks/twilio/status', statusParams, sig)).toBe(false);
    const changed = statusParams.map(([k, v]) => [k, k === 'ErrorCode' ? '30005' : v] as [string, string]);
    expect(verifyTwilioSignature('sim_auth_token', 'https://inbox.example.com/webhooks/twilio/status', changed, sig)).toBe(false);
    expect(verifyTwilioSignature('sim_auth_token', 'https://inbox.example.com/webhooks/twilio/status', statusParams, undefined)).toBe(false);
  });

  it('signs a repeated key once per distinct value, values sorted', () => {
    const a = twilioSignature('t', 'https://x.example/h', [['MediaUrl', 'b'], ['MediaUrl', 'a'], ['MediaUrl', 'a']]);
    const b = twilioSignature('t', 'https://x.example/h', [['MediaUrl', 'a'], ['MediaUrl', 'b']]);
    expect(a).toBe(b);
  });
});
