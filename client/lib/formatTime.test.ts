import { describe, expect, it } from 'vitest';
import { clockTime, messageTime } from './formatTime.ts';

describe('message times', () => {
  it('formats every minute of the day exactly as Intl en-US does', () => {
    const intl = new Intl.DateTimeFormat('en-US', { hour: 'numeric', minute: '2-digit' });
    for (let minute = 0; minute < 24 * 60; minute++) {
      const d = new Date(2024, 2, 3, Math.floor(minute / 60), minute % 60);
      expect(clockTime(d)).toBe(intl.format(d));
    }
  });

  it('prefixes the day for another day than today', () => {
    const now = new Date(2024, 2, 4, 10, 0).getTime();
    const at = new Date(2024, 2, 3, 14, 5);
    const day = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric' }).format(at);
    const time = new Intl.DateTimeFormat('en-US', { hour: 'numeric', minute: '2-digit' }).format(at);
    expect(messageTime(at.getTime(), now)).toBe(`${day}, ${time}`);
    expect(messageTime(new Date(2024, 2, 4, 9, 0).getTime(), now)).toBe(new Intl.DateTimeFormat('en-US', { hour: 'numeric', minute: '2-digit' }).format(new Date(2024, 2, 4, 9, 0)));
  });
});
