import { describe, expect, it } from 'vitest';
import { normaliseIds, ourMessageId, parseOurMessageId, replyReferences, replySubject, threadCandidates } from './threading.ts';

describe('email threading', () => {
  it('normalises mailparser references: one string, several in one string, an array, bare ids', () => {
    expect(normaliseIds('<a@x.example>')).toEqual(['<a@x.example>']);
    expect(normaliseIds('<a@x.example> <b@X.Example>')).toEqual(['<a@x.example>', '<b@x.example>']);
    expect(normaliseIds(['<a@x.example>', '<b@x.example>'])).toEqual(['<a@x.example>', '<b@x.example>']);
    expect(normaliseIds('a@x.example')).toEqual(['<a@x.example>']);
    expect(normaliseIds(undefined)).toEqual([]);
    expect(normaliseIds('garbage without id')).toEqual([]);
  });

  it('looks up In-Reply-To first, then References newest first, without repeats', () => {
    expect(threadCandidates('<p@x>', ['<root@x>', '<mid@x>', '<p@x>'])).toEqual(['<p@x>', '<mid@x>', '<root@x>']);
    expect(threadCandidates(undefined, '<root@x>')).toEqual(['<root@x>']);
  });

  it('round-trips our own Message-ID and refuses other domains and malformed ids', () => {
    const id = ourMessageId('conv_1', 'msg-2', 'Acme.example');
    expect(id).toBe('<c_conv_1.m_msg-2@acme.example>');
    expect(parseOurMessageId(id, 'acme.example')).toEqual({ conversationId: 'conv_1', messageId: 'msg-2' });
    expect(parseOurMessageId(id, 'evil.example')).toBeNull();
    expect(parseOurMessageId('<c_a b.m_c@acme.example>', 'acme.example')).toBeNull();
  });

  it('prefixes Re: once and keeps the root when capping References', () => {
    expect(replySubject('Order 1234')).toBe('Re: Order 1234');
    expect(replySubject('RE: Order 1234')).toBe('RE: Order 1234');
    expect(replySubject('')).toBe('Re: Your message');
    const refs = Array.from({ length: 30 }, (_, i) => `<r${i}@x>`);
    const capped = replyReferences(refs, '<parent@x>', 20);
    expect(capped).toHaveLength(20);
    expect(capped[0]).toBe('<r0@x>');
    expect(capped.at(-1)).toBe('<parent@x>');
  });
});
