const MINUTE = 60_000;
// Intl formatters are costly to create (~1 ms each, and the first one loads locale data): each is
// made on first use and reused (a thread formats hundreds of times); a cold start showing only
// recent rows needs none of them.
const formatter = (options: Intl.DateTimeFormatOptions) => {
  let made: Intl.DateTimeFormat | null = null;
  return { format: (date: Date) => (made ??= new Intl.DateTimeFormat('en-US', options)).format(date) };
};
const WEEKDAY = formatter({ weekday: 'short' });
const MONTH_DAY = formatter({ month: 'short', day: 'numeric' });
const MONTH_DAY_YEAR = formatter({ month: 'short', day: 'numeric', year: 'numeric' });
const LONG_DATE = formatter({ month: 'long', day: 'numeric', year: 'numeric' });
const FULL_DAY = formatter({ weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' });
const CLOCK = formatter({ hour: 'numeric', minute: '2-digit' });
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

/** Time of a message in the thread: "2:05 PM", or "Mar 3, 2:05 PM" for another day. */
export function messageTime(at: number, now: number): string {
  const then = new Date(at);
  const time = clockTime(then);
  if (sameDay(then, new Date(now))) return time;
  return `${monthDay(then)}, ${time}`;
}

/** "Monday, March 3, 2025 at 2:05 PM": a message's tooltip. */
export function fullDateTime(at: number): string {
  const date = new Date(at);
  return `${fullDay(date)} at ${clockTime(date)}`;
}

/** FULL_DAY per calendar day, formatted once: a thread's bubbles share a handful of days. */
const fullDays = new Map<number, string>();
function fullDay(date: Date): string {
  const key = date.getFullYear() * 10_000 + date.getMonth() * 100 + date.getDate();
  let label = fullDays.get(key);
  if (label === undefined) {
    if (fullDays.size > 1000) fullDays.clear();
    label = FULL_DAY.format(date);
    fullDays.set(key, label);
  }
  return label;
}

/**
 * Creates the formatters a thread needs (the first Intl formatter of a page loads locale data,
 * ~10 ms), so that opening the first conversation does not pay for it. Call when idle.
 */
export function prepareThreadFormats(): void {
  fullDateTime(Date.now());
}

/**
 * "2:05 PM", exactly as CLOCK formats it, without a call into Intl per message (~0.2 ms each:
 * a thread renders 100 at once). The separator and day periods are read once from Intl itself,
 * and checked; any surprise falls back to Intl.
 */
export function clockTime(date: Date): string {
  clock ??= learnClock();
  if (!clock) return CLOCK.format(date);
  const h = date.getHours();
  const m = date.getMinutes();
  return `${h % 12 === 0 ? 12 : h % 12}:${m < 10 ? '0' : ''}${m}${clock.separator}${h < 12 ? clock.am : clock.pm}`;
}

let clock: { separator: string; am: string; pm: string } | false | undefined;

function learnClock(): { separator: string; am: string; pm: string } | false {
  try {
    const intl = new Intl.DateTimeFormat('en-US', { hour: 'numeric', minute: '2-digit' });
    const parts = intl.formatToParts(new Date(2020, 0, 1, 13, 5));
    const am = intl.formatToParts(new Date(2020, 0, 1, 1, 5)).find((p) => p.type === 'dayPeriod')?.value;
    if (parts.map((p) => p.type).join() !== 'hour,literal,minute,literal,dayPeriod' || parts[1]?.value !== ':' || !am) return false;
    const learned = { separator: parts[3]?.value ?? ' ', am, pm: parts[4]?.value ?? 'PM' };
    clock = learned;
    for (const [h, m] of [[0, 0], [9, 7], [12, 30], [23, 59]] as const) {
      const d = new Date(2020, 0, 1, h, m);
      if (clockTime(d) !== intl.format(d)) return false;
    }
    return learned;
  } catch {
    return false;
  }
}

/** "Mar 3", exactly as MONTH_DAY formats it, cached per day (messages of one day share it). */
function monthDay(date: Date): string {
  const key = date.getFullYear() * 400 + date.getMonth() * 32 + date.getDate();
  let label = monthDays.get(key);
  if (label === undefined) {
    label = MONTH_DAY.format(date);
    if (monthDays.size > 1000) monthDays.clear();
    monthDays.set(key, label);
  }
  return label;
}

const monthDays = new Map<number, string>();

/** Day separator label: "Today", "Yesterday", "Monday, March 3". */
export function dayLabel(at: number, now: number): string {
  const then = new Date(at);
  if (sameDay(then, new Date(now))) return 'Today';
  if (sameDay(then, new Date(now - DAY))) return 'Yesterday';
  return fullDay(then);
}

export function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'} ago`;
}
