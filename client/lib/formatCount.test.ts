import { describe, expect, it } from 'vitest';
import { formatCount } from './formatCount.ts';

describe('formatCount', () => {
  it('writes thousands separators as en-US does', () => {
    for (const n of [0, 7, 999, 1000, 10_000, 123_456, 1_234_567, -4200]) expect(formatCount(n)).toBe(n.toLocaleString('en-US'));
  });
});
