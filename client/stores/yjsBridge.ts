import { type Accessor, batch, createComputed, createSignal, onCleanup, untrack } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import type * as Y from 'yjs';

/**
 * The Yjs → Solid bridge: a Yjs map is projected into a Solid store that changes only where Yjs
 * changed; a very large map of immutable values (the 10,000 summaries) into per-key signals, so
 * one changed summary re-renders one row; an append-only array of immutable entries into a signal.
 * The type comes from an accessor: after a reset (a refused update) the handle's Y.Doc is
 * replaced, the bridge re-reads the new type and reconciles, and unobserves the old one.
 * Observers are removed in onCleanup. Values are plain JSON (never nested shared types).
 */

/** A Y.Map of plain values as a store keyed like the map; `onChange` runs after each change. */
export function createYMapStore<T>(getMap: Accessor<Y.Map<T> | null>, onChange?: () => void): Record<string, T> {
  const [state, setState] = createStore<Record<string, T>>({});
  createComputed(() => {
    const map = getMap();
    if (!map) {
      setState(reconcile({}));
      onChange?.();
      return;
    }
    setState(reconcile(Object.fromEntries(map.entries()) as Record<string, T>));
    onChange?.();
    const observer = (event: Y.YMapEvent<T>) => {
      batch(() => {
        for (const key of event.keysChanged) {
          if (map.has(key)) setState(key, reconcile(map.get(key) as T));
          else setState(key, undefined as T);
        }
        onChange?.();
      });
    };
    map.observe(observer);
    onCleanup(() => map.unobserve(observer));
  });
  return state;
}

/** Values of a large Y.Map, each readable reactively by key. */
export interface KeyedValues<T> {
  /** The value at `key` (tracks that key only). Values are replaced whole, never mutated. */
  get(key: string): T | undefined;
  /** Every value, raw (tracks any change). */
  values(): T[];
  /** Bumps on every change (lets a list re-sort without tracking every row). */
  revision: Accessor<number>;
}

/**
 * A large Y.Map of immutable values (10,000 conversation summaries) as per-key signals: a store
 * would walk and wrap every summary when the index loads (measured: ~150 ms at 10,000 on a cold
 * start); here loading costs one signal bump, and a changed summary re-renders only its row.
 */
export function createYMapValues<T>(getMap: Accessor<Y.Map<T> | null>): KeyedValues<T> & { source: Accessor<Y.Map<T> | null> } {
  const keySignals = new Map<string, [Accessor<undefined>, (v: undefined) => void]>();
  const [revision, setRevision] = createSignal(0);
  // The map the values come from, set together with the revision bump: readers that switch on
  // it never see a new map's revision before its values (or an empty list in between).
  const [source, setSource] = createSignal<Y.Map<T> | null>(null, { equals: false });
  let current: Y.Map<T> | null = null;
  const touch = (key: string) => keySignals.get(key)?.[1](undefined);
  createComputed(() => {
    const map = getMap();
    current = map;
    batch(() => {
      for (const key of keySignals.keys()) touch(key);
      setRevision((n) => n + 1);
      setSource(map);
    });
    if (!map) return;
    const observer = (event: Y.YMapEvent<T>) => {
      batch(() => {
        for (const key of event.keysChanged) touch(key);
        setRevision((n) => n + 1);
      });
    };
    map.observe(observer);
    onCleanup(() => map.unobserve(observer));
  });
  return {
    get(key) {
      let signal = keySignals.get(key);
      if (!signal) {
        signal = createSignal<undefined>(undefined, { equals: false });
        keySignals.set(key, signal);
      }
      signal[0]();
      return current?.get(key);
    },
    values() {
      revision();
      return current ? [...current.values()] : [];
    },
    revision,
    source,
  };
}

/**
 * A Y.Array of immutable plain values (the messages of a conversation) as a signal of an array.
 * Entries never change once appended (CONV1), so per-field reactivity buys nothing, and a store
 * would walk all 5,000 entries on the first fill; appends copy the array of references (cheap).
 */
export function createYArraySignal<T>(getArray: Accessor<Y.Array<T> | null>): Accessor<readonly T[]> {
  const [list, setList] = createSignal<readonly T[]>([], { equals: false });
  createComputed(() => {
    const arr = getArray();
    if (!arr) {
      setList([]);
      return;
    }
    setList(arr.toArray());
    const observer = (event: Y.YArrayEvent<T>) => {
      const delta = event.changes.delta;
      const next = untrack(list).slice();
      let index = 0;
      for (const op of delta) {
        if (op.retain !== undefined) index += op.retain;
        else if (op.insert !== undefined) {
          const items = op.insert as T[];
          next.splice(index, 0, ...items);
          index += items.length;
        } else if (op.delete !== undefined) next.splice(index, op.delete);
      }
      setList(next);
    };
    arr.observe(observer);
    onCleanup(() => arr.unobserve(observer));
  });
  return list;
}

/** A Y.Text as a string signal. */
export function createYTextSignal(getText: Accessor<Y.Text | null>): Accessor<string> {
  const [value, setValue] = createSignal('');
  createComputed(() => {
    const text = getText();
    if (!text) {
      setValue('');
      return;
    }
    setValue(text.toString());
    const observer = () => setValue(text.toString());
    text.observe(observer);
    onCleanup(() => text.unobserve(observer));
  });
  return value;
}
