import { describe, expect, it } from 'vitest';
import type { Writable } from 'node:stream';
import * as ws from 'ws';
import { SharedFrame } from './frames.ts';

/** ws's frame parser (exported by the package, not by its type definitions). */
const { Receiver } = ws as unknown as {
  Receiver: new (opts: { isServer: boolean; binaryType: string }) => Writable;
};

/** Parses frames with ws's own receiver (client side: expects unmasked frames from a server). */
function receive(bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const receiver = new Receiver({ isServer: false, binaryType: 'nodebuffer' });
    receiver.on('message', (data: Buffer, isBinary: boolean) => (isBinary ? resolve(data) : reject(new Error('not binary'))));
    receiver.on('error', reject);
    receiver.write(bytes);
  });
}

describe('SharedFrame', () => {
  for (const size of [0, 1, 125, 126, 65_535, 65_536, 300_000]) {
    it(`frames a ${size}-byte payload as one binary WebSocket frame ws can read`, async () => {
      const payload = new Uint8Array(size).map((_, i) => (i * 7) % 256);
      const frame = new SharedFrame(payload);
      const wire = frame.wsFrame();
      expect(frame.wsFrame()).toBe(wire);
      expect(Buffer.compare(await receive(wire), Buffer.from(payload))).toBe(0);
    });
  }
});
