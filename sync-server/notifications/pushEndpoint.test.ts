import { describe, expect, it } from 'vitest';
import { isPublicAddress, publicPushFetch, pushEndpointProblem } from './pushEndpoint.ts';

describe('push endpoints (NTF12: no request to this machine or a private network)', () => {
  it('tells public addresses from loopback, private, link-local and mapped ones', () => {
    for (const a of ['142.250.74.106', '2a00:1450:4001:80b::200a', '8.8.8.8']) expect(isPublicAddress(a), a).toBe(true);
    for (const a of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:a9fe:a9fe', 'not-an-ip']) {
      expect(isPublicAddress(a), a).toBe(false);
    }
  });

  it('accepts a public https push service and the simulator; refuses plain http, local names and private addresses', () => {
    expect(pushEndpointProblem('https://fcm.googleapis.com/fcm/send/abc', null)).toBeNull();
    expect(pushEndpointProblem('http://127.0.0.1:4000/push/1', 'http://127.0.0.1:4000')).toBeNull();
    expect(pushEndpointProblem('http://127.0.0.1:4001/push/1', 'http://127.0.0.1:4000')).toBe('A push endpoint must be an https URL');
    expect(pushEndpointProblem('http://push.example/1', null)).toBe('A push endpoint must be an https URL');
    expect(pushEndpointProblem('not a url', null)).toBe('A push endpoint must be a URL');
    for (const e of ['https://localhost/p', 'https://api.localhost/p', 'https://169.254.169.254/latest', 'https://10.0.0.5/admin', 'https://[::1]/p', 'https://[::ffff:7f00:1]/p']) {
      expect(pushEndpointProblem(e, null), e).toBe('A push endpoint must be a public push service, not a local or private address');
    }
  });

  it('does not send to a name that resolves to a private address, and sends to the simulator as it is', async () => {
    const guarded = publicPushFetch('http://127.0.0.1:1', async (host) => (host === 'rebound.example' ? ['93.184.216.34', '10.0.0.7'] : []));
    await expect(guarded('https://rebound.example/push/1', { method: 'POST' })).rejects.toThrow('refused to send a push to rebound.example: it resolves to 10.0.0.7, not a public one');
    await expect(guarded('https://nowhere.example/push/1', { method: 'POST' })).rejects.toThrow('it resolves to no address');
    await expect(guarded('https://192.168.0.10/push/1', { method: 'POST' })).rejects.toThrow('resolves to 192.168.0.10');
    await expect(guarded('http://push.example/1', { method: 'POST' })).rejects.toThrow('not https');
    // The simulator's origin is let through to the network: nothing listens on port 1, so fetch itself fails.
    await expect(guarded('http://127.0.0.1:1/push/1', { method: 'POST' })).rejects.toThrow('fetch failed');
  });
});
