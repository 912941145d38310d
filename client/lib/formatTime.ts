const MINUTE = 60_000;
// Intl formatters are costly to create: one of each, reused (a thread formats hundreds of times).
const WEEKDAY = new Intl.DateTimeFormat('en-US', { weekday: 'short' });
const MONTH_DAY = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric' });
const MONTH_DAY_YEAR = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', year: 'numeric' });
const LONG_DATE = new Intl.DateTimeFormat('en-US', { month: 'long', day: 'numeric', year: 'numeric' });
const FULL_DAY = new Intl.DateTimeFormat('en-US', { weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' });
const CLOCK = new Intl.DateTimeFormat('en-US', { hour: 'numeric', minute: '2-digit' });
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Short relative time for the list: "now", "5m", "3h", "Yesterday", "Mon", "Mar 3", "Mar 3, 2023". */
export function shortRelativeTime(at: number, now: number): string {
  const diff = now - at;
  if (diff < MINUTE) return 'now';
  if (diff < HOUR) return `${Math.floor(diff / MINUTE)}m`;
  const then = new Date(at);
  const today = new Date(now);
  if (sameDay(then, today)) return `${Math.floor(diff / HOUR)}h`;
  const yesterday = new Date(now - DAY);
  if (sameDay(then, yesterday)) return 'Yesterday';
  if (diff < 6 * DAY) return WEEKDAY.format(then);
  if (then.getFullYear() === today.getFullYear()) return MONTH_DAY.format(then);
  return MONTH_DAY_YEAR.format(then);
}

/** Spoken form for screen readers: "5 minutes ago", "3 hours ago", "yesterday", "on March 3". */
export function longRelativeTime(at: number, now: number): string {
  const diff = now - at;
  if (diff < MINUTE) return 'just now';
  if (diff < HOUR) return plural(Math.floor(diff / MINUTE), 'minute');
  const then = new Date(at);
  if (sameDay(then, new Date(now))) return plural(Math.floor(diff / HOUR), 'hour');
  if (sameDay(then, new Date(now - DAY))) return 'yesterday';
  return `on ${LONG_DATE.format(then)}`;
}

/** Time of a message in the thread: "14:05", or "Mar 3, 14:05" for another day. */
export function messageTime(at: number, now: number): string {
  const then = new Date(at);
  const time = CLOCK.format(then);
  if (sameDay(then, new Date(now))) return time;
  return `${MONTH_DAY.format(then)}, ${time}`;
}

/** Day separator label: "Today", "Yesterday", "Monday, March 3". */
export function dayLabel(at: number, now: number): string {
  const then = new Date(at);
  if (sameDay(then, new Date(now))) return 'Today';
  if (sameDay(then, new Date(now - DAY))) return 'Yesterday';
  return FULL_DAY.format(then);
}

export function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'} ago`;
}
