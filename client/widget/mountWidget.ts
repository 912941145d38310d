import type { VisitorMessage } from '../../shared/protocol/webchat.ts';
import { ChatConnection, type ConnectionStatus, type PendingMessage } from './ChatConnection.ts';
import { widgetStyles } from './widgetStyles.ts';
import { clockTime } from '../lib/formatTime.ts';

export interface WidgetOptions {
  /** Origin of the Switchboard server, e.g. https://support.example.com */
  baseUrl: string;
  workspaceId: string;
  title?: string;
  accent?: string;
  /** Where the launcher is added (default: document.body). */
  container?: HTMLElement;
  storage?: Storage;
  WebSocketImpl?: typeof WebSocket;
  fetchImpl?: typeof fetch;
}

export interface MountedWidget {
  open(): void;
  close(): void;
  destroy(): void;
  /** The shadow root (tests and host pages that want to look inside). */
  root: ShadowRoot;
}

const STATUS_TEXT: Record<ConnectionStatus, string> = {
  connecting: 'Connecting…',
  online: '',
  offline: 'Offline. Your messages will be sent when the connection is back.',
};

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
}

/** The visitor stopped typing after this long without a keystroke. */
const TYPING_IDLE_MS = 3_000;
/** While the visitor keeps typing, "typing" is repeated this often (the server's TTL is 6 s). */
const TYPING_REPEAT_MS = 3_000;
/** Agent dots not renewed by the server for this long are hidden (it renews every 20 s). */
const AGENT_TYPING_TIMEOUT_MS = 30_000;

/** "2:05 PM", as the agents' inbox shows it. */
const timeOf = (at: number) => clockTime(new Date(at));

const ICON =
  '<svg viewBox="0 0 24 24" fill="currentColor" aria-hidden="true" focusable="false"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>';

/**
 * Adds the chat launcher and panel to the page, inside a Shadow DOM. Accessible: the launcher is
 * a button with a name and `aria-expanded`; the panel is a labelled dialog (Escape closes it and
 * gives focus back to the launcher); messages are a `log` region screen readers announce; the
 * composer has a label, Enter sends and Shift+Enter adds a line. Message text is only ever set
 * as text, never parsed as HTML.
 */
