import { describe, expect, it } from 'vitest';
import { openDatabase } from '../storage/openDatabase.ts';
import { ClientIdRegistry, SERVER_OWNER } from './ClientIdRegistry.ts';

describe('ClientIdRegistry', () => {
  it('CID1: binds a clientID to its first writer per document and keeps that binding', () => {
    const db = openDatabase(':memory:');
    const registry = new ClientIdRegistry(db);
    expect(registry.ownerOf('ws/conv/a', 7)).toBeUndefined();
    expect(registry.bind('ws/conv/a', 7, 'dana')).toBe('dana');
    expect(registry.bind('ws/conv/a', 7, 'lee')).toBe('dana');
    expect(registry.ownerOf('ws/conv/b', 7)).toBeUndefined();
    expect(registry.bind('ws/conv/b', 7, SERVER_OWNER)).toBe(SERVER_OWNER);
    // A second registry on the same database (a restarted server) sees the bindings.
    const again = new ClientIdRegistry(db);
    expect(again.ownerOf('ws/conv/a', 7)).toBe('dana');
    expect(again.ownerOf('ws/conv/b', 7)).toBe(SERVER_OWNER);
    db.close();
  });

  it('forgets its cache of a document but not the binding', () => {
    const db = openDatabase(':memory:');
    const registry = new ClientIdRegistry(db);
    registry.ownerOf('ws/conv/a', 9); // caches "unbound"
    new ClientIdRegistry(db).bind('ws/conv/a', 9, 'sam');
    registry.forget('ws/conv/a');
    expect(registry.ownerOf('ws/conv/a', 9)).toBe('sam');
    db.close();
  });
});
