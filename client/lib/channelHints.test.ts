import { describe, expect, it } from 'vitest';
import type { MessageEntry } from '../../shared/schema/message.ts';
import { lastContactMessageAt, readReceiptsSeemOff, segmentLabel, WHATSAPP_WINDOW_MS, whatsappWindow } from './channelHints.ts';

const HOUR = 60 * 60 * 1000;
const contact = (id: string, at: number): MessageEntry => ({ id, kind: 'message', author: { type: 'contact', id: 'c1' }, text: 'hi', createdAt: at });
const agent = (id: string, at: number): MessageEntry => ({ id, kind: 'message', author: { type: 'agent', id: 'a1' }, text: 'hello', createdAt: at });

describe('channel hints', () => {
  it('finds when the contact last wrote, ignoring agent messages', () => {
    expect(lastContactMessageAt([contact('m1', 10), agent('m2', 20), contact('m3', 30), agent('m4', 40)])).toBe(30);
    expect(lastContactMessageAt([agent('m1', 10)])).toBeNull();
  });

  it('shows the time left in the WhatsApp window, rounded down', () => {
    const now = 1_000 * HOUR;
    expect(whatsappWindow(now - 21 * HOUR - 1, now)).toMatchObject({ open: true, label: 'Window closes in 2 h' });
    expect(whatsappWindow(now - WHATSAPP_WINDOW_MS + 45 * 60_000, now)).toMatchObject({ open: true, label: 'Window closes in 45 min' });
  });

  it('explains why sending is refused outside the window or before the customer wrote', () => {
    const now = 1_000 * HOUR;
    const closed = whatsappWindow(now - 27 * HOUR, now);
    expect(closed.open).toBe(false);
    expect(!closed.open && closed.reason).toMatch(/closed 3 h ago.*template messages/);
    const never = whatsappWindow(null, now);
    expect(!never.open && never.reason).toMatch(/has not written yet/);
  });

  it('counts SMS segments and what is left in the current one', () => {
    expect(segmentLabel('')).toBeNull();
    expect(segmentLabel('Hello')).toBe('1 segment · 155 characters left');
    expect(segmentLabel('a'.repeat(166))).toBe('2 segments · 140 characters left');
    expect(segmentLabel('Thanks 😀')).toBe('1 segment · 61 characters left (Unicode)');
  });

  it('suspects read receipts are off when a delivered message stays unread after the contact wrote again', () => {
    const messages = [contact('m1', 10), agent('m2', 20), contact('m3', 60)];
    expect(readReceiptsSeemOff(messages, { m2: { status: 'delivered', at: 30 } })).toBe(true);
    expect(readReceiptsSeemOff(messages, { m2: { status: 'read', at: 40 } })).toBe(false);
    expect(readReceiptsSeemOff(messages, { m2: { status: 'delivered', at: 70 } })).toBe(false);
  });
});
