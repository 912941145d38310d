import { agentDoc, indexDoc, newId, settingsDoc } from '../../shared/ids.ts';
import { availabilityFromPresence, PRESENCE_ROOT } from '../../shared/notifications/availability.ts';
import type * as Y from 'yjs';
import { actorOf, type Availability, coalesce, describe, type Member, recipientsOf, shouldPush } from '../../shared/notifications/decide.ts';
import {
  effectivePrefs,
  MAX_FEED_ITEMS,
  NOTIFICATION_DEFAULTS_KEY,
  NOTIFICATION_FEED_ROOT,
  NOTIFICATION_PREFS_KEY,
  type NotificationItem,
  type NotificationPrefs,
  notificationTag,
  type PushPayload,
} from '../../shared/schema/notifications.ts';
import { AGENT_ROOTS } from '../../shared/schema/agentDoc.ts';
import { SETTINGS_ROOTS } from '../../shared/schema/settings.ts';
import { INDEX_ROOTS, type MemberSummary } from '../../shared/schema/workspaceIndex.ts';
import type { ConversationActivity, ConversationService } from '../conversations/ConversationService.ts';
import type { DocHost } from '../docs/DocHost.ts';
import type { Logger } from '../ops/log.ts';
import { type PushOutcome, sendPush } from './PushSender.ts';
import type { PushSubscriptionStore, StoredSubscription } from './PushSubscriptionStore.ts';
import type { VapidKeys } from './VapidKeys.ts';

const ACTOR = 'notifications';

/**
 * Where availability comes from: one function, so the presence service plugs in here. The value
 * that matters is whether the agent is Offline *by choice* (their own or a lead's): an agent
 * whose devices are merely all disconnected still gets Web Push (that is what push is for).
 */
export type AvailabilitySource = (workspaceId: string, agentId: string) => Promise<Availability> | Availability;

/**
 * Reads availability from the workspace index's `presence` map (agent id → {status, chosen,
 * auto}, written by the presence service). No entry: Online.
 */
export function presenceAvailability(docs: DocHost): AvailabilitySource {
  return (workspaceId, agentId) =>
    docs.read(indexDoc(workspaceId), (doc) => availabilityFromPresence(doc.getMap(PRESENCE_ROOT).get(agentId)));
}

export interface NotificationServiceOptions {
  docs: DocHost;
  conversations: Pick<ConversationService, 'onActivity'>;
  logger: Logger;
  availability?: AvailabilitySource;
  /** Web Push: the subscriptions and the VAPID keys; null disables push. */
  push?: { store: PushSubscriptionStore; vapid: VapidKeys; fetch?: typeof fetch } | null;
  now?: () => number;
  /** Within a burst, at most one push update per conversation per this many ms (default 10 s). */
  pushUpdateMs?: number;
}

interface PendingPush {
  timer: ReturnType<typeof setTimeout>;
  item: NotificationItem;
}

/** What NotificationService keeps of an index document's members map. */
interface MemberEntry {
  members: Member[] | null;
  /** The active members who opted in to unassigned conversations, as of `version` (prefsVersion). */
  optedIn: { version: number; ids: readonly string[] } | null;
}

/**
 * Turns conversation activity into notifications (docs/notifications.md): decides who is
 * concerned (shared/notifications/decide.ts: NTF4–NTF6, their preferences), writes each one's
 * item into the notification feed of their agent document (NTF1: server-written; one item per
 * conversation, coalescing bursts: NTF8), which their open devices show, and sends Web Push to
 * their devices (NTF9 quiet hours; 404/410 prune the subscription: NTF11).
 */
