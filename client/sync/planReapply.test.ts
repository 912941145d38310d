import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { draftRoot, MAX_DRAFT_LENGTH } from '../../shared/schema/agentDoc.ts';
import type { MessageEntry } from '../../shared/schema/message.ts';
import { applyReapply, planReapply, replaceText } from './planReapply.ts';

const ME = 'me';
const conv = { kind: 'conversation', workspaceId: 'ws', conversationId: 'c1' } as const;
const agent = { kind: 'agent', workspaceId: 'ws', agentId: ME } as const;

const entry = (id: string, text: string, authorId = ME, kind: MessageEntry['kind'] = 'message'): MessageEntry => ({
  id,
  kind,
  author: { type: 'agent', id: authorId },
  text,
  createdAt: 1,
});

/** The server copy, and a local copy that started from it. */
function pair(setup: (server: Y.Doc) => void) {
  const server = new Y.Doc();
  setup(server);
  const local = new Y.Doc();
  Y.applyUpdate(local, Y.encodeStateAsUpdate(server));
  const fresh = new Y.Doc();
  Y.applyUpdate(fresh, Y.encodeStateAsUpdate(server));
  return { server, local, fresh };
}

describe('planReapply', () => {
  it('keeps own valid messages the server does not have, in order, and drops invalid ones', () => {
    const { local, fresh } = pair((s) => s.getArray('messages').insert(0, [entry('m0', 'on server')]));
    const arr = local.getArray<MessageEntry>('messages');
    arr.insert(arr.length, [entry('m1', 'one'), entry('bad', ''), entry('x', 'not mine', 'someone'), entry('m2', 'two', ME, 'note')]);
    const plan = planReapply(conv, local, fresh, ME);
    expect(plan.messages.map((m) => m.id)).toEqual(['m1', 'm2']);
    applyReapply(fresh, plan, 'test');
    expect(fresh.getArray<MessageEntry>('messages').toArray().map((m) => m.id)).toEqual(['m0', 'm1', 'm2']);
  });

  it('keeps a status the agent set offline, not one it merely received', () => {
    const received = pair((s) => s.getMap('state').set('status', 'open'));
    expect(planReapply(conv, received.local, received.fresh, ME).maps).toEqual([]);
    const changed = pair((s) => s.getMap('state').set('status', 'open'));
    changed.local.getMap('state').set('status', 'resolved');
    expect(planReapply(conv, changed.local, changed.fresh, ME).maps).toEqual([{ root: 'state', key: 'status', value: 'resolved' }]);
    changed.local.getMap('state').set('status', 'archived'); // not a valid status
    expect(planReapply(conv, changed.local, changed.fresh, ME).maps).toEqual([]);
  });

  it('keeps drafts (capped) and unsynced read marks, never lowering a read mark', () => {
    const { local, fresh } = pair((s) => {
      s.getText(draftRoot('c1')).insert(0, 'old');
      s.getMap('read').set('c2', 9);
    });
    replaceText(local.getText(draftRoot('c1')), 'old and new');
    local.getText(draftRoot('c3')).insert(0, 'x'.repeat(MAX_DRAFT_LENGTH + 5));
    local.getMap('read').set('c2', 4);
    local.getMap('read').set('c4', 2);
    const plan = planReapply(agent, local, fresh, ME);
    expect(plan.drafts).toEqual([
      { root: draftRoot('c1'), text: 'old and new' },
      { root: draftRoot('c3'), text: 'x'.repeat(MAX_DRAFT_LENGTH) },
    ]);
    expect(plan.maps).toEqual([{ root: 'read', key: 'c4', value: 2 }]);
  });

  it('keeps the draft’s rich flag and library uses the server never got, and drops malformed ones', () => {
    const { local, fresh } = pair(() => {});
    local.getMap('draftMeta').set('c1', { rich: true, uses: [{ kind: 'cannedResponses', id: 'cr1' }] });
    local.getMap('draftMeta').set('c2', { rich: 'yes', uses: [] });
    const plan = planReapply(agent, local, fresh, ME);
    expect(plan.maps).toEqual([{ root: 'draftMeta', key: 'c1', value: { rich: true, uses: [{ kind: 'cannedResponses', id: 'cr1' }] } }]);
  });

  const settings = { kind: 'settings', workspaceId: 'ws' } as const;
  const reply = (id: string, text: string) => ({ id, name: `Reply ${id}`, shortcut: '', category: '', text, order: 1 });

  it('keeps quick replies and canned responses edited offline when still valid', () => {
    const { local, fresh } = pair((s) => s.getMap('quickReplies').set('q1', reply('q1', 'Hello')));
    local.getMap('quickReplies').set('q1', reply('q1', 'Hello there'));
    local.getMap('quickReplies').set('q2', reply('q2', 'Hi {{frist_name}}')); // unknown variable (SET2)
    local.getMap('cannedResponses').set('c1', { id: 'c1', title: 'Returns', category: '', body: '**Free** returns', order: 1 });
    const plan = planReapply(settings, local, fresh, ME, 'invalid-value');
    expect(plan.maps.map((m) => `${m.root}:${m.key}`)).toEqual(['quickReplies:q1', 'cannedResponses:c1']);
    applyReapply(fresh, plan, 'test');
    expect(fresh.getMap('quickReplies').get('q1')).toMatchObject({ text: 'Hello there' });
  });

  it('keeps nothing of the settings when the refusal was not-allowed (SET1: the role may no longer write there)', () => {
    const { local, fresh } = pair(() => {});
    local.getMap('quickReplies').set('q1', reply('q1', 'Hello'));
    local.getMap('workspace').set('name', 'Renamed');
    expect(planReapply(settings, local, fresh, ME, 'not-allowed')).toEqual({ drafts: [], messages: [], maps: [] });
  });

  it('keeps nothing of the index (server-written)', () => {
    const { local, fresh } = pair(() => {});
    local.getMap('conversations').set('c1', { id: 'c1' });
    expect(planReapply({ kind: 'index', workspaceId: 'ws' }, local, fresh, ME)).toEqual({ drafts: [], messages: [], maps: [] });
  });
});

describe('replaceText', () => {
  it('rewrites only the changed middle so concurrent edits elsewhere survive', () => {
    const a = new Y.Doc();
    a.getText('t').insert(0, 'Hello world');
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    replaceText(a.getText('t'), 'Hello brave world');
    b.getText('t').insert(11, '!');
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(a.getText('t').toString()).toBe('Hello brave world!');
    expect(b.getText('t').toString()).toBe('Hello brave world!');
  });
});
