import type { VisitorMessage, WidgetClientMessage, WidgetServerMessage } from '../../shared/protocol/webchat.ts';
import { backoffDelay } from '../sync/backoffDelay.ts';

/**
 * The widget's connection to Switchboard: the visitor identity (kept in localStorage, so the same
 * browser stays the same visitor), the websocket with reconnects (exponential backoff with
 * jitter), and an outbox of unsent messages, also in localStorage, re-sent after every reconnect
 * until the server acknowledges them: the server stores each `clientMsgId` once (WEB2).
 *
 * Only types are imported from shared/: the widget carries no schema library.
 */
export type ConnectionStatus = 'connecting' | 'online' | 'offline';

export interface PendingMessage {
  clientMsgId: string;
  text: string;
  at: number;
}

export interface ChatConnectionEvents {
  status: (status: ConnectionStatus) => void;
  history: (messages: VisitorMessage[]) => void;
  message: (message: VisitorMessage, clientMsgId?: string) => void;
  agentTyping: (typing: boolean, name?: string) => void;
  error: (reason: string) => void;
}

export interface ChatConnectionOptions {
  baseUrl: string;
  workspaceId: string;
  storage: Storage;
  events: Partial<ChatConnectionEvents>;
  WebSocketImpl?: typeof WebSocket;
  fetchImpl?: typeof fetch;
  random?: () => number;
  now?: () => number;
}

interface Identity {
  visitorId: string;
  token: string;
}

/** Close codes after which the stored identity is no longer valid (shared/protocol/closeCodes.ts). */
const UNAUTHORIZED = 4401;

export function newClientMsgId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export class ChatConnection {
  private socket: WebSocket | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  private stopped = true;
  private warned = false;
  private readonly key: string;
  private readonly WS: typeof WebSocket;
  private readonly fetch: typeof fetch;
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(private readonly options: ChatConnectionOptions) {
    this.key = `switchboard-webchat:${options.workspaceId}`;
    this.WS = options.WebSocketImpl ?? WebSocket;
    this.fetch = options.fetchImpl ?? fetch.bind(globalThis);
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.socket?.close(1000);
    this.socket = null;
  }

  /** Queues a message (kept across reloads) and sends it now if online. */
  send(text: string): PendingMessage {
    const pending: PendingMessage = { clientMsgId: newClientMsgId(), text, at: this.now() };
    this.writeOutbox([...this.outbox(), pending]);
    this.transmit({ type: 'send', clientMsgId: pending.clientMsgId, text });
    return pending;
  }

  /** Messages written but not yet acknowledged by the server, oldest first. */
  outbox(): PendingMessage[] {
    try {
      const parsed = JSON.parse(this.options.storage.getItem(`${this.key}:outbox`) ?? '[]') as unknown;
      return Array.isArray(parsed) ? (parsed as PendingMessage[]).filter((p) => typeof p?.clientMsgId === 'string' && typeof p.text === 'string') : [];
    } catch {
      return [];
    }
  }

  markRead(upTo: string): void {
    this.transmit({ type: 'read', upTo });
  }

  setTyping(typing: boolean): void {
    this.transmit({ type: 'typing', typing });
  }

  private writeOutbox(list: PendingMessage[]): void {
    try {
      if (list.length) this.options.storage.setItem(`${this.key}:outbox`, JSON.stringify(list));
      else this.options.storage.removeItem(`${this.key}:outbox`);
    } catch {
      // Storage full or blocked: the message still goes out while the page is open.
    }
  }

  private transmit(message: WidgetClientMessage): boolean {
    if (this.socket?.readyState !== this.WS.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  private identity(): Identity | null {
    try {
      const parsed = JSON.parse(this.options.storage.getItem(this.key) ?? 'null') as Identity | null;
      return parsed && typeof parsed.token === 'string' && typeof parsed.visitorId === 'string' ? parsed : null;
    } catch {
      return null;
    }
  }

  private async createIdentity(): Promise<Identity> {
    // text/plain keeps this a "simple" cross-origin request: no preflight round trip.
    const res = await this.fetch(new URL('/webchat/visitors', this.options.baseUrl).href, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ workspaceId: this.options.workspaceId }),
    });
    if (res.status === 404 && !this.warned) {
      this.warned = true;
      console.warn(`Switchboard webchat: no workspace "${this.options.workspaceId}" on ${this.options.baseUrl} (check data-workspace)`);
    }
    if (!res.ok) throw new Error(`visitor: HTTP ${res.status}`);
    const identity = (await res.json()) as Identity;
    try {
      this.options.storage.setItem(this.key, JSON.stringify(identity));
    } catch {
      // Without storage the visitor is new on every page load; chatting still works.
    }
    return identity;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    this.emit('status', 'connecting');
    let identity = this.identity();
    try {
      identity ??= await this.createIdentity();
    } catch {
      this.retry();
      return;
    }
    if (this.stopped) return;
    const url = new URL('/webchat/socket', this.options.baseUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('token', identity.token);
    const socket = new this.WS(url.href);
    this.socket = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
    };
    socket.onmessage = (event: MessageEvent) => {
      let message: WidgetServerMessage;
      try {
        message = JSON.parse(String(event.data)) as WidgetServerMessage;
      } catch {
        return;
      }
      this.onServerMessage(message);
    };
    socket.onclose = (event: CloseEvent) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.emit('status', 'offline');
      if (this.stopped) return;
      if (event.code === UNAUTHORIZED) {
        // The server does not know this visitor (data reset): start as a new one at once.
        this.options.storage.removeItem(this.key);
        this.attempt = 0;
        void this.connect();
        return;
      }
      if (opened) this.attempt = 0;
      this.retry();
    };
  }

  private onServerMessage(message: WidgetServerMessage): void {
    switch (message.type) {
      case 'history': {
        this.attempt = 0;
        this.emit('history', message.messages);
        this.emit('status', 'online');
        // Whatever is still in the outbox goes (again) now; duplicates are dropped by the server.
        for (const p of this.outbox()) this.transmit({ type: 'send', clientMsgId: p.clientMsgId, text: p.text });
        return;
      }
      case 'message':
        if (message.clientMsgId) this.writeOutbox(this.outbox().filter((p) => p.clientMsgId !== message.clientMsgId));
        this.emit('message', message.message, message.clientMsgId);
        return;
      case 'agent-typing':
        this.emit('agentTyping', message.typing, message.name);
        return;
      case 'error':
        this.emit('error', message.reason);
        return;
    }
  }

  private retry(): void {
    if (this.stopped) return;
    const delay = backoffDelay(this.attempt++, this.random, { baseMs: 1000, maxMs: 30_000 });
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect();
    }, delay);
  }

  private emit<K extends keyof ChatConnectionEvents>(name: K, ...args: Parameters<ChatConnectionEvents[K]>): void {
    const handler = this.options.events[name] as ((...a: Parameters<ChatConnectionEvents[K]>) => void) | undefined;
    handler?.(...args);
  }
}
