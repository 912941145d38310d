import { describe, expect, it } from 'vitest';
import { smsSegments } from './smsSegments.ts';

describe('smsSegments', () => {
  it('counts 160 GSM-7 characters as one segment and 161 as two of 153', () => {
    expect(smsSegments('a'.repeat(160))).toMatchObject({ encoding: 'GSM-7', segments: 1, remaining: 0 });
    expect(smsSegments('a'.repeat(161))).toMatchObject({ encoding: 'GSM-7', segments: 2, remaining: 306 - 161 });
    expect(smsSegments('a'.repeat(306)).segments).toBe(2);
    expect(smsSegments('a'.repeat(307)).segments).toBe(3);
  });

  it('counts GSM-7 extension characters twice', () => {
    expect(smsSegments('€'.repeat(80))).toMatchObject({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(smsSegments('€'.repeat(81)).segments).toBe(2);
  });

  it('switches the whole message to UCS-2 for one character outside GSM-7 (70 / 67)', () => {
    expect(smsSegments(`${'a'.repeat(69)}ł`)).toMatchObject({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(smsSegments(`${'a'.repeat(70)}ł`)).toMatchObject({ encoding: 'UCS-2', segments: 2 });
  });

  it('counts an emoji as two UTF-16 units', () => {
    expect(smsSegments('😀'.repeat(35))).toMatchObject({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(smsSegments('😀'.repeat(36)).segments).toBe(2);
  });

  it('has no segment for an empty message', () => {
    expect(smsSegments('')).toMatchObject({ segments: 0, remaining: 160 });
  });
});
