import { describe, expect, it } from 'vitest';
import { fuzzyRank, matchScore, type RankField } from './fuzzyRank.ts';

interface Entry {
  name: string;
  shortcut: string;
  text: string;
}
const fields = (e: Entry): RankField[] => [
  { text: e.shortcut.toLowerCase(), weight: 3 },
  { text: e.name.toLowerCase(), weight: 2 },
  { text: e.text.toLowerCase(), weight: 1, fuzzy: false },
];
const E = (name: string, shortcut: string, text: string): Entry => ({ name, shortcut, text });
const library = [
  E('Greeting', 'hi', 'Hi {{first_name|there}}, thanks for reaching out!'),
  E('Return policy', 'returns', 'You can return any item within 30 days.'),
  E('Shipping times', 'ship', 'Orders ship within two business days.'),
  E('Thanks and close', 'thx', 'Thanks for your patience, have a great day!'),
  E('Refund status', 'refund', 'Your refund is on its way.'),
];
const names = (query: string) => fuzzyRank(library, query, fields).map((e) => e.name);

describe('fuzzyRank', () => {
  it('lists everything in order for an empty query', () => {
    expect(names('')).toEqual(library.map((e) => e.name));
  });

  it('puts an exact shortcut first, then name prefixes, then text matches', () => {
    expect(names('thx')[0]).toBe('Thanks and close');
    expect(names('ship')[0]).toBe('Shipping times');
    expect(names('days')).toEqual(['Return policy', 'Shipping times']); // text only: library order
  });

  it('matches word starts and subsequences, ranking contiguous matches higher', () => {
    expect(names('policy')[0]).toBe('Return policy');
    expect(names('rtpl')).toEqual(['Return policy']);
    expect(matchScore('ret', 'return policy')).toBeGreaterThan(matchScore('pol', 'return policy'));
    expect(matchScore('pol', 'return policy')).toBeGreaterThan(matchScore('rtpl', 'return policy'));
  });

  it('needs every word of the query to match', () => {
    expect(names('refund way')).toEqual(['Refund status']);
    expect(names('refund zebra')).toEqual([]);
  });

  it('matches long text by substring only, so a query does not match scattered letters of a body', () => {
    expect(names('rfnd')).toEqual(['Refund status']);
    expect(matchScore('refund', 'could you send a photo of the damage and your order number', false)).toBe(0);
  });

  it('is case-insensitive', () => {
    expect(names('GREET')).toEqual(['Greeting']);
  });

  it('finds the exact shortcut first among 5,000 entries, also while typing it', () => {
    const big: Entry[] = [];
    for (let i = 0; i < 5000; i++) big.push(E(`Reply number ${i} about topic ${i % 37}`, `r${i}`, `Some longer body text ${i} with words like refund, shipping and returns.`));
    const cache = new Map(big.map((e) => [e, fields(e)]));
    for (const q of ['r', 're', 'ref', 'refu', 'refun', 'refund']) expect(fuzzyRank(big, q, (e) => cache.get(e) ?? [], 50)).toHaveLength(50);
    expect(fuzzyRank(big, 'r4999', (e) => cache.get(e) ?? [])[0]?.shortcut).toBe('r4999');
  });
});
