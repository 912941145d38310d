import { describe, expect, it } from 'vitest';
import * as decoding from 'lib0/decoding';
import { MessageType } from './messageTypes.ts';
import { decodeStored, encodeStored } from './stored.ts';
import { decodeMuxFrame, encodeMuxFrame } from './multiplex.ts';
import { PROTOCOL_VERSION } from './version.ts';
import { wireSchemaHash } from './wireSchemaHash.ts';
import { CloseCode, closeCodeByNumber } from './closeCodes.ts';

/**
 * When this fails you changed the wire format: bump PROTOCOL_VERSION (with a history line in
 * version.ts) and record the new hash here.
 */
const RECORDED = { version: 3, hash: '03399ad0d3b8cc9acfdbf74558a77410952d6bb7cbfa5ce896a450a3487bd031' };

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

  it('round-trips a stored acknowledgement and refuses a truncated one', () => {
    const frame = encodeStored(new Map([[3794215197, 12], [7, 0]]));
    const decoder = decoding.createDecoder(frame);
    expect(decoding.readVarUint(decoder)).toBe(MessageType.stored);
    expect(decodeStored(decoder)).toEqual(new Map([[3794215197, 12], [7, 0]]));
    const truncated = decoding.createDecoder(frame.subarray(0, frame.length - 1));
    decoding.readVarUint(truncated);
    expect(() => decodeStored(truncated)).toThrow();
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
