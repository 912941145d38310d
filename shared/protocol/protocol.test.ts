import { describe, expect, it } from 'vitest';
import { decodeMuxFrame, encodeMuxFrame } from './multiplex.ts';
import { PROTOCOL_VERSION } from './version.ts';
import { wireSchemaHash } from './wireSchemaHash.ts';
import { CloseCode, closeCodeByNumber } from './closeCodes.ts';

/**
 * When this fails you changed the wire format: bump PROTOCOL_VERSION (with a history line in
 * version.ts) and record the new hash here.
 */
const RECORDED = { version: 2, hash: '55defbf6ab227a7ade80c582da5fd16557a09b73db7fd3c33f29e059223519cd' };

describe('wire protocol', () => {
  it('changes only together with a protocol version bump', () => {
    expect({ version: PROTOCOL_VERSION, hash: wireSchemaHash() }).toEqual(RECORDED);
  });

  it('round-trips a multiplexed frame and refuses a truncated one', () => {
    const frame = encodeMuxFrame('demo/conv/abc', new Uint8Array([0, 1, 2, 3]));
    expect(decodeMuxFrame(frame)).toEqual({ docName: 'demo/conv/abc', frame: new Uint8Array([0, 1, 2, 3]) });
    expect(() => decodeMuxFrame(frame.subarray(0, 5))).toThrow();
    expect(() => decodeMuxFrame(encodeMuxFrame('x', new Uint8Array()))).toThrow();
  });

  it('gives every close code a distinct number in the 4000 range', () => {
    const codes = Object.values(CloseCode).map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of Object.values(CloseCode)) {
      expect(c.code).toBeGreaterThanOrEqual(4000);
      expect(closeCodeByNumber(c.code)).toBe(c);
    }
  });
});