export function mountWidget(options: WidgetOptions): MountedWidget {
  const host = h('div', { 'data-switchboard-webchat': '' });
  (options.container ?? document.body).appendChild(host);
  const root = host.attachShadow({ mode: 'open' });
  const title = options.title ?? 'Chat with us';

  const style = h('style');
  style.textContent = widgetStyles(options.accent ?? '#1f3a8a');
  const wrap = h('div', { class: 'sb' });
  const panel = h('section', { class: 'panel', id: 'sb-panel', role: 'dialog', 'aria-labelledby': 'sb-title', hidden: '' });
  const header = h('header');
  const heading = h('h2', { id: 'sb-title' }, title);
  const closeButton = h('button', { type: 'button', 'aria-label': 'Close chat' }, '×');
  header.append(heading, closeButton);
  const status = h('p', { class: 'status', role: 'status' });
  // The log scrolls and is announced; the messages inside it stay a list (an <ol> with role=log
  // would lose its list semantics, leaving its <li>s orphaned).
  const log = h('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': 'Messages', tabindex: '0' });
  const hint = h('p', { class: 'empty' }, 'Ask us anything: we usually reply within minutes.');
  const list = h('ol');
  log.append(hint, list);
  const typing = h('p', { class: 'typing', 'aria-live': 'polite' });
  const typingText = h('span');
  const dots = h('span', { class: 'dots', 'aria-hidden': 'true', hidden: '' });
  dots.append(h('span'), h('span'), h('span'));
  typing.append(dots, typingText);
  const form = h('form');
  const label = h('label', { for: 'sb-input', class: 'visually-hidden' }, 'Message');
  const input = h('textarea', { id: 'sb-input', rows: '1', placeholder: 'Write a message…', maxlength: '20000' });
  const sendButton = h('button', { type: 'submit' }, 'Send');
  form.append(label, input, sendButton);
  panel.append(header, status, log, typing, form);
  const launcher = h('button', { type: 'button', class: 'launcher', 'aria-expanded': 'false', 'aria-controls': 'sb-panel', 'aria-label': 'Open chat' });
  launcher.innerHTML = ICON; // static markup, no user content
  const badge = h('span', { class: 'badge', 'aria-hidden': 'true', hidden: '' });
  launcher.append(badge);
  wrap.append(panel, launcher);
  root.append(style, wrap);

  // ---- state ----
  const messages = new Map<string, VisitorMessage>();
  let pending: PendingMessage[] = [];
  let unread = 0;
  let lastReadSent: string | null = null;
  let typingTimer: ReturnType<typeof setTimeout> | null = null;
  let typingSent = false;
  let typingSentAt = 0;
  let agentTypingTimer: ReturnType<typeof setTimeout> | null = null;

  const isOpen = () => !panel.hasAttribute('hidden');
  const visible = () => isOpen() && document.visibilityState !== 'hidden';

  const render = () => {
    const sorted = [...messages.values()].sort((a, b) => a.at - b.at);
    const items: HTMLLIElement[] = [];
    for (const m of sorted) {
      const li = h('li', { class: m.from });
      li.append(h('span', { class: 'who' }, m.from === 'visitor' ? 'You' : (m.name ?? 'Support')));
      li.append(document.createTextNode(m.text));
      li.append(h('span', { class: 'meta' }, timeOf(m.at)));
      items.push(li);
    }
    for (const p of pending) {
      const li = h('li', { class: 'visitor pending' });
      li.append(h('span', { class: 'who' }, 'You'));
      li.append(document.createTextNode(p.text));
      li.append(h('span', { class: 'meta' }, 'Sending…'));
      items.push(li);
    }
    hint.hidden = items.length > 0;
    list.replaceChildren(...items);
    log.scrollTop = log.scrollHeight;
  };

  const setUnread = (n: number) => {
    unread = n;
    badge.textContent = String(n);
    if (n > 0) badge.removeAttribute('hidden');
    else badge.setAttribute('hidden', '');
    launcher.setAttribute('aria-label', n > 0 ? `Open chat, ${n} new ${n === 1 ? 'message' : 'messages'}` : 'Open chat');
  };

  /** Tells the server the visitor has seen the agent's messages (only while open and visible). */
  const reportRead = () => {
    if (!visible()) return;
    const lastAgent = [...messages.values()].filter((m) => m.from === 'agent').sort((a, b) => a.at - b.at).pop();
    if (lastAgent && lastAgent.id !== lastReadSent) {
      lastReadSent = lastAgent.id;
      connection.markRead(lastAgent.id);
    }
    setUnread(0);
  };

  const connection = new ChatConnection({
    baseUrl: options.baseUrl,
    workspaceId: options.workspaceId,
    storage: options.storage ?? window.localStorage,
    WebSocketImpl: options.WebSocketImpl,
    fetchImpl: options.fetchImpl,
    events: {
      status: (s) => {
        status.textContent = STATUS_TEXT[s];
        if (s !== 'online') showAgentTyping(false);
      },
      history: (list) => {
        for (const m of list) messages.set(m.id, m);
        pending = connection.outbox();
        render();
        reportRead();
      },
      message: (m, clientMsgId) => {
        const isNew = !messages.has(m.id);
        messages.set(m.id, m);
        if (clientMsgId) pending = pending.filter((p) => p.clientMsgId !== clientMsgId);
        render();
        if (m.from === 'agent' && isNew) {
          showAgentTyping(false);
          if (visible()) reportRead();
          else setUnread(unread + 1);
        }
      },
      agentTyping: (isTyping, name) => showAgentTyping(isTyping, name),
      error: (reason) => {
        if (reason === 'rate-limited') status.textContent = 'You are sending messages very quickly; please wait a moment.';
      },
    },
  });

  /**
   * "Dana is typing…" with three dots. The server repeats it every 20 s while the agent types;
   * without that (a lost "stopped" frame) the dots go after 30 s by themselves.
   */
  function showAgentTyping(on: boolean, name?: string): void {
    if (agentTypingTimer) clearTimeout(agentTypingTimer);
    agentTypingTimer = null;
    if (!on) {
      typingText.textContent = '';
      dots.setAttribute('hidden', '');
      return;
    }
    typingText.textContent = `${name ?? 'Support'} is typing…`;
    dots.removeAttribute('hidden');
    agentTypingTimer = setTimeout(() => showAgentTyping(false), AGENT_TYPING_TIMEOUT_MS);
  }

  const open = () => {
    panel.removeAttribute('hidden');
    launcher.setAttribute('aria-expanded', 'true');
    input.focus();
    render();
    reportRead();
  };
  const close = () => {
    panel.setAttribute('hidden', '');
    launcher.setAttribute('aria-expanded', 'false');
    launcher.focus();
  };

  const stopTyping = () => {
    if (typingTimer) clearTimeout(typingTimer);
    typingTimer = null;
    if (typingSent) connection.setTyping(false);
    typingSent = false;
  };

  const submit = () => {
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    stopTyping();
    pending.push(connection.send(text));
    render();
  };

  launcher.addEventListener('click', () => (isOpen() ? close() : open()));
  closeButton.addEventListener('click', close);
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      close();
    }
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submit();
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      submit();
    }
  });
  // Typing: "started" at the first keystroke, repeated at most every 3 s while keys keep coming
  // (the server forgets it 6 s after the last one), "stopped" after 3 s without a key or on send.
  input.addEventListener('input', () => {
    if (!input.value) {
      stopTyping();
      return;
    }
    const now = Date.now();
    if (!typingSent || now - typingSentAt >= TYPING_REPEAT_MS) {
      typingSent = true;
      typingSentAt = now;
      connection.setTyping(true);
    }
    if (typingTimer) clearTimeout(typingTimer);
    typingTimer = setTimeout(stopTyping, TYPING_IDLE_MS);
  });
  const onVisibility = () => reportRead();
  document.addEventListener('visibilitychange', onVisibility);

  render();
  connection.start();

  return {
    open,
    close,
    root,
    destroy() {
      stopTyping();
      showAgentTyping(false);
      connection.stop();
      document.removeEventListener('visibilitychange', onVisibility);
      host.remove();
    },
  };
}
