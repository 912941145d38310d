import { describe, expect, it } from 'vitest';
import { LocalFanout } from './LocalFanout.ts';

describe('LocalFanout', () => {
  it('delivers an update with its origin to the subscribers of that document only', () => {
    const fanout = new LocalFanout();
    const got: Array<[string, number[], string]> = [];
    fanout.subscribe('ws/conv/a', (u, from) => got.push(['a', [...u], from]));
    fanout.subscribe('ws/conv/b', (u, from) => got.push(['b', [...u], from]));
    fanout.publish('ws/conv/a', new Uint8Array([1]), 'p1');
    expect(got).toEqual([['a', [1], 'p1']]);
  });

  it('stops delivering after unsubscribe and forgets empty documents', () => {
    const fanout = new LocalFanout();
    let n = 0;
    const off = fanout.subscribe('ws/conv/a', () => n++);
    fanout.publish('ws/conv/a', new Uint8Array([1]), 'p1');
    off();
    off();
    fanout.publish('ws/conv/a', new Uint8Array([1]), 'p1');
    expect(n).toBe(1);
    expect(fanout.subscribedDocs()).toEqual([]);
  });

  it('delivers nothing once closed', async () => {
    const fanout = new LocalFanout();
    let n = 0;
    fanout.subscribe('ws/conv/a', () => n++);
    await fanout.close();
    fanout.publish('ws/conv/a', new Uint8Array([1]), 'p1');
    expect(n).toBe(0);
  });
});
