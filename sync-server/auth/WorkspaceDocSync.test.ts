import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { FakeDocHost } from '../../tests/helpers/fakeDocHost.ts';
import { silentLogger } from '../ops/log.ts';
import { Directory } from './Directory.ts';
import { WorkspaceDocSync } from './WorkspaceDocSync.ts';

describe('WorkspaceDocSync', () => {
  it('IDX1: mirrors the directory into the index members map and names the workspace in settings', async () => {
    const docs = new FakeDocHost();
    const dir = new Directory(new Database(':memory:'));
    const sync = new WorkspaceDocSync(docs, dir, silentLogger());
    dir.onMembersChanged((ws) => void sync.schedule(ws));
    dir.createWorkspace('acme', 'Acme Support');
    await dir.createAgent({ workspaceId: 'acme', email: 'dana@example.com', name: 'Dana Reyes', role: 'admin' });
    await dir.createAgent({ workspaceId: 'acme', email: 'sam@example.com', name: 'Sam Patel', role: 'agent' });
    const sam = dir.findAgent('acme', 'sam@example.com');
    if (!sam) throw new Error('missing');
    dir.deactivate(sam.id);
    await sync.idle();

    const members = docs.doc('acme/index').getMap('members').toJSON();
    expect(Object.values(members)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Dana Reyes', email: 'dana@example.com', role: 'admin', active: true }),
        expect.objectContaining({ id: sam.id, name: 'Sam Patel', role: 'agent', active: false }),
      ]),
    );
    expect(docs.doc('acme/settings').getMap('workspace').get('name')).toBe('Acme Support');
  });

  it('changes no document when nothing differs', async () => {
    const docs = new FakeDocHost();
    const dir = new Directory(new Database(':memory:'));
    const sync = new WorkspaceDocSync(docs, dir, silentLogger());
    dir.createWorkspace('acme', 'Acme Support');
    await sync.syncAll();
    const writes = docs.serverChanges.length;
    await sync.syncAll();
    await sync.schedule('acme');
    expect(docs.serverChanges.length).toBe(writes);
  });
});
