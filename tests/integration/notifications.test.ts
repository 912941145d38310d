import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agentDoc, conversationDoc, indexDoc, newId } from '../../shared/ids.ts';
import type { Availability } from '../../shared/notifications/decide.ts';
import type { PushDevice } from '../../shared/protocol/push.ts';
import type { MessageEntry } from '../../shared/schema/message.ts';
import { NOTIFICATION_FEED_ROOT, type NotificationItem, type PushPayload } from '../../shared/schema/notifications.ts';
import type { MemberSummary } from '../../shared/schema/workspaceIndex.ts';
import { presenceAvailability } from '../../sync-server/notifications/NotificationService.ts';
import { sendPush } from '../../sync-server/notifications/PushSender.ts';
import { type TestApp, startApp } from '../helpers/startApp.ts';
import { waitUntil } from '../helpers/waitUntil.ts';

const WS = 'acme';

describe('notifications through the real server: feed, Web Push to the local push service', () => {
  let app: TestApp;
  let ids: { dana: string; sam: string; lee: string };
  let tokens: { dana: string; sam: string; lee: string };
  const availability = new Map<string, Availability>();

  beforeEach(async () => {
    availability.clear();
    // A test may force an availability; otherwise the real one: the presence entries of the index.
    app = await startApp({
      push: { simulator: true },
      pushUpdateMs: 50,
      availability: (ws, id) => availability.get(id) ?? presenceAvailability(app.server.docs)(ws, id),
    });
    const { directory } = app.server;
    directory.createWorkspace(WS, 'Acme Support');
    for (const [email, name, role] of [
      ['dana@example.com', 'Dana Reyes', 'admin'],
      ['sam@example.com', 'Sam Patel', 'agent'],
      ['lee@example.com', 'Lee Chen', 'lead'],
    ] as const) {
      await directory.createAgent({ workspaceId: WS, email, name, role, password: 'switchboard' });
    }
    const sessions = await Promise.all(['dana', 'sam', 'lee'].map((who) => app.signIn(`${who}@example.com`, 'switchboard')));
    const [dana, sam, lee] = sessions as [(typeof sessions)[0], (typeof sessions)[0], (typeof sessions)[0]];
    ids = { dana: dana.agent.id, sam: sam.agent.id, lee: lee.agent.id };
    tokens = { dana: dana.token, sam: sam.token, lee: lee.token };
    await waitUntil(
      async () => (await app.server.docs.read(indexDoc(WS), (doc) => doc.getMap<MemberSummary>('members').size)) === 3,
      'members in the index',
    );
  });

  afterEach(async () => {
    await app.dispose();
  });

  const feedOf = (agentId: string) =>
    app.server.docs.read(agentDoc(WS, agentId), (doc) => Object.fromEntries(doc.getMap<NotificationItem>(NOTIFICATION_FEED_ROOT).entries()));

  async function conversation(assignee: string | null, contact = 'Ana Pérez') {
    const meta = await app.server.conversations.createConversation({ workspaceId: WS, channel: 'webchat', contact: { id: newId(), name: contact }, assigneeId: assignee });
    return meta.id;
  }

  async function contactSays(conversationId: string, text: string) {
    const r = await app.server.conversations.appendContactMessage({ workspaceId: WS, conversationId, key: newId(), text });
    expect(r.ok).toBe(true);
    await app.server.notifications.idle();
  }

  async function api(path: string, token: string, init: RequestInit = {}) {
    return fetch(`${app.baseUrl}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
  }

  async function simulatedDevice(token: string, deviceName: string) {
    const res = await api('/api/push/simulated-subscriptions', token, { method: 'POST', body: JSON.stringify({ deviceName }) });
    expect(res.status).toBe(201);
    return (await res.json()) as { device: PushDevice; subscription: { id: string; endpoint: string } };
  }

  it('NTF4, NTF8: a contact message notifies the assignee only, and a burst of 20 makes one item that counts them', async () => {
    const c = await conversation(ids.sam);
    await contactSays(c, 'Where is my order?');
    expect((await feedOf(ids.sam))[c]).toMatchObject({ kind: 'message', title: 'Ana Pérez', body: 'Where is my order?', count: 1 });
    expect(await feedOf(ids.dana)).toEqual({});
    for (let i = 2; i <= 20; i++) await contactSays(c, `Message ${i}`);
    const feed = await feedOf(ids.sam);
    expect(Object.keys(feed)).toEqual([c]);
    expect(feed[c]).toMatchObject({ count: 20, body: '20 new messages · Message 20' });
  });

  it('NTF4, NTF5: an assignment notifies the new assignee, unless they took it themselves', async () => {
    const c = await conversation(null);
    await app.server.conversations.assign(WS, c, ids.sam, undefined, undefined, { agentId: ids.dana, name: 'Dana Reyes' });
    await app.server.notifications.idle();
    expect((await feedOf(ids.sam))[c]).toMatchObject({ kind: 'assigned', title: 'Assigned to you: Ana Pérez', body: 'Dana Reyes assigned you the conversation with Ana Pérez' });
    const d = await conversation(null, 'Bo Lind');
    await app.server.conversations.assign(WS, d, ids.lee, undefined, undefined, { agentId: ids.lee, name: 'Lee Chen' });
    await app.server.notifications.idle();
    expect(await feedOf(ids.lee)).toEqual({});
  });

  it('NTF4, NTF5: an @mention in a note synced by a client notifies the mentioned agent, not the author', async () => {
    const c = await conversation(ids.dana);
    const { doc } = await app.openDoc(conversationDoc(WS, c), tokens.dana);
    const text = 'Can you check the refund, @Sam Patel?';
    const start = text.indexOf('@');
    const note: MessageEntry = {
      id: newId(),
      kind: 'note',
      author: { type: 'agent', id: ids.dana },
      text,
      createdAt: Date.now(),
      mentions: [{ agentId: ids.sam, start, end: start + '@Sam Patel'.length }],
    };
    doc.getArray<MessageEntry>('messages').insert(0, [note]);
    await waitUntil(async () => (await feedOf(ids.sam))[c] !== undefined, 'the mention in Sam’s feed');
    expect((await feedOf(ids.sam))[c]).toMatchObject({ kind: 'mention', title: 'Dana Reyes mentioned you', body: `Ana Pérez: ${text}` });
    expect(await feedOf(ids.dana)).toEqual({});
  });

  it('NTF6: nothing while the agent is Offline (no feed item, no push)', async () => {
    const device = await simulatedDevice(tokens.sam, 'Sam’s phone');
    availability.set(ids.sam, 'offline');
    const c = await conversation(ids.sam);
    await contactSays(c, 'Anyone there?');
    expect(await feedOf(ids.sam)).toEqual({});
    expect(app.server.push.simulator?.receivedFor(device.subscription.id)).toEqual([]);
  });

  it('NTF6: reads availability from presence: Offline by choice silences, merely disconnected devices do not', async () => {
    const setPresence = (value: unknown) => app.server.docs.change(indexDoc(WS), 'test', (doc) => doc.getMap('presence').set(ids.sam, value));
    // Offline since now: within routing's grace period, so the conversation stays Sam's (RTE4
    // would re-route it away from an agent who has been gone for longer).
    const now = Date.now();
    await setPresence({ agentId: ids.sam, status: 'offline', chosen: 'offline', auto: null, since: now, chosenBy: null, chosenAt: now });
    const c = await conversation(ids.sam);
    await contactSays(c, 'Anyone?');
    expect(await feedOf(ids.sam)).toEqual({});
    await setPresence({ agentId: ids.sam, status: 'offline', chosen: 'online', auto: 'disconnected', since: now, chosenBy: null, chosenAt: now });
    await contactSays(c, 'Hello?');
    expect((await feedOf(ids.sam))[c]).toMatchObject({ count: 1, body: 'Hello?' });
  });

  it('NTF2: unassigned conversations notify only agents who opted in, read from their synced preferences', async () => {
    const { doc } = await app.openDoc(agentDoc(WS, ids.lee), tokens.lee);
    const { DEFAULT_NOTIFICATION_PREFS } = await import('../../shared/schema/notifications.ts');
    doc.getMap('prefs').set('notifications', { ...DEFAULT_NOTIFICATION_PREFS, unassigned: true });
    await waitUntil(async () => (await app.server.notifications.prefsOf(WS, ids.lee)).unassigned, 'Lee’s preference on the server');
    const c = await conversation(null);
    await contactSays(c, 'Hello?');
    expect((await feedOf(ids.lee))[c]).toMatchObject({ kind: 'message', count: 1 });
    expect(await feedOf(ids.sam)).toEqual({});
  });

  it('Web Push: a real web-push send reaches the local push service, which decrypts the preview and checks VAPID', async () => {
    const sim = app.server.push.simulator;
    if (!sim) throw new Error('simulator not running');
    const device = await simulatedDevice(tokens.sam, 'Sam’s laptop');
    const c = await conversation(ids.sam);
    await contactSays(c, 'My tent arrived with a torn seam.');
    await sim.waitFor(() => sim.receivedFor(device.subscription.id).length === 1);
    const [push] = sim.receivedFor(device.subscription.id);
    const payload = JSON.parse(push?.text ?? '{}') as PushPayload;
    expect(payload).toEqual({ tag: `conv:${c}`, title: 'Ana Pérez', body: 'My tent arrived with a torn seam.', url: `/c/${c}`, kind: 'message', count: 1, renotify: true });
    expect(push).toMatchObject({ ttl: 4 * 3600, topic: c.slice(-32), vapidSubject: 'mailto:admin@switchboard.invalid' });
    // A burst: the updates are folded into one silent push.
    for (let i = 0; i < 5; i++) await contactSays(c, `More ${i}`);
    await sim.waitFor(() => sim.receivedFor(device.subscription.id).length === 2);
    const update = JSON.parse(sim.receivedFor(device.subscription.id)[1]?.text ?? '{}') as PushPayload;
    expect(update).toMatchObject({ count: 6, renotify: false, body: '6 new messages · More 4' });
    const devices = (await (await api('/api/push/subscriptions', tokens.sam)).json()) as { devices: PushDevice[] };
    expect(devices.devices[0]?.lastSuccessAt).toBeGreaterThan(0);
  });

  it('Web Push: the push service refuses a wrong key or a forged VAPID signature', async () => {
    const sim = app.server.push.simulator;
    if (!sim) throw new Error('simulator not running');
    const device = await simulatedDevice(tokens.sam, 'Sam’s laptop');
    const other = sim.subscribe();
    const payload: PushPayload = { tag: 't', title: 'x', body: 'y', url: '/', kind: 'message', count: 1, renotify: true };
    // Encrypted for another subscription's keys: the push service cannot decrypt it.
    const outcome = await sendPush({ endpoint: device.subscription.endpoint, ...other.keys }, payload, app.server.push.vapid);
    expect(outcome).toMatchObject({ status: 'failed', code: 400 });
    const forged = await sendPush({ endpoint: device.subscription.endpoint, p256dh: other.keys.p256dh, auth: other.keys.auth }, payload, {
      ...app.server.push.vapid,
      publicKey: other.keys.p256dh,
    });
    expect(forged).toMatchObject({ status: 'failed', code: 401 });
    expect(sim.receivedFor(device.subscription.id)).toEqual([]);
  });

  it('NTF11: a 410 from the push service prunes the device; the others keep receiving', async () => {
    const sim = app.server.push.simulator;
    if (!sim) throw new Error('simulator not running');
    const laptop = await simulatedDevice(tokens.sam, 'Laptop');
    const phone = await simulatedDevice(tokens.sam, 'Phone');
    sim.expire(phone.subscription.id);
    const c = await conversation(ids.sam);
    await contactSays(c, 'Hello again');
    await app.server.notifications.idle();
    await sim.waitFor(() => sim.receivedFor(laptop.subscription.id).length === 1 && sim.rejected.some((r) => r.status === 410));
    await app.server.notifications.idle();
    const list = (await (await api('/api/push/subscriptions', tokens.sam)).json()) as { devices: PushDevice[] };
    expect(list.devices.map((d) => d.deviceName)).toEqual(['Laptop']);
  });

  it('NTF12: devices are registered, listed and removed by their own agent only; endpoints must be public https hosts', async () => {
    const key = Buffer.alloc(65, 4).toString('base64url');
    const auth = Buffer.alloc(16, 1).toString('base64url');
    const plain = await api('/api/push/subscriptions', tokens.sam, { method: 'POST', body: JSON.stringify({ endpoint: 'http://evil.example/push', keys: { p256dh: key, auth }, deviceName: 'X' }) });
    expect(plain.status).toBe(400);
    const metadata = await api('/api/push/subscriptions', tokens.sam, { method: 'POST', body: JSON.stringify({ endpoint: 'https://169.254.169.254/latest/meta-data', keys: { p256dh: key, auth }, deviceName: 'X' }) });
    expect(metadata.status).toBe(400);
    expect(((await metadata.json()) as { message: string }).message).toBe('A push endpoint must be a public push service, not a local or private address');
    const badKey = await api('/api/push/subscriptions', tokens.sam, { method: 'POST', body: JSON.stringify({ endpoint: 'https://push.example/1', keys: { p256dh: 'abc', auth }, deviceName: 'X' }) });
    expect(badKey.status).toBe(400);
    const ok = await api('/api/push/subscriptions', tokens.sam, { method: 'POST', body: JSON.stringify({ endpoint: 'https://push.example/1', keys: { p256dh: key, auth }, deviceName: 'Sam’s phone' }) });
    expect(ok.status).toBe(201);
    const device = (await ok.json()) as PushDevice;
    expect(device).toMatchObject({ deviceName: 'Sam’s phone', service: 'push.example' });
    expect((await api('/api/push/subscriptions', tokens.sam, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    const stolen = await api(`/api/push/subscriptions?id=${device.id}`, tokens.dana, { method: 'DELETE' });
    expect(stolen.status).toBe(404);
    const danaList = (await (await api('/api/push/subscriptions', tokens.dana)).json()) as { devices: PushDevice[] };
    expect(danaList.devices).toEqual([]);
    expect(app.server.push.store.get(device.id)).not.toBeNull();
    expect((await api(`/api/push/subscriptions?id=${device.id}`, tokens.sam, { method: 'DELETE' })).status).toBe(204);
    expect(app.server.push.store.get(device.id)).toBeNull();
  });
});
