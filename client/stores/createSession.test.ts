import { createRoot } from 'solid-js';
import { describe, expect, it } from 'vitest';
import type { SessionInfo } from '../../shared/protocol/rest.ts';
import { createSession } from './createSession.ts';

const info: SessionInfo = {
  token: 'tok',
  expiresAt: Date.now() + 60_000,
  agent: { id: 'a1', name: 'Dana Reyes', email: 'dana@example.com', role: 'admin' },
  workspace: { id: 'demo', name: 'Acme Support' },
};

function memoryStorage(): Storage {
  const map = new Map<string, string>();
  return {
    get length() {
      return map.size;
    },
    clear: () => map.clear(),
    getItem: (k) => map.get(k) ?? null,
    key: (i) => [...map.keys()][i] ?? null,
    removeItem: (k) => void map.delete(k),
    setItem: (k, v) => void map.set(k, v),
  };
}

const respond = (status: number, body: unknown) =>
  Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));

describe('session', () => {
  it('signs in through POST /api/session and keeps the token in storage', async () => {
    const storage = memoryStorage();
    const calls: Array<{ url: string; init?: RequestInit }> = [];
    const fetch = ((url: string, init?: RequestInit) => {
      calls.push({ url, init });
      return respond(200, info);
    }) as typeof globalThis.fetch;
    await createRoot(async (dispose) => {
      const session = createSession({ fetch, storage, window: null });
      const result = await session.signIn(' dana@example.com ', 'switchboard');
      expect(result.ok).toBe(true);
      expect(session.session()?.agent.name).toBe('Dana Reyes');
      expect(JSON.parse(storage.getItem('switchboard.session') ?? '{}').token).toBe('tok');
      expect(calls[0]?.init?.method).toBe('POST');
      expect(JSON.parse(String(calls[0]?.init?.body))).toEqual({ email: 'dana@example.com', password: 'switchboard' });
      dispose();
    });
  });

  it('reports wrong credentials without storing anything', async () => {
    const storage = memoryStorage();
    const fetch = (() => respond(401, { error: 'unauthorized', message: 'no' })) as unknown as typeof globalThis.fetch;
    const session = createRoot(() => createSession({ fetch, storage, window: null }));
    const result = await session.signIn('dana@example.com', 'nope');
    expect(result).toMatchObject({ ok: false, error: 'invalid-credentials' });
    expect(session.session()).toBeNull();
  });

  it('a 401 on verify signs out; a network failure keeps the session (offline start)', async () => {
    const storage = memoryStorage();
    storage.setItem('switchboard.session', JSON.stringify(info));
    let mode: 'offline' | '401' = 'offline';
    const fetch = (() => (mode === 'offline' ? Promise.reject(new TypeError('network')) : respond(401, {}))) as unknown as typeof globalThis.fetch;
    const session = createRoot(() => createSession({ fetch, storage, window: null }));
    await session.verify();
    expect(session.session()?.token).toBe('tok');
    mode = '401';
    await session.verify();
    expect(session.session()).toBeNull();
    expect(storage.getItem('switchboard.session')).toBeNull();
  });

  it('ignores an expired stored session', () => {
    const storage = memoryStorage();
    storage.setItem('switchboard.session', JSON.stringify({ ...info, expiresAt: 1 }));
    const session = createRoot(() => createSession({ fetch: globalThis.fetch, storage, window: null }));
    expect(session.session()).toBeNull();
  });

  it('sign out forgets the session and revokes the token', async () => {
    const storage = memoryStorage();
    storage.setItem('switchboard.session', JSON.stringify(info));
    const methods: string[] = [];
    const fetch = ((_url: string, init?: RequestInit) => {
      methods.push(String(init?.method));
      return respond(200, {});
    }) as typeof globalThis.fetch;
    const session = createRoot(() => createSession({ fetch, storage, window: null }));
    await session.signOut();
    expect(session.session()).toBeNull();
    expect(methods).toEqual(['DELETE']);
  });
});
