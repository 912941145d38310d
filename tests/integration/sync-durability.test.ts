import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeProvider, type TestProvider } from '../helpers/makeProvider.ts';
import { startSyncServer, type TestSyncServer } from '../helpers/startSyncServer.ts';
import { messageBy, TOKENS } from '../helpers/syncFixtures.ts';
import { waitFor } from '../helpers/waitFor.ts';

/** The conversations these tests open, created as the server would (DOC2). */
const CONVERSATIONS = ['ws/conv/d1', 'ws/conv/k1'];

const ROOT = join(import.meta.dirname, '..', '..');

/** Starts tests/helpers/syncServerProcess.ts on `dataDir`; resolves with the child and its ws URL. */
async function spawnServer(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/syncServerProcess.ts', dataDir, ...CONVERSATIONS], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { child, url: `ws://127.0.0.1:${port}/sync` };
}

describe('durability', () => {
  let server: TestSyncServer | null = null;
  const providers: TestProvider[] = [];
  const children: ChildProcess[] = [];
  const dirs: string[] = [];

  afterEach(async () => {
    for (const p of providers.splice(0)) p.destroy();
    for (const c of children.splice(0)) c.kill('SIGKILL');
    await server?.stop();
    server?.cleanup();
    server = null;
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('keeps every update another client has seen when the database is closed without a flush', async () => {
    server = await startSyncServer({ tokens: TOKENS, conversations: CONVERSATIONS });
    const a = makeProvider(server.url, 'ws/conv/d1', 'token-dana');
    const b = makeProvider(server.url, 'ws/conv/d1', 'token-lee');
    providers.push(a, b);
    await Promise.all([a.synced(), b.synced()]);
    const arr = a.doc.getArray('messages');
    for (let i = 0; i < 50; i++) arr.insert(arr.length, [messageBy('dana', `m${i}`)]);
    await waitFor(() => b.doc.getArray('messages').length === 50, 'b to see all 50');
    const seen = b.doc.getArray('messages').toJSON();
    const dataDir = server.dataDir;
    await server.crash();
    for (const p of providers.splice(0)) p.destroy();

    server = await startSyncServer({ tokens: TOKENS, conversations: CONVERSATIONS, dataDir });
    const c = makeProvider(server.url, 'ws/conv/d1', 'token-sam');
    providers.push(c);
    await c.synced();
    expect(c.doc.getArray('messages').toJSON()).toEqual(seen);
  });

  it('keeps every update another client has seen when the server process is killed with SIGKILL', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sync-kill-'));
    dirs.push(dataDir);
    const first = await spawnServer(dataDir);
    children.push(first.child);
    const a = makeProvider(first.url, 'ws/conv/k1', 'token-dana');
    const b = makeProvider(first.url, 'ws/conv/k1', 'token-lee');
    providers.push(a, b);
    await Promise.all([a.synced(), b.synced()]);
    const arr = a.doc.getArray('messages');
    for (let i = 0; i < 200; i++) arr.insert(arr.length, [messageBy('dana', `m${i}`)]);
    // Kill as soon as Lee has seen at least 100: what Lee saw was acknowledged.
    await waitFor(() => b.doc.getArray('messages').length >= 100, 'b to see some');
    first.child.kill('SIGKILL');
    const seen = b.doc.getArray('messages').toJSON();
    await new Promise((resolve) => first.child.once('exit', resolve));
    for (const p of providers.splice(0)) p.destroy();

    const second = await spawnServer(dataDir);
    children.push(second.child);
    const c = makeProvider(second.url, 'ws/conv/k1', 'token-sam');
    providers.push(c);
    await c.synced();
    const after = c.doc.getArray('messages').toJSON();
    expect(after.length).toBeGreaterThanOrEqual(seen.length);
    expect(after.slice(0, seen.length)).toEqual(seen);
  });
});
