import { describe, expect, it } from 'vitest';
import { clockTime, dayLabel, fullDateTime, messageTime } from './formatTime.ts';

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

  it('full date and time (bubble tooltips, day separators) name the right day for every day of a year, in any order', () => {
    const long = new Intl.DateTimeFormat('en-US', { weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' });
    const days = Array.from({ length: 366 }, (_, i) => new Date(2024, 0, 1 + i, (i * 7) % 24, (i * 13) % 60));
    // Shuffled and repeated: each day's label is formatted once and reused.
    for (const d of [...days.slice(200), ...days, ...days.slice(0, 50)]) {
      expect(fullDateTime(d.getTime())).toBe(`${long.format(d)} at ${clockTime(d)}`);
      expect(dayLabel(d.getTime(), new Date(2030, 0, 1).getTime())).toBe(long.format(d));
    }
  });
});
