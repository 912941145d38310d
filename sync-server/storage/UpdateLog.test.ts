import { appendFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodePack, decodeRecords, encodeRecord, packLogFiles } from './logFormat.mjs';
import { UpdateLog } from './UpdateLog.ts';

describe('UpdateLog', () => {
  it('round-trips records and stops at a torn or corrupt one', () => {
    const a = encodeRecord('ws/conv/a', 1, new Uint8Array([1, 2, 3]));
    const b = encodeRecord('ws/conv/b', 7, new Uint8Array([4]));
    const all = Buffer.concat([a, b]);
    expect(decodeRecords(all)).toEqual({
      records: [
        { name: 'ws/conv/a', seq: 1, update: new Uint8Array([1, 2, 3]) },
        { name: 'ws/conv/b', seq: 7, update: new Uint8Array([4]) },
      ],
      validBytes: all.length,
    });
    expect(decodeRecords(all.subarray(0, all.length - 1)).records).toHaveLength(1);
    const corrupt = Buffer.from(all);
    corrupt.writeUInt8(corrupt.readUInt8(a.length + 9) ^ 0xff, a.length + 9);
    expect(decodeRecords(corrupt)).toEqual({ records: [expect.objectContaining({ seq: 1 })], validBytes: a.length });
  });

  it('encodes multi-byte lengths, large sequence numbers and non-ASCII names like lib0 does', () => {
    const cases = [
      { name: 'ws/conv/é☃', seq: 300, update: new Uint8Array(200).fill(9) },
      { name: 'x'.repeat(130), seq: 2 ** 40 + 5, update: new Uint8Array(0) },
    ];
    const { records } = decodeRecords(Buffer.concat(cases.map((c) => encodeRecord(c.name, c.seq, c.update))));
    expect(records).toEqual(cases);
  });

  it('hands back what earlier runs left, across rotated files, in order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'updatelog-'));
    try {
      const first = UpdateLog.open(dir);
      expect(first.leftover).toEqual({ records: [], files: [], discardedBytes: 0 });
      first.log.write(encodeRecord('ws/conv/a', 1, new Uint8Array([1])));
      expect(first.log.rotate()).toBe(1);
      first.log.write(encodeRecord('ws/conv/a', 2, new Uint8Array([2])));
      const second = UpdateLog.open(dir);
      expect(second.leftover.records.map((r) => r.seq)).toEqual([1, 2]);
      expect(second.leftover.files).toEqual([1, 2]);
      expect(second.log.current).toBe(3);
      second.log.remove(second.leftover.files);
      second.log.close();
      first.log.close();
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('packs closed log files into one pack per document, in seq order, skipping torn tails and missing files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'updatelog-'));
    try {
      const name = 'ws/conv/é☃';
      const big = new Uint8Array(300).fill(7);
      writeFileSync(join(dir, '1.log'), Buffer.concat([encodeRecord(name, 1, new Uint8Array([1])), encodeRecord('ws/conv/b', 200, big), encodeRecord(name, 2, new Uint8Array([]))]));
      writeFileSync(join(dir, '2.log'), encodeRecord(name, 3, new Uint8Array([3, 3])));
      appendFileSync(join(dir, '2.log'), encodeRecord('ws/conv/b', 201, new Uint8Array([9])).subarray(0, 10));
      const packs = packLogFiles([join(dir, '1.log'), join(dir, 'gone.log'), join(dir, '2.log')]);
      expect(packs.map((p) => ({ name: p.name, lastSeq: p.lastSeq, updates: decodePack(p.data) }))).toEqual([
        { name, lastSeq: 3, updates: [{ seq: 1, update: new Uint8Array([1]) }, { seq: 2, update: new Uint8Array([]) }, { seq: 3, update: new Uint8Array([3, 3]) }] },
        { name: 'ws/conv/b', lastSeq: 200, updates: [{ seq: 200, update: big }] },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
