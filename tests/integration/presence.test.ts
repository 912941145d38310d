import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { indexDoc, settingsDoc } from '../../shared/ids.ts';
import type { AgentPresence } from '../../shared/schema/presence.ts';
import { DEFAULT_ROUTING } from '../../shared/schema/routing.ts';
import { type Team, TEAM_WS, startTeam } from '../helpers/teamFixture.ts';
import { waitFor } from '../helpers/waitFor.ts';

const { presenceGraceMs: GRACE, idleAwayMs: IDLE } = DEFAULT_ROUTING;

describe('presence: availability derived by the server from every device', () => {
  let team: Team;
  beforeEach(async () => {
    team = await startTeam();
  });
  afterEach(async () => {
    await team.dispose();
  });

  it('PRS4: an agent with a device and recent input is Online, and another agent sees it live in the index', async () => {
    const { m } = team;
    const watcher = await team.device(m.lee);
    const index = watcher.open(indexDoc(TEAM_WS));
    await watcher.whenSynced(indexDoc(TEAM_WS));
    expect(index.getMap<AgentPresence>('presence').get(m.sam.id)).toMatchObject({ status: 'offline', auto: 'disconnected' });
    await team.device(m.sam);
    await waitFor(() => index.getMap<AgentPresence>('presence').get(m.sam.id)?.status === 'online', 'Sam Online on Lee\'s copy');
    expect(index.getMap<AgentPresence>('presence').get(m.sam.id)).toMatchObject({ chosen: 'online', auto: null });
  });

  it('PRS4: a closed device or tab never drops the agent Offline before the grace period; all gone past it → Offline (auto)', async () => {
    const { m } = team;
    const laptop = await team.device(m.sam);
    const phone = await team.device(m.sam);
    phone.close();
    await team.advance(GRACE * 2);
    expect((await team.presenceOf(m.sam))?.status).toBe('online'); // the laptop is still there
    laptop.close();
    await waitFor(async () => (await team.app.server.connections()).sync === 0, 'sockets closed');
    await team.advance(GRACE - 1_000);
    expect((await team.presenceOf(m.sam))?.status).toBe('online');
    await team.advance(1_000);
    expect(await team.presenceOf(m.sam)).toMatchObject({ status: 'offline', auto: 'disconnected', chosen: 'online' });
    await team.device(m.sam);
    expect(await team.waitStatus(m.sam, 'online')).toMatchObject({ auto: null });
  });

  it('PRS4: no input on any device for the idle time → Away (auto); input brings them back Online', async () => {
    const { m } = team;
    const tab = await team.device(m.sam);
    await team.advance(IDLE - 1_000);
    expect((await team.presenceOf(m.sam))?.status).toBe('online');
    await team.advance(1_000);
    expect(await team.presenceOf(m.sam)).toMatchObject({ status: 'away', auto: 'idle' });
    tab.sendControl('', { type: 'activity', idleMs: 0 });
    expect(await team.waitStatus(m.sam, 'online')).toMatchObject({ auto: null });
  });

  it('PRS4: a chosen Away stays Away on input; a chosen Offline stays Offline with devices connected', async () => {
    const { m } = team;
    const tab = await team.device(m.sam);
    expect((await team.api(m.sam, 'PUT', '/api/availability', { status: 'away' })).status).toBe(200);
    tab.sendControl('', { type: 'activity', idleMs: 0 });
    await team.settle();
    expect(await team.presenceOf(m.sam)).toMatchObject({ status: 'away', chosen: 'away', auto: null });
    expect((await team.api(m.sam, 'PUT', '/api/availability', { status: 'offline' })).status).toBe(200);
    expect(await team.presenceOf(m.sam)).toMatchObject({ status: 'offline', chosen: 'offline', auto: null });
  });

  it('PRS2: an agent cannot change another agent\'s availability, and nothing changes', async () => {
    const { m } = team;
    await team.device(m.lee);
    const before = { p: await team.presenceOf(m.lee), log: await team.presenceLog() };
    const res = await team.api(m.sam, 'PUT', '/api/availability', { agentId: m.lee.id, status: 'offline' });
    expect(res).toMatchObject({ status: 403, body: { error: 'forbidden', rule: 'PRS2' } });
    expect({ p: await team.presenceOf(m.lee), log: await team.presenceLog() }).toEqual(before);
  });

  it('PRS2: a lead may set another agent only Offline, never Online or Away', async () => {
    const { m } = team;
    await team.device(m.sam);
    const before = await team.presenceOf(m.sam);
    for (const status of ['online', 'away']) {
      const res = await team.api(m.lee, 'PUT', '/api/availability', { agentId: m.sam.id, status });
      expect(res).toMatchObject({ status: 403, body: { rule: 'PRS2' } });
    }
    expect(await team.presenceOf(m.sam)).toEqual(before);
  });

  it('PRS3: a lead sets a forgotten agent Offline; everyone sees it, with who and when in the history', async () => {
    const { m } = team;
    await team.device(m.sam);
    team.clock.now += 5_000;
    const res = await team.api(m.lee, 'PUT', '/api/availability', { agentId: m.sam.id, status: 'offline' });
    expect(res.status).toBe(200);
    expect(await team.presenceOf(m.sam)).toMatchObject({
      status: 'offline',
      chosen: 'offline',
      chosenBy: { id: m.lee.id, name: 'Lee Chen' },
      chosenAt: team.clock.now,
    });
    const last = (await team.presenceLog()).at(-1);
    expect(last).toMatchObject({ agentId: m.sam.id, status: 'offline', by: { id: m.lee.id, name: 'Lee Chen' }, at: team.clock.now });
  });

  it('PRS2: bad requests change nothing (unknown status, unknown agent, no token)', async () => {
    const { m } = team;
    const before = await team.presenceLog();
    expect((await team.api(m.sam, 'PUT', '/api/availability', { status: 'busy' })).status).toBe(400);
    expect((await team.api(m.lee, 'PUT', '/api/availability', { agentId: 'nobody', status: 'offline' })).status).toBe(404);
    const res = await fetch(`${team.app.baseUrl}/api/availability`, { method: 'PUT', body: JSON.stringify({ status: 'online' }) });
    expect(res.status).toBe(401);
    expect(await team.presenceLog()).toEqual(before);
  });

  it('PRS1: a client writing presence into the index is refused, and the index is unchanged', async () => {
    const { m } = team;
    const client = await team.device(m.sam);
    const doc = client.open(indexDoc(TEAM_WS));
    await client.whenSynced(indexDoc(TEAM_WS));
    const client2 = await team.device(m.dana);
    const doc2 = client2.open(indexDoc(TEAM_WS));
    await client2.whenSynced(indexDoc(TEAM_WS));
    const before = await team.app.server.docs.read(indexDoc(TEAM_WS), (d) => Y.encodeStateVector(d));
    doc.getMap('presence').set(m.sam.id, { agentId: m.sam.id, status: 'online', chosen: 'online', auto: null, since: 0, chosenBy: null, chosenAt: 0 });
    expect(await client.control('update-rejected', indexDoc(TEAM_WS))).toMatchObject({ reason: 'read-only', rule: 'PRS1' });
    doc2.getArray('presenceLog').insert(0, [{ id: 'x', agentId: m.sam.id, status: 'online', auto: null, by: null, at: 0 }]);
    expect(await client2.control('update-rejected', indexDoc(TEAM_WS))).toMatchObject({ reason: 'read-only', rule: 'PRS1' });
    expect(await team.app.server.docs.read(indexDoc(TEAM_WS), (d) => Y.encodeStateVector(d))).toEqual(before);
  });

  it('PRS5: activity reports reach only the server: other clients receive nothing; a malformed one closes that connection', async () => {
    const { m } = team;
    const watcher = await team.device(m.lee);
    watcher.open(indexDoc(TEAM_WS));
    await watcher.whenSynced(indexDoc(TEAM_WS));
    const sam = await team.device(m.sam);
    await team.settle();
    const frames = watcher.frames.length;
    for (let i = 0; i < 50; i++) sam.sendControl('', { type: 'activity', idleMs: i });
    await team.settle();
    expect(watcher.frames.length).toBe(frames);
    sam.sendControl('', { type: 'activity', idleMs: -5 } as never);
    expect(await sam.whenClosed()).toBe(4400);
  });

  it('PRS4: across a restart the chosen state persists, an Online agent stays Online within the grace period and goes Offline after it', async () => {
    const { m } = team;
    await team.device(m.sam);
    await team.device(m.maya);
    expect((await team.api(m.maya, 'PUT', '/api/availability', { status: 'away' })).status).toBe(200);
    const { dataDir } = team.app;
    await team.close();
    team = await startTeam({ dataDir, clock: team.clock });
    expect(await team.presenceOf(m.sam)).toMatchObject({ status: 'online' });
    expect(await team.presenceOf(m.maya)).toMatchObject({ status: 'away', chosen: 'away' });
    await team.advance(GRACE);
    expect(await team.presenceOf(m.sam)).toMatchObject({ status: 'offline', auto: 'disconnected' });
    expect(await team.presenceOf(m.maya)).toMatchObject({ status: 'offline', chosen: 'away' });
  });

  it('RTE6: presence timeouts come from the routing settings, which only admins and leads change, validated per key', async () => {
    const { m } = team;
    const sam = await team.device(m.sam);
    const samSettings = sam.open(settingsDoc(TEAM_WS));
    await sam.whenSynced(settingsDoc(TEAM_WS));
    samSettings.getMap('routing').set('idleAwayMs', 60_000);
    expect(await sam.control('update-rejected', settingsDoc(TEAM_WS))).toMatchObject({ reason: 'not-allowed', rule: 'SET1' });

    const dana = await team.device(m.dana);
    const settings = dana.open(settingsDoc(TEAM_WS));
    await dana.whenSynced(settingsDoc(TEAM_WS));
    settings.getMap('routing').set('idleAwayMs', 5);
    expect(await dana.control('update-rejected', settingsDoc(TEAM_WS))).toMatchObject({ reason: 'invalid-value', rule: 'RTE6' });
    const dana2 = await team.device(m.dana);
    const settings2 = dana2.open(settingsDoc(TEAM_WS));
    await dana2.whenSynced(settingsDoc(TEAM_WS));
    settings2.getMap('routing').set('idleAwayMs', 60_000);
    await waitFor(async () => (await team.app.server.presence.settings(TEAM_WS)).idleAwayMs === 60_000, 'settings applied');
    await team.advance(60_000);
    expect(await team.presenceOf(m.sam)).toMatchObject({ status: 'away', auto: 'idle' });
  });
});
