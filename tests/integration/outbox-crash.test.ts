import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { conversationDoc, indexDoc, newId, settingsDoc } from '../../shared/ids.ts';
import type { UsageCount } from '../../shared/schema/settings.ts';
import type { Receipt } from '../../shared/schema/delivery.ts';
import type { MessageEntry } from '../../shared/schema/message.ts';
import type { ConversationSummary } from '../../shared/schema/workspaceIndex.ts';
import { Directory } from '../../sync-server/auth/Directory.ts';
import { openDatabase } from '../../sync-server/storage/openDatabase.ts';
import { type RunningSimulators, startSimulators } from '../../sync-server/simulators/startSimulators.ts';
import { makeProvider, type TestProvider } from '../helpers/makeProvider.ts';
import { waitUntil } from '../helpers/waitUntil.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const WS = 'acme';
const CUSTOMER = '+14155550100';
const MARKER = 'die-after-append';

interface Child {
  proc: ChildProcess;
  baseUrl: string;
  exited: Promise<NodeJS.Signals | number | null>;
}

/** tests/helpers/appServerProcess.ts on `dataDir`; `dieAfter` arms its kill -9 (see there). */
async function spawnApp(dataDir: string, simUrl: string, dieAfter?: string): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/appServerProcess.ts', dataDir, simUrl, WS], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...(dieAfter ? { DIE_AFTER_APPEND: dieAfter } : {}) },
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => proc.once('exit', (code, signal) => resolve(signal ?? code)));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    void exited.then((how) => reject(new Error(`server exited (${String(how)})`)));
  });
  return { proc, baseUrl: `http://127.0.0.1:${port}`, exited };
}

async function signIn(baseUrl: string): Promise<{ token: string; agentId: string }> {
  const res = await fetch(`${baseUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'dana@example.com', password: 'switchboard' }),
  });
  if (!res.ok) throw new Error(`sign-in: HTTP ${res.status}`);
  const body = (await res.json()) as { token: string; agent: { id: string } };
  return { token: body.token, agentId: body.agent.id };
}

describe('outbox across a crash (kill -9 between the stored update and the outbox)', () => {
  let sims: RunningSimulators;
  let dataDir: string;
  const children: Child[] = [];
  const providers: TestProvider[] = [];

  beforeEach(async () => {
    sims = await startSimulators({ switchboardUrl: 'http://127.0.0.1:1', statusMode: 'manual' });
    dataDir = mkdtempSync(join(tmpdir(), 'switchboard-crash-'));
    const db = openDatabase(dataDir);
    const directory = new Directory(db);
    directory.createWorkspace(WS, 'Acme Support');
    await directory.createAgent({ workspaceId: WS, email: 'dana@example.com', name: 'Dana Reyes', role: 'admin', password: 'switchboard' });
    db.close();
  });
  afterEach(async () => {
    for (const p of providers.splice(0)) p.destroy();
    for (const c of children.splice(0)) {
      c.proc.kill('SIGKILL');
      await c.exited;
    }
    await sims.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const syncUrl = (c: Child) => `${c.baseUrl.replace(/^http/, 'ws')}/sync`;
  const open = async (c: Child, name: string, token: string, doc?: Y.Doc) => {
    const p = makeProvider(syncUrl(c), name, token, doc ? { doc } : {});
    providers.push(p);
    await p.synced();
    return p;
  };

  it('sends a message whose update was stored just before the crash exactly once after the restart', { timeout: 60_000 }, async () => {
    const first = await spawnApp(dataDir, sims.url, MARKER);
    children.push(first);
    sims.setSwitchboardUrl(first.baseUrl);
    let session = await signIn(first.baseUrl);
    expect(await sims.twilio.customerSends(CUSTOMER, 'Is the Trailhead 40L back in stock?')).toBe(200);
    const index = await open(first, indexDoc(WS), session.token);
    const summary = await waitUntil(
      () => [...index.doc.getMap<ConversationSummary>('conversations').values()].find((s) => s.channel === 'sms'),
      'the SMS conversation',
    );

    const settings = await open(first, settingsDoc(WS), session.token);
    settings.doc.getMap('quickReplies').set('qr1', { id: 'qr1', name: 'In stock', shortcut: 'stock', category: '', text: 'Yes, it is back', order: 1 });
    // Another client sees it only once it is stored.
    const observer = await open(first, settingsDoc(WS), session.token);
    await waitUntil(() => observer.doc.getMap('quickReplies').has('qr1'), 'the quick reply to be stored');

    // The agent replies with the quick reply; the server stores the update and dies before
    // anything else runs.
    const conv = await open(first, conversationDoc(WS, summary.id), session.token);
    const reply: MessageEntry = {
      id: newId(),
      kind: 'message',
      author: { type: 'agent', id: session.agentId },
      text: `Yes, it is back (${MARKER})`,
      createdAt: Date.now(),
      uses: [{ kind: 'quickReplies', id: 'qr1' }],
    };
    const messages = conv.doc.getArray<MessageEntry>('messages');
    messages.insert(messages.length, [reply]);
    expect(await first.exited).toBe('SIGKILL');
    expect(sims.twilio.sent).toHaveLength(0);
    const device = new Y.Doc();
    Y.applyUpdate(device, Y.encodeStateAsUpdate(conv.doc));
    for (const p of providers.splice(0)) p.destroy();

    // Restart: the stored reply is found and handed to the channel once.
    const second = await spawnApp(dataDir, sims.url);
    children.push(second);
    sims.setSwitchboardUrl(second.baseUrl);
    session = await signIn(second.baseUrl);
    await waitUntil(() => sims.twilio.sent.length > 0, 'the reply to reach the SMS provider');
    // The agent's device reconnects with its copy (which holds the reply): nothing is sent again.
    const again = await open(second, conversationDoc(WS, summary.id), session.token, device);
    // The provider accepted it (no receipt yet: queued); its status callback makes it `sent`.
    expect(await sims.twilio.emitStatus(sims.twilio.sent[0]!.sid, 'sent')).toBe(204);
    await waitUntil(() => again.doc.getMap<Receipt>('receipts').get(reply.id)?.status === 'sent', 'the reply’s receipt');
    const index2 = await open(second, indexDoc(WS), session.token);
    await waitUntil(
      () => index2.doc.getMap<ConversationSummary>('conversations').get(summary.id)?.lastMessage?.authorType === 'agent',
      'the summary to show the reply as the last message',
    );
    // Its use of the quick reply is counted once too (SET3).
    const settings2 = await open(second, settingsDoc(WS), session.token);
    const usage = await waitUntil(() => settings2.doc.getMap<UsageCount>('usage').get('quickReplies:qr1'), 'the usage count');
    expect(usage).toMatchObject({ total: 1, byAgent: { [session.agentId]: 1 } });
    second.proc.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    children.splice(0);

    // And a third start finds nothing left to send.
    const third = await spawnApp(dataDir, sims.url);
    children.push(third);
    const db = openDatabase(dataDir);
    try {
      const rows = db.prepare('SELECT state, attempts FROM outbox WHERE message_id = ?').all(reply.id);
      expect(rows).toEqual([{ state: 'done', attempts: 1 }]);
    } finally {
      db.close();
    }
    expect(sims.twilio.sent.map((m) => m.body)).toEqual([reply.text]);
  });
});
