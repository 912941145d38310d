import { CAPABILITIES } from '../../shared/channels/capabilities.ts';
import { conversationDoc, indexDoc, parseDocName } from '../../shared/ids.ts';
import {
  CONTACT_TYPING_TTL_MS,
  type ContactTypingState,
  SERVER_AWARENESS_IDS,
  type WorkspaceTypingState,
} from '../../shared/schema/awareness.ts';
import type { DocHost } from '../docs/DocHost.ts';
import type { Logger } from '../ops/log.ts';
import type { ServerAwareness } from '../transport/createSyncService.ts';
import { type ChannelAdapter, type DeliveryTarget, deliveryTarget } from './ChannelAdapter.ts';
import { readMeta } from './ConversationService.ts';

export interface TypingRelayOptions {
  awareness: ServerAwareness;
  docs: DocHost;
  /** The outgoing side of a conversation's channel (ConversationService.channelAdapter). */
  adapter: (channel: DeliveryTarget['channel']) => ChannelAdapter | undefined;
  logger: Logger;
  /** A contact counts as typing this long after its last sign of it (default 6 s). */
  contactTtlMs?: number;
  /**
   * While an agent keeps typing, the channel is told again this often (default 20 s): WhatsApp's
   * indicator disappears by itself after 25 s, the widget's after 30 s.
   */
  agentRefreshMs?: number;
}

interface ContactTyping {
  workspaceId: string;
  conversationId: string;
  timer: ReturnType<typeof setTimeout>;
}

interface AgentTyping {
  /** Who is shown as typing to the contact (first typist), or null when nobody types a reply. */
  agentName: string | null;
  target: DeliveryTarget | null;
  refresh: ReturnType<typeof setInterval> | null;
  /** Meta being read: changes that arrive meanwhile are applied once it is in. */
  loading: boolean;
}

/**
 * Typing, both ways, as ephemeral state beside the documents (never written into one):
 *
 * - Inbound (contact → agents): the channel reports a contact composing (`contactTyping`). The
 *   server publishes its own awareness state on the conversation document (dots in the thread)
 *   and one on the workspace index listing every conversation whose contact types (the row's
 *   "typing…" hint: the list reads only the index). Each state expires `contactTtlMs` after the
 *   last sign of typing, so dots never stick when a widget stops without saying so; a message
 *   arriving or the contact disconnecting clears it at once.
 * - Outbound (agents → contact): watches awareness on conversation documents (stamped by the
 *   server, AWR1) and tells the channel when the first agent starts typing a reply (not a note)
 *   and when the last one stops, sends or leaves; while typing goes on it repeats every
 *   `agentRefreshMs`. A long reply thus costs a start, a stop and one event per 20 s.
 */
export class TypingRelay {
  private readonly contact = new Map<string, ContactTyping>();
  private readonly byWorkspace = new Map<string, Set<string>>();
  private readonly agents = new Map<string, AgentTyping>();
  private readonly ttl: number;
  private readonly refreshMs: number;
  private readonly unlisten: () => void;
  private closed = false;

  constructor(private readonly options: TypingRelayOptions) {
    this.ttl = options.contactTtlMs ?? CONTACT_TYPING_TTL_MS;
    this.refreshMs = options.agentRefreshMs ?? 20_000;
    this.unlisten = options.awareness.onChange((docName) => this.onAwareness(docName));
  }

  // ---- inbound ----------------------------------------------------------------------------

  /** The contact of a conversation is (still) composing, or stopped. */
  contactTyping(workspaceId: string, conversationId: string, typing: boolean): void {
    if (this.closed) return;
    const name = conversationDoc(workspaceId, conversationId);
    const current = this.contact.get(name);
    if (!typing) {
      if (current) this.clearContact(name, current);
      return;
    }
    if (current) {
      clearTimeout(current.timer);
      current.timer = this.expiry(name);
      return;
    }
    this.contact.set(name, { workspaceId, conversationId, timer: this.expiry(name) });
    let set = this.byWorkspace.get(workspaceId);
    if (!set) this.byWorkspace.set(workspaceId, (set = new Set()));
    set.add(conversationId);
    const state: ContactTypingState = { server: 'contact-typing', typing: true };
    this.options.awareness.publish(name, SERVER_AWARENESS_IDS.contactTyping, { ...state });
    this.publishWorkspace(workspaceId);
  }

