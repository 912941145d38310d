import { afterEach, describe, expect, it } from 'vitest';
import { makeProvider, type TestProvider } from '../helpers/makeProvider.ts';
import { MuxTestClient } from '../helpers/muxClient.ts';
import { startSyncServer, type TestSyncServer } from '../helpers/startSyncServer.ts';
import { TOKENS } from '../helpers/syncFixtures.ts';

describe('sync authentication and authorization', () => {
  let server: TestSyncServer;
  const providers: TestProvider[] = [];
  const clients: MuxTestClient[] = [];

  afterEach(async () => {
    for (const p of providers.splice(0)) p.destroy();
    for (const c of clients.splice(0)) c.close();
    await server?.stop();
    server?.cleanup();
  });

  /** Opens a stock provider and resolves with the code the server closed it with. */
  async function refusedWith(doc: string, token: string): Promise<{ code: number; denied: string[] }> {
    const p = makeProvider(server.url, doc, token);
    providers.push(p);
    const code = await p.nextClose();
    return { code, denied: p.denied };
  }

  it('AUTH1: closes a stock provider without a valid token with 4401', async () => {
    server = await startSyncServer({ tokens: TOKENS });
    expect((await refusedWith('ws/conv/c1', 'no-such-token')).code).toBe(4401);
    expect((await refusedWith('ws/conv/c1', '')).code).toBe(4401);
    expect(server.service.connectionCount()).toBe(0);
  });

  it('AUTH1: closes a multiplexed connection without a valid token with 4401', async () => {
    server = await startSyncServer({ tokens: TOKENS });
    const c = new MuxTestClient(server.url, 'expired');
    clients.push(c);
    expect(await c.whenClosed()).toBe(4401);
    expect(c.controls).toEqual([]);
  });

  it("AUTH2: closes a provider on another workspace's document with 4403", async () => {
    server = await startSyncServer({ tokens: TOKENS });
    const { code, denied } = await refusedWith('other/conv/c1', 'token-dana');
    expect(code).toBe(4403);
    expect(denied).toEqual(['forbidden']);
  });

  it("AUTH3: closes a provider on another agent's private document with 4403", async () => {
    server = await startSyncServer({ tokens: TOKENS });
    expect((await refusedWith('ws/agent/lee', 'token-dana')).code).toBe(4403);
  });

  it('DOC1: closes a provider on a name that is no document with 4404', async () => {
    server = await startSyncServer({ tokens: TOKENS });
    for (const name of ['ws/conversation/c1', 'ws', 'ws/conv/has space', 'ws/conv/a/b', '%E0%A4%A']) {
      const { code, denied } = await refusedWith(name, 'token-dana');
      expect(code).toBe(4404);
      expect(denied).toEqual(['unknown-document']);
    }
  });

  it('DOC2: closes a provider on a conversation the server never created with 4404', async () => {
    server = await startSyncServer({ tokens: TOKENS });
    const { code, denied } = await refusedWith('ws/conv/neverCreated', 'token-dana');
    expect(code).toBe(4404);
    expect(denied).toEqual(['unknown-document']);
    expect(await server.store.load('ws/conv/neverCreated')).toMatchObject({ snapshot: null, updates: [] });
  });

  it('leaves untouched any upgrade outside /sync', async () => {
    server = await startSyncServer({ tokens: TOKENS });
    const handled = server.service.handleUpgrade(
      { url: '/webchat/socket?token=x', headers: {} } as never,
      { on: () => undefined } as never,
      Buffer.alloc(0),
    );
    expect(handled).toBe(false);
  });
});