export class NotificationService {
  private readonly docs: DocHost;
  private readonly logger: Logger;
  private readonly availability: AvailabilitySource;
  private readonly push: NotificationServiceOptions['push'];
  private readonly now: () => number;
  private readonly pushUpdateMs: number;
  /** Raw `prefs.notifications` per agent document, and defaults per workspace (invalidated on change). */
  private readonly prefsCache = new Map<string, unknown>();
  private readonly defaultsCache = new Map<string, unknown>();
  /** prefsOf's answer per agent document (parsing them is most of a notification's cost). */
  private readonly effectiveCache = new Map<string, NotificationPrefs>();
  /**
   * The members (id, active) read from an index document's members map, per map instance: a
   * message nobody is assigned to reads them at every message. Dropped when the map changes
   * (observed); a reloaded document has a new map.
   */
  private readonly membersCache = new WeakMap<Y.Map<MemberSummary>, MemberEntry>();
  /** Per workspace, bumped when an agent's preferences or the workspace defaults change. */
  private readonly prefsVersion = new Map<string, number>();
  private readonly pendingPushes = new Map<string, PendingPush>();
  private readonly work = new Set<Promise<unknown>>();
  private readonly unsubscribe: Array<() => void> = [];
  private closed = false;

  constructor(options: NotificationServiceOptions) {
    this.docs = options.docs;
    this.logger = options.logger;
    this.availability = options.availability ?? presenceAvailability(options.docs);
    this.push = options.push ?? null;
    this.now = options.now ?? Date.now;
    this.pushUpdateMs = options.pushUpdateMs ?? 10_000;
    this.unsubscribe.push(options.conversations.onActivity((a) => this.track(this.handle(a))));
    this.unsubscribe.push(
      this.docs.onClientUpdate((event) => {
        // An agent document changes at every keystroke of a draft: only a change of the
        // preferences value itself (a new value replaces it whole) drops what was derived from it.
        if (event.ref.kind === 'agent' && !this.samePrefs(event.name, event.doc)) {
          this.prefsCache.delete(event.name);
          this.effectiveCache.delete(event.name);
          this.prefsChanged(event.ref.workspaceId);
        }
        if (event.ref.kind === 'settings') {
          this.defaultsCache.delete(event.ref.workspaceId);
          this.effectiveCache.clear();
          this.prefsChanged(event.ref.workspaceId);
        }
      }),
    );
  }

  /** Resolves when every notification started so far has been written and pushed. */
  async idle(): Promise<void> {
    while (this.work.size > 0) await Promise.allSettled([...this.work]);
  }

  /** Stops listening, sends the bursts still waiting, and waits for work in progress. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const off of this.unsubscribe) off();
    for (const [key, pending] of this.pendingPushes) {
      clearTimeout(pending.timer);
      this.pendingPushes.delete(key);
      const [workspaceId = '', agentId = ''] = key.split('/');
      this.track(this.pushToDevices(workspaceId, agentId, pending.item, false));
    }
    await this.idle();
  }

  /** The preferences in force for an agent (own, else workspace defaults, else built-in). */
  async prefsOf(workspaceId: string, agentId: string): Promise<NotificationPrefs> {
    const name = agentDoc(workspaceId, agentId);
    const known = this.effectiveCache.get(name);
    if (known) return known;
    const prefs = effectivePrefs(await this.rawPrefs(workspaceId, agentId), await this.rawDefaults(workspaceId));
    this.effectiveCache.set(name, prefs);
    return prefs;
  }

  /** Sends a test notification to one device of the agent (Settings › Notifications). */
  async sendTest(sub: StoredSubscription): Promise<PushOutcome> {
    const payload: PushPayload = { tag: 'test', title: 'Switchboard', body: 'Push notifications work on this device.', url: '/settings/notifications', kind: 'message', count: 1, renotify: true };
    return this.sendOne(sub, payload);
  }

  private handle(activity: ConversationActivity): Promise<void> | null {
    if (this.closed) return null;
    // Those the activity is for by itself; null: a message nobody is assigned to, for everyone
    // who opted in. NTF5 first: when the only candidate is the actor (a reply by the assignee, a
    // note without mentions), there is nothing to read and nothing to do.
    const direct =
      activity.type === 'assigned'
        ? [activity.assigneeId]
        : activity.kind === 'note'
          ? activity.mentions
          : activity.assigneeId
            ? [activity.assigneeId]
            : this.knownOptedIn(activity.workspaceId);
    if (direct !== null) {
      const actor = actorOf(activity);
      if (direct.every((id) => id === actor)) return null;
    }
    return this.notify(activity, direct);
  }

