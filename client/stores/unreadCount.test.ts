import { describe, expect, it } from 'vitest';
import { unreadCount } from './unreadCount.ts';

describe('unread count', () => {
  it('is inboundCount minus the read mark', () => {
    expect(unreadCount({ inboundCount: 7 }, 4)).toBe(3);
  });
  it('counts everything when the conversation was never opened', () => {
    expect(unreadCount({ inboundCount: 5 }, undefined)).toBe(5);
  });
  it('is never negative (a read mark from another device can be ahead of a stale summary)', () => {
    expect(unreadCount({ inboundCount: 2 }, 5)).toBe(0);
  });
  it('is zero for an unknown conversation', () => {
    expect(unreadCount(undefined, 3)).toBe(0);
  });
});