  /** Whether the contact of a conversation counts as typing now (tests, metrics). */
  isContactTyping(workspaceId: string, conversationId: string): boolean {
    return this.contact.has(conversationDoc(workspaceId, conversationId));
  }

  private expiry(name: string): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => {
      const current = this.contact.get(name);
      if (current) this.clearContact(name, current);
    }, this.ttl);
    timer.unref?.();
    return timer;
  }

  private clearContact(name: string, entry: ContactTyping): void {
    clearTimeout(entry.timer);
    this.contact.delete(name);
    const set = this.byWorkspace.get(entry.workspaceId);
    set?.delete(entry.conversationId);
    if (set && set.size === 0) this.byWorkspace.delete(entry.workspaceId);
    this.options.awareness.publish(name, SERVER_AWARENESS_IDS.contactTyping, null);
    this.publishWorkspace(entry.workspaceId);
  }

  private publishWorkspace(workspaceId: string): void {
    const set = this.byWorkspace.get(workspaceId);
    const state: WorkspaceTypingState | null = set && set.size > 0 ? { server: 'workspace-typing', conversations: [...set].sort() } : null;
    this.options.awareness.publish(indexDoc(workspaceId), SERVER_AWARENESS_IDS.contactTyping, state ? { ...state } : null);
  }

  // ---- outbound ---------------------------------------------------------------------------

  private onAwareness(docName: string): void {
    if (this.closed) return;
    const ref = parseDocName(docName);
    if (ref?.kind !== 'conversation') return;
    const typist = this.replyTypist(docName);
    let entry = this.agents.get(docName);
    if (!entry) {
      if (typist === null) return;
      entry = { agentName: null, target: null, refresh: null, loading: false };
      this.agents.set(docName, entry);
    }
    if (entry.target) {
      this.apply(docName, entry, typist);
      return;
    }
    if (entry.loading) return;
    entry.loading = true;
    this.options.docs
      .read(docName, (doc) => readMeta(doc))
      .then((meta) => {
        const current = this.agents.get(docName);
        if (!current) return;
        current.loading = false;
        if (!meta || !CAPABILITIES[meta.channel]?.typingOutbound) {
          // Nothing to tell on this channel: forget it (it is looked at again on the next change).
          this.agents.delete(docName);
          return;
        }
        current.target = deliveryTarget(ref.workspaceId, ref.conversationId, meta);
        this.apply(docName, current, this.replyTypist(docName));
      })
      .catch((err: unknown) => {
        this.agents.delete(docName);
        this.options.logger.warn({ event: 'typing_meta_failed', doc: docName, reason: String(err) });
      });
  }

  /** Name of the first agent (by name) typing a reply in the conversation, or null. */
  private replyTypist(docName: string): string | null {
    let first: string | null = null;
    for (const { state } of this.options.awareness.states(docName)) {
      if (state.typing !== true || state.composing === 'note') continue;
      const name = (state.user as { name?: unknown } | undefined)?.name;
      const shown = typeof name === 'string' ? name : 'Support';
      if (first === null || shown < first) first = shown;
    }
    return first;
  }

  private apply(docName: string, entry: AgentTyping, typist: string | null): void {
    const target = entry.target;
    if (!target) return;
    const was = entry.agentName;
    entry.agentName = typist;
    if (typist !== null && was === null) {
      this.tell(target, true, typist);
      entry.refresh = setInterval(() => {
        if (entry.agentName !== null) this.tell(target, true, entry.agentName);
      }, this.refreshMs);
      entry.refresh.unref?.();
    } else if (typist === null && was !== null) {
      if (entry.refresh) clearInterval(entry.refresh);
      entry.refresh = null;
      this.tell(target, false, was);
      this.agents.delete(docName);
    } else if (typist === null) {
      this.agents.delete(docName);
    }
  }

  private tell(target: DeliveryTarget, typing: boolean, agentName: string): void {
    const adapter = this.options.adapter(target.channel);
    if (!adapter?.agentTyping) return;
    adapter.agentTyping(target, typing, agentName).catch((err: unknown) => {
      this.options.logger.warn({ event: 'agent_typing_failed', channel: target.channel, reason: String(err) });
    });
  }

  /** Stops every timer and listener. */
  close(): void {
    this.closed = true;
    this.unlisten();
    for (const entry of this.contact.values()) clearTimeout(entry.timer);
    this.contact.clear();
    this.byWorkspace.clear();
    for (const entry of this.agents.values()) if (entry.refresh) clearInterval(entry.refresh);
    this.agents.clear();
  }
}