  private async notify(activity: ConversationActivity, direct: readonly string[] | null): Promise<void> {
    const { workspaceId } = activity;
    const version = this.prefsVersionOf(workspaceId);
    const { entry, members } = await this.membersOf(workspaceId);
    // Preferences are read for the candidates only (for unassigned conversations: everyone).
    const candidates = direct ?? members.filter((m) => m.active).map((m) => m.id);
    const memberIds = new Set(members.map((m) => m.id));
    const prefs = new Map<string, NotificationPrefs>();
    for (const id of new Set(candidates)) {
      if (!memberIds.has(id)) continue;
      prefs.set(id, await this.prefsOf(workspaceId, id));
    }
    const prefsOf = (id: string) => prefs.get(id) ?? effectivePrefs(undefined, undefined);
    // Remember who opted in, unless the members or someone's preferences changed meanwhile.
    if (direct === null && entry.members === members && version === this.prefsVersionOf(workspaceId)) {
      entry.optedIn = { version, ids: candidates.filter((id) => prefs.get(id)?.unassigned === true) };
    }
    // Availability is asked only of those the preferences and the activity would notify (for a
    // message nobody is assigned to, the few who opted in, not the whole team).
    const wouldNotify = recipientsOf(activity, { members, prefsOf, availabilityOf: () => 'online' });
    const availability = new Map<string, Availability>();
    for (const { agentId } of wouldNotify) availability.set(agentId, await this.availability(workspaceId, agentId));
    const recipients = recipientsOf(activity, { members, prefsOf, availabilityOf: (id) => availability.get(id) ?? 'online' });
    for (const r of recipients) {
      const text = describe(activity, r.kind);
      const item = await this.docs.change(agentDoc(workspaceId, r.agentId), ACTOR, (doc) => {
        const feed = doc.getMap<NotificationItem>(NOTIFICATION_FEED_ROOT);
        const next = coalesce(feed.get(activity.conversationId), {
          id: newId(),
          conversationId: activity.conversationId,
          kind: r.kind,
          title: text.title,
          body: text.body,
          at: this.now(),
        });
        feed.set(activity.conversationId, next);
        if (feed.size > MAX_FEED_ITEMS) {
          const oldest = [...feed.entries()].sort((a, b) => a[1].at - b[1].at).slice(0, feed.size - MAX_FEED_ITEMS);
          for (const [key] of oldest) feed.delete(key);
        }
        return next;
      });
      this.logger.debug({ event: 'notified', doc: agentDoc(workspaceId, r.agentId), kind: r.kind, count: item.count });
      const agentPrefs = prefs.get(r.agentId);
      if (this.push && agentPrefs && shouldPush(item.kind, agentPrefs, this.now())) this.schedulePush(workspaceId, r.agentId, item);
    }
  }

  /**
   * NTF8 for push: the first event of a burst is pushed at once (with an alert); later ones of
   * the same burst are folded into one silent update per `pushUpdateMs`.
   */
  private schedulePush(workspaceId: string, agentId: string, item: NotificationItem): void {
    const key = `${workspaceId}/${agentId}/${item.conversationId}`;
    const pending = this.pendingPushes.get(key);
    if (item.count === 1) {
      if (pending) clearTimeout(pending.timer);
      this.pendingPushes.delete(key);
      this.track(this.pushToDevices(workspaceId, agentId, item, true));
      return;
    }
    if (pending) {
      pending.item = item;
      return;
    }
    const timer = setTimeout(() => {
      const latest = this.pendingPushes.get(key);
      this.pendingPushes.delete(key);
      if (latest) this.track(this.pushToDevices(workspaceId, agentId, latest.item, false));
    }, this.pushUpdateMs);
    timer.unref?.();
    this.pendingPushes.set(key, { timer, item });
  }

  private async pushToDevices(workspaceId: string, agentId: string, item: NotificationItem, renotify: boolean): Promise<void> {
    if (!this.push) return;
    const payload: PushPayload = {
      tag: notificationTag(item.conversationId),
      title: item.title,
      body: item.body,
      url: `/c/${item.conversationId}`,
      kind: item.kind,
      count: item.count,
      renotify,
    };
    for (const sub of this.push.store.forAgent(workspaceId, agentId)) await this.sendOne(sub, payload);
  }

