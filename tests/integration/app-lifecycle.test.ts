import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { agentDoc, conversationDoc, indexDoc, newId } from '../../shared/ids.ts';
import type { MessageEntry } from '../../shared/schema/message.ts';
import type { ConversationSummary } from '../../shared/schema/workspaceIndex.ts';
import { type TestApp, startApp } from '../helpers/startApp.ts';
import { openVisitorSocket } from '../helpers/visitorSocket.ts';
import { waitUntil } from '../helpers/waitUntil.ts';

const ROOT = join(import.meta.dirname, '..', '..');

describe('app: lifecycle', () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  /** Runs `sync-server/main.ts` with these flags on a free port; killed after the test if still running. */
  const spawnMain = (flags: string[]) => {
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'sync-server/main.ts', '--port', '0', '--host', '127.0.0.1', ...flags], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    cleanup.push(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    });
    const output = { stdout: '', stderr: '' };
    child.stdout?.on('data', (d: Buffer) => (output.stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output.stderr += d.toString()));
    return { child, exited, output };
  };

  it('seeds the demo workspace once and keeps data across a restart', async () => {
    let app: TestApp = await startApp({ demo: true });
    const dataDir = app.dataDir;
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    expect(app.server.demo).toMatchObject({ seeded: true, workspaceId: 'demo', password: 'switchboard' });
    const session = await app.signIn('sam@example.com', 'switchboard');
    const { doc } = await app.openDoc(indexDoc('demo'), session.token);
    expect(doc.getMap<ConversationSummary>('conversations').size).toBe(8);
    await app.stop();

    app = await startApp({ demo: true, dataDir });
    cleanup.push(() => app.stop());
    expect(app.server.demo?.seeded).toBe(false);
    const again = await app.signIn('sam@example.com', 'switchboard');
    const reopened = await app.openDoc(indexDoc('demo'), again.token);
    expect(reopened.doc.getMap<ConversationSummary>('conversations').size).toBe(8);
  });

  it('keeps an idle document in memory as long as docIdleMs (--doc-idle-ms) says, then unloads it', async () => {
    const app = await startApp({ docIdleMs: 50 });
    cleanup.push(() => app.dispose());
    app.server.directory.createWorkspace('acme', 'Acme');
    await app.server.directory.createAgent({ workspaceId: 'acme', email: 'dana@example.com', name: 'Dana Reyes', role: 'admin', password: 'switchboard' });
    const session = await app.signIn('dana@example.com', 'switchboard');
    // The agent's own document: no part of the server keeps it open (the index gets presence writes).
    const name = agentDoc('acme', session.agent.id);
    const { provider } = await app.openDoc(name, session.token);
    const loaded = () => app.server.docs.peek(name, () => true) === true;
    expect(loaded()).toBe(true);
    provider.destroy();
    // The default keeps it for 30 s; here it goes within moments of the last client leaving.
    await waitUntil(() => !loaded(), 'the agent document unloaded', 10_000);
  });

  it('closes visitor and sync sockets with 4503 on shutdown, and delivers a reply written while the server was down', async () => {
    const app = await startApp();
    const dataDir = app.dataDir;
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    app.server.directory.createWorkspace('acme', 'Acme');
    await app.server.directory.createAgent({ workspaceId: 'acme', email: 'dana@example.com', name: 'Dana Reyes', role: 'admin', password: 'switchboard' });
    const session = await app.signIn('dana@example.com', 'switchboard');
    const v = await app.newVisitor('acme');
    const socket = await openVisitorSocket(app.baseUrl, v.token);
    await socket.next('history');
    socket.send({ type: 'send', clientMsgId: 'first-message-1', text: 'Hello?' });
    await socket.next('message');
    const { doc: index } = await app.openDoc(indexDoc('acme'), session.token);
    const summary = await waitUntil(() => [...index.getMap<ConversationSummary>('conversations').values()][0]);
    const { doc, provider } = await app.openDoc(conversationDoc('acme', summary.id), session.token);
    const closedSync = new Promise<number>((resolve) => provider.on('connection-close', (e) => resolve(e?.code ?? 0)));

    await app.server.close();
    expect((await socket.closed).code).toBe(4503);
    expect(await closedSync).toBe(4503);

    // Written offline (the provider is disconnected), delivered after the restart.
    provider.disconnect();
    const reply: MessageEntry = { id: newId(), kind: 'message', author: { type: 'agent', id: session.agent.id }, text: 'Back now', createdAt: Date.now() };
    doc.getArray<MessageEntry>('messages').insert(doc.getArray('messages').length, [reply]);

    const restarted = await startApp({ dataDir });
    cleanup.push(() => restarted.stop());
    const visitorAgain = await openVisitorSocket(restarted.baseUrl, v.token);
    cleanup.push(() => visitorAgain.close());
    await visitorAgain.next('history');
    // Reconnect the same document (same clientID) to the new server: sync sends the reply.
    provider.serverUrl = provider.serverUrl.replace(/:\d+/, `:${restarted.server.port}`);
    provider.connect();
    cleanup.push(() => provider.destroy());
    const pushed = await visitorAgain.next('message', (m) => m.message.id === reply.id);
    expect(pushed.message.text).toBe('Back now');
  });

  it('main.ts: starts, logs server_started as JSON, answers /healthz, and exits 0 on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-main-'));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const { child, exited, output } = spawnMain(['--data-dir', dataDir, '--demo']);
    const lines: Array<Record<string, unknown>> = [];
    createInterface({ input: child.stdout! }).on('line', (line) => lines.push(JSON.parse(line) as Record<string, unknown>));

    const started = await waitUntil(() => lines.find((l) => l.event === 'server_started'), 'server_started', 30_000);
    expect(started).toMatchObject({ dataDir, demo: true });
    const url = String(started.url);
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(output.stderr).toContain('Switchboard is running');
    expect(output.stderr).toContain(`${url}/demo/`);
    expect(output.stderr).toContain('dana@example.com');
    expect(output.stderr).toContain(dataDir);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(lines.map((l) => l.event)).toContain('server_stopped');
  });

  it('main.ts: a data directory it cannot create ends the start at once, exit 1, saying which and why', async () => {
    const { exited, output } = spawnMain(['--data-dir', '/proc/switchboard-data']);
    expect(await exited).toBe(1);
    expect(output.stderr).toContain('Switchboard could not start: cannot create the data directory /proc/switchboard-data: ENOENT');
    expect(output.stdout).toContain('"event":"server_start_failed"');
  });
});
