import { createComputed, createRoot, createSignal } from 'solid-js';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createYArraySignal, createYMapStore, createYMapValues, createYTextSignal } from './yjsBridge.ts';

describe('Yjs → Solid bridge', () => {
  it('projects a Y.Map into a store and follows sets and deletes', () => {
    const doc = new Y.Doc();
    const map = doc.getMap<{ name: string }>('m');
    map.set('a', { name: 'Ann' });
    createRoot((dispose) => {
      let changes = 0;
      const store = createYMapStore(() => map, () => changes++);
      expect(store.a?.name).toBe('Ann');
      map.set('b', { name: 'Bo' });
      map.set('a', { name: 'Anna' });
      expect(store.a?.name).toBe('Anna');
      expect(store.b?.name).toBe('Bo');
      map.delete('b');
      expect('b' in store).toBe(false);
      expect(changes).toBe(4); // initial + three changes
      dispose();
    });
  });

  it('per-key values: a change re-runs only the readers of that key', () => {
    const doc = new Y.Doc();
    const map = doc.getMap<{ n: number }>('m');
    map.set('a', { n: 1 });
    map.set('b', { n: 1 });
    createRoot((dispose) => {
      const values = createYMapValues(() => map);
      let runsA = 0;
      let lastA = 0;
      createComputed(() => {
        runsA++;
        lastA = values.get('a')?.n ?? -1;
      });
      const before = values.revision();
      map.set('b', { n: 2 });
      expect(runsA).toBe(1);
      map.set('a', { n: 3 });
      expect(runsA).toBe(2);
      expect(lastA).toBe(3);
      expect(values.revision()).toBe(before + 2);
      expect(values.values().map((v) => v.n).sort()).toEqual([2, 3]);
      map.delete('a');
      expect(lastA).toBe(-1);
      dispose();
    });
  });

  it('patches the array from Y.Array deltas (insert at end, middle, delete)', () => {
    const doc = new Y.Doc();
    const arr = doc.getArray<{ id: string }>('a');
    arr.insert(0, [{ id: '1' }, { id: '2' }]);
    createRoot((dispose) => {
      const list = createYArraySignal(() => arr);
      const first = list()[0];
      arr.insert(arr.length, [{ id: '4' }]);
      arr.insert(2, [{ id: '3' }]);
      expect(list().map((x) => x.id)).toEqual(['1', '2', '3', '4']);
      expect(list()[0]).toBe(first); // entries keep their identity: rendered rows stay
      arr.delete(0, 1);
      expect(list().map((x) => x.id)).toEqual(['2', '3', '4']);
      dispose();
    });
  });

  it('applies a remote update the same as a local change', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    createRoot((dispose) => {
      const list = createYArraySignal(() => b.getArray<{ id: string }>('a'));
      a.getArray<{ id: string }>('a').insert(0, [{ id: 'x' }]);
      Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
      expect(list().map((x) => x.id)).toEqual(['x']);
      dispose();
    });
  });

  it('switches to a new document (after a reset) and stops observing the old one', () => {
    const first = new Y.Doc();
    const second = new Y.Doc();
    first.getMap<number>('m').set('k', 1);
    second.getMap<number>('m').set('k', 2);
    createRoot((dispose) => {
      const [doc, setDoc] = createSignal(first);
      const store = createYMapStore(() => doc().getMap<number>('m'));
      expect(store.k).toBe(1);
      setDoc(second);
      expect(store.k).toBe(2);
      first.getMap<number>('m').set('k', 99);
      expect(store.k).toBe(2);
      dispose();
    });
  });

  it('unobserves on cleanup', () => {
    const doc = new Y.Doc();
    const text = doc.getText('t');
    let read: () => string = () => '';
    createRoot((dispose) => {
      read = createYTextSignal(() => text);
      text.insert(0, 'hi');
      expect(read()).toBe('hi');
      dispose();
    });
    text.insert(2, '!');
    expect(read()).toBe('hi');
  });
});
