import { describe, expect, it } from 'vitest';
import { AgentEntrySchema } from '../schema/message.ts';
import { mentionQuery, mentionRanges, splitMentions } from './mentions.ts';

const sam = { agentId: 'sam', name: 'Sam Patel' };
const lee = { agentId: 'lee', name: 'Lee Chen' };

describe('mentions', () => {
  it('finds the @Name of each picked member still in the text, in order', () => {
    const text = 'Hi @Lee Chen and @Sam Patel, see @Sam Patel2 and email@Sam Patel';
    expect(mentionRanges(text, [sam, lee])).toEqual([
      { agentId: 'lee', start: 3, end: 12 },
      { agentId: 'sam', start: 17, end: 27 },
    ]);
    expect(mentionRanges('nobody here', [sam])).toEqual([]);
  });

  it('splits a note into text and chips, ignoring broken ranges', () => {
    const text = 'Ping @Sam Patel please';
    expect(splitMentions(text, [{ agentId: 'sam', start: 5, end: 15 }])).toEqual([
      { kind: 'text', text: 'Ping ' },
      { kind: 'mention', text: '@Sam Patel', agentId: 'sam' },
      { kind: 'text', text: ' please' },
    ]);
    expect(splitMentions(text, [{ agentId: 'sam', start: 5, end: 99 }])).toEqual([{ kind: 'text', text }]);
  });

  it('reads the @query before the caret', () => {
    expect(mentionQuery('Hey @sa', 7)).toEqual({ start: 4, query: 'sa' });
    expect(mentionQuery('Hey @Sam P', 10)).toEqual({ start: 4, query: 'Sam P' });
    expect(mentionQuery('mail@x', 6)).toBeNull();
    expect(mentionQuery('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionQuery('@Sam Patel and more', 19)).toBeNull();
  });

  it('CONV7: the schema accepts mentions only on notes and only over an "@Name" of the text', () => {
    const note = { id: 'n1', kind: 'note', author: { type: 'agent', id: 'dana' }, text: 'Ping @Sam Patel', createdAt: 1 };
    expect(AgentEntrySchema.safeParse({ ...note, mentions: [{ agentId: 'sam', start: 5, end: 15 }] }).success).toBe(true);
    expect(AgentEntrySchema.safeParse({ ...note, kind: 'message', mentions: [{ agentId: 'sam', start: 5, end: 15 }] }).success).toBe(false);
    expect(AgentEntrySchema.safeParse({ ...note, mentions: [{ agentId: 'sam', start: 4, end: 15 }] }).success).toBe(false);
    expect(AgentEntrySchema.safeParse({ ...note, mentions: [{ agentId: 'sam', start: 5, end: 16 }] }).success).toBe(false);
    expect(AgentEntrySchema.safeParse({ ...note, mentions: [{ agentId: 'not an id', start: 5, end: 15 }] }).success).toBe(false);
    expect(AgentEntrySchema.safeParse({ ...note, mentions: Array.from({ length: 21 }, () => ({ agentId: 'sam', start: 5, end: 15 })) }).success).toBe(false);
  });
});
