import { describe, expect, it } from 'vitest';
import { canAdvance } from './delivery.ts';

describe('delivery lifecycle', () => {
  it('moves only forward, skipping steps is fine', () => {
    expect(canAdvance(undefined, 'sent')).toBe(true);
    expect(canAdvance('sent', 'read')).toBe(true);
    expect(canAdvance('delivered', 'sent')).toBe(false);
    expect(canAdvance('read', 'delivered')).toBe(false);
    expect(canAdvance('delivered', 'delivered')).toBe(false);
  });

  it('accepts failed after delivered (email bounce) but not after read, and nothing after failed', () => {
    expect(canAdvance('delivered', 'failed')).toBe(true);
    expect(canAdvance('read', 'failed')).toBe(false);
    expect(canAdvance('failed', 'delivered')).toBe(false);
    expect(canAdvance('failed', 'failed')).toBe(false);
  });
});