  private async sendOne(sub: StoredSubscription, payload: PushPayload): Promise<PushOutcome> {
    if (!this.push) return { status: 'failed', code: null, reason: 'push is not configured' };
    const started = performance.now();
    const outcome = await sendPush(sub, payload, this.push.vapid, this.push.fetch);
    const line = { event: 'push', agent: sub.agentId, device: sub.id, status: outcome.status, ms: Math.round(performance.now() - started) };
    if (outcome.status === 'sent') {
      this.push.store.markSuccess(sub.id, this.now());
      this.logger.debug(line);
    } else if (outcome.status === 'gone') {
      // NTF11: the push service says the subscription no longer exists: forget the device.
      this.push.store.remove(sub.id);
      this.logger.info({ ...line, event: 'push_subscription_pruned', code: outcome.code });
    } else {
      this.logger.warn({ ...line, event: 'push_failed', code: outcome.code, reason: outcome.reason });
    }
    return outcome;
  }

  /** Whether the agent document still holds the preferences value cached for it (none cached: no). */
  private samePrefs(name: string, doc: Y.Doc): boolean {
    return this.prefsCache.has(name) && this.prefsCache.get(name) === doc.getMap(AGENT_ROOTS.prefs).get(NOTIFICATION_PREFS_KEY);
  }

  private prefsVersionOf(workspaceId: string): number {
    return this.prefsVersion.get(workspaceId) ?? 0;
  }

  private prefsChanged(workspaceId: string): void {
    this.prefsVersion.set(workspaceId, this.prefsVersionOf(workspaceId) + 1);
  }

  /** The cache entry of an index document's members map (observed: dropped when it changes). */
  private memberEntry(doc: Y.Doc): MemberEntry {
    const map = doc.getMap<MemberSummary>(INDEX_ROOTS.members);
    let entry = this.membersCache.get(map);
    if (!entry) {
      const created: MemberEntry = { members: null, optedIn: null };
      map.observe(() => {
        created.members = null;
        created.optedIn = null;
      });
      this.membersCache.set(map, (entry = created));
    }
    return entry;
  }

  private membersOf(workspaceId: string): Promise<{ entry: MemberEntry; members: Member[] }> {
    return this.docs.read(indexDoc(workspaceId), (doc) => {
      const entry = this.memberEntry(doc);
      entry.members ??= [...doc.getMap<MemberSummary>(INDEX_ROOTS.members).values()].map((m) => ({ id: m.id, active: m.active !== false }));
      return { entry, members: entry.members };
    });
  }

  /**
   * Who opted in to messages nobody is assigned to, if known and current, without waiting: from
   * the index in memory, as the last such message found it (the members map and everyone's
   * preferences unchanged since). Usually nobody, and the message is then decided at once.
   */
  private knownOptedIn(workspaceId: string): readonly string[] | null {
    const version = this.prefsVersionOf(workspaceId);
    const known = this.docs.peek(indexDoc(workspaceId), (doc) => this.memberEntry(doc).optedIn);
    return known && known.version === version ? known.ids : null;
  }

  private async rawPrefs(workspaceId: string, agentId: string): Promise<unknown> {
    const name = agentDoc(workspaceId, agentId);
    if (this.prefsCache.has(name)) return this.prefsCache.get(name);
    const value = await this.docs.read(name, (doc) => doc.getMap(AGENT_ROOTS.prefs).get(NOTIFICATION_PREFS_KEY));
    this.prefsCache.set(name, value);
    return value;
  }

  private async rawDefaults(workspaceId: string): Promise<unknown> {
    if (this.defaultsCache.has(workspaceId)) return this.defaultsCache.get(workspaceId);
    const value = await this.docs.read(settingsDoc(workspaceId), (doc) => doc.getMap(SETTINGS_ROOTS.workspace).get(NOTIFICATION_DEFAULTS_KEY));
    this.defaultsCache.set(workspaceId, value);
    return value;
  }

  private track(p: Promise<unknown> | null): void {
    if (!p) return;
    const settled = p.then(
      () => undefined,
      (err: unknown) => this.logger.error({ event: 'notification_failed', reason: err instanceof Error ? err.message : String(err) }),
    );
    this.work.add(settled);
    void settled.then(() => this.work.delete(settled));
  }
}
