import { describe, expect, it } from 'vitest';
import { slashQuery } from './caretPosition.ts';

describe('slashQuery', () => {
  it('opens at the start of the text or after whitespace', () => {
    expect(slashQuery('/', 1)).toEqual({ start: 0, query: '' });
    expect(slashQuery('Hello /ret', 10)).toEqual({ start: 6, query: 'ret' });
    expect(slashQuery('line one\n/thx', 13)).toEqual({ start: 9, query: 'thx' });
  });

  it('does not open inside a word, a URL or a fraction', () => {
    expect(slashQuery('and/or', 6)).toBeNull();
    expect(slashQuery('see https://acme.test/x', 23)).toBeNull();
    expect(slashQuery('1/2', 3)).toBeNull();
  });

  it('keeps spaces in the query but not past 40 characters or a new line', () => {
    expect(slashQuery('/return policy', 14)).toEqual({ start: 0, query: 'return policy' });
    expect(slashQuery(`/${'x'.repeat(41)}`, 42)).toBeNull();
    expect(slashQuery('/ret\nmore', 9)).toBeNull();
  });
});
