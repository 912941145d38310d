import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { FakeDocHost } from '../../tests/helpers/fakeDocHost.ts';
import type { MessageEntry } from '../../shared/schema/message.ts';
import type { ConversationSummary } from '../../shared/schema/workspaceIndex.ts';
import { Directory } from '../auth/Directory.ts';
import { ConversationService } from '../conversations/ConversationService.ts';
import { silentLogger } from '../ops/log.ts';
import { WebchatGateway } from '../webchat/WebchatGateway.ts';
import { DEMO_PASSWORD, seedDemo } from './seed.ts';

describe('demo seed', () => {
  it('creates the demo workspace, its three agents and eight webchat conversations, once', async () => {
    const db = new Database(':memory:');
    const docs = new FakeDocHost();
    const logger = silentLogger();
    const directory = new Directory(db);
    const conversations = new ConversationService({ db, docs, logger, agentName: (id) => directory.getAgent(id)?.name ?? null });
    const webchat = new WebchatGateway({ db, docs, conversations, directory, logger, keepaliveMs: 0 });
    const deps = { directory, conversations, webchat, logger };

    expect(await seedDemo(deps)).toEqual({ seeded: true });
    await conversations.idle();
    expect(directory.getWorkspace('demo')?.name).toBe('Acme Support');
    expect(directory.listAgents('demo').map((a) => [a.email, a.name, a.role])).toEqual([
      ['dana@example.com', 'Dana Reyes', 'admin'],
      ['lee@example.com', 'Lee Chen', 'lead'],
      ['sam@example.com', 'Sam Patel', 'agent'],
    ]);
    expect((await directory.signIn({ email: 'sam@example.com', password: DEMO_PASSWORD })).ok).toBe(true);

    const summaries = [...docs.doc('demo/index').getMap<ConversationSummary>('conversations').values()];
    expect(summaries).toHaveLength(8);
    expect(summaries.every((s) => s.channel === 'webchat' && s.messageCount > 0 && s.lastMessage !== null)).toBe(true);
    const sam = directory.findAgent('demo', 'sam@example.com')?.id;
    expect(summaries.filter((s) => s.assigneeId === sam)).toHaveLength(1);
    expect(summaries.filter((s) => s.assigneeId === null).length).toBeGreaterThanOrEqual(2);
    expect(summaries.filter((s) => s.status === 'resolved').length).toBeGreaterThanOrEqual(2);
    const entries = summaries.flatMap((s) => docs.doc(`demo/conv/${s.id}`).getArray<MessageEntry>('messages').toArray());
    expect(entries.filter((e) => e.kind === 'note').length).toBeGreaterThanOrEqual(2);
    for (const s of summaries) {
      const conv = docs.doc(`demo/conv/${s.id}`).getArray<MessageEntry>('messages').toArray();
      expect(s.messageCount).toBe(conv.length);
      expect(s.inboundCount).toBe(conv.filter((e) => e.author.type === 'contact').length);
    }

    const writes = docs.serverChanges.length;
    expect(await seedDemo(deps)).toEqual({ seeded: false });
    expect(docs.serverChanges.length).toBe(writes);
    await webchat.close();
  });
});
