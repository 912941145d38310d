import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WidgetClientMessage, WidgetServerMessage } from '../../shared/protocol/webchat.ts';
import { type MountedWidget, mountWidget } from './mountWidget.ts';

/** A WebSocket stand-in the test drives by hand. */
class FakeSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  static all: FakeSocket[] = [];
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSED = 3;
  readyState = 0;
  sent: WidgetClientMessage[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data) as WidgetClientMessage);
  }
  close() {
    this.serverClose(1000);
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  receive(message: WidgetServerMessage) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  serverClose(code: number) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
}

const latest = () => {
  const s = FakeSocket.all.at(-1);
  if (!s) throw new Error('no socket');
  return s;
};

async function until(check: () => boolean) {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 0));
  expect(check()).toBe(true);
}

describe('webchat widget', () => {
  let widget: MountedWidget;
  let fetchImpl: ReturnType<typeof vi.fn>;

  beforeEach(() => {
    FakeSocket.all = [];
    localStorage.clear();
    fetchImpl = vi.fn(async () => new Response(JSON.stringify({ visitorId: 'v1', token: 'tok-1' }), { status: 201 }));
    widget = mountWidget({
      baseUrl: 'https://support.example.com',
      workspaceId: 'demo',
      title: 'Acme support',
      WebSocketImpl: FakeSocket as unknown as typeof WebSocket,
      fetchImpl: fetchImpl as unknown as typeof fetch,
    });
  });

  afterEach(() => widget.destroy());

  const q = <T extends Element>(sel: string) => widget.root.querySelector<T>(sel) as T;

  it('registers as a visitor once (simple CORS request) and connects with its token', async () => {
    await until(() => FakeSocket.all.length === 1);
    expect(fetchImpl).toHaveBeenCalledTimes(1);
    const [url, init] = fetchImpl.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('https://support.example.com/webchat/visitors');
    expect(init).toMatchObject({ method: 'POST', headers: { 'content-type': 'text/plain' } });
    expect(JSON.parse(String(init.body))).toEqual({ workspaceId: 'demo' });
    expect(latest().url).toBe('wss://support.example.com/webchat/socket?token=tok-1');
    expect(JSON.parse(localStorage.getItem('switchboard-webchat:demo') ?? '{}')).toEqual({ visitorId: 'v1', token: 'tok-1' });
  });

  it('has a named launcher that opens a labelled panel, and Escape closes it and returns focus', () => {
    const launcher = q<HTMLButtonElement>('button.launcher');
    const panel = q<HTMLElement>('#sb-panel');
    expect(launcher.getAttribute('aria-label')).toBe('Open chat');
    expect(launcher.getAttribute('aria-expanded')).toBe('false');
    expect(panel.hidden).toBe(true);
    launcher.click();
    expect(launcher.getAttribute('aria-expanded')).toBe('true');
    expect(panel.hidden).toBe(false);
    expect(panel.getAttribute('role')).toBe('dialog');
    expect(q('#sb-title').textContent).toBe('Acme support');
    expect(widget.root.activeElement).toBe(q('textarea'));
    expect(q('label[for="sb-input"]').textContent).toBe('Message');
    // The messages are a list inside the announced log (role=log on the <ol> itself would orphan its items).
    expect(q('[role="log"]').getAttribute('aria-label')).toBe('Messages');
    expect(q('[role="log"] > ol').getAttribute('role')).toBeNull();
    expect(q<HTMLElement>('[role="log"] > p.empty').hidden).toBe(false);
    panel.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(panel.hidden).toBe(true);
    expect(widget.root.activeElement).toBe(launcher);
  });

  it('shows the history as text, sends on Enter and keeps the message until the server acknowledges it', async () => {
    await until(() => FakeSocket.all.length === 1);
    const socket = latest();
    socket.open();
    socket.receive({ type: 'history', messages: [{ id: 'a1', from: 'agent', name: 'Dana', text: '<b>Hi</b> there', at: 1 }] });
    q<HTMLButtonElement>('button.launcher').click();
    const items = () => [...widget.root.querySelectorAll('ol li')].map((li) => li.textContent);
    expect(items()[0]).toContain('<b>Hi</b> there');
    expect(widget.root.querySelector('ol b')).toBeNull();
    expect(q<HTMLElement>('p.empty').hidden).toBe(true); // the "Ask us anything" hint goes with the first message

    const input = q<HTMLTextAreaElement>('textarea');
    input.value = 'Where is my order?';
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    const sent = socket.sent.find((m) => m.type === 'send');
    expect(sent).toMatchObject({ type: 'send', text: 'Where is my order?' });
    if (sent?.type !== 'send') return;
    expect(sent.clientMsgId).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    expect(items().at(-1)).toContain('Sending…');

    // Connection drops before the acknowledgement: the reconnect sends it again, same id.
    vi.useFakeTimers();
    socket.serverClose(1006);
    expect(q('p.status').textContent).toContain('Offline');
    await vi.advanceTimersByTimeAsync(1000); // the first retry waits 0.5–1 s
    vi.useRealTimers();
    expect(FakeSocket.all).toHaveLength(2);
    const again = latest();
    again.open();
    again.receive({ type: 'history', messages: [{ id: 'a1', from: 'agent', name: 'Dana', text: '<b>Hi</b> there', at: 1 }] });
    expect(again.sent.filter((m) => m.type === 'send')).toEqual([sent]);
    again.receive({ type: 'message', clientMsgId: sent.clientMsgId, message: { id: 'm1', from: 'visitor', text: 'Where is my order?', at: 2, status: 'sent' } });
    expect(items().at(-1)).not.toContain('Sending…');
    expect(items().filter((t) => t?.includes('Where is my order?'))).toHaveLength(1);
    expect(localStorage.getItem('switchboard-webchat:demo:outbox')).toBeNull();
  });

  it('counts agent messages on the launcher while closed, and reports them read when opened', async () => {
    await until(() => FakeSocket.all.length === 1);
    const socket = latest();
    socket.open();
    socket.receive({ type: 'history', messages: [] });
    socket.receive({ type: 'message', message: { id: 'a1', from: 'agent', name: 'Dana', text: 'Hello!', at: 5 } });
    socket.receive({ type: 'message', message: { id: 'a2', from: 'agent', name: 'Dana', text: 'Anything else?', at: 6 } });
    const launcher = q<HTMLButtonElement>('button.launcher');
    expect(launcher.getAttribute('aria-label')).toBe('Open chat, 2 new messages');
    expect(socket.sent.filter((m) => m.type === 'read')).toEqual([]);
    launcher.click();
    expect(socket.sent.filter((m) => m.type === 'read')).toEqual([{ type: 'read', upTo: 'a2' }]);
    expect(launcher.getAttribute('aria-label')).toBe('Open chat');
  });

  it('starts as a new visitor when the server no longer knows the stored one (4401)', async () => {
    await until(() => FakeSocket.all.length === 1);
    fetchImpl.mockImplementation(async () => new Response(JSON.stringify({ visitorId: 'v2', token: 'tok-2' }), { status: 201 }));
    latest().serverClose(4401);
    await until(() => FakeSocket.all.length === 2);
    expect(latest().url).toContain('token=tok-2');
  });

  it('reports typing throttled: once at the start, at most every 3 s while keys keep coming, stopped after 3 s idle', async () => {
    await until(() => FakeSocket.all.length === 1);
    const socket = latest();
    socket.open();
    socket.receive({ type: 'history', messages: [] });
    vi.useFakeTimers();
    try {
      const input = q<HTMLTextAreaElement>('textarea');
      // 10 s of typing, one key every 200 ms: 50 keystrokes.
      for (let i = 0; i < 50; i++) {
        input.value += 'a';
        input.dispatchEvent(new Event('input'));
        vi.advanceTimersByTime(200);
      }
      const typing = () => socket.sent.filter((m) => m.type === 'typing');
      expect(typing().length).toBeLessThanOrEqual(4);
      expect(typing().every((m) => m.type === 'typing' && m.typing)).toBe(true);
      vi.advanceTimersByTime(3_000);
      expect(typing().at(-1)).toEqual({ type: 'typing', typing: false });
    } finally {
      vi.useRealTimers();
    }
  });

  it('shows the agent typing with dots, hides them when the reply arrives, and by itself if no renewal comes', async () => {
    await until(() => FakeSocket.all.length === 1);
    const socket = latest();
    socket.open();
    socket.receive({ type: 'history', messages: [] });
    const text = () => q<HTMLElement>('p.typing').textContent;
    const dots = () => q<HTMLElement>('.dots');
    vi.useFakeTimers();
    try {
      socket.receive({ type: 'agent-typing', typing: true, name: 'Dana' });
      expect(text()).toBe('Dana is typing…');
      expect(dots().hidden).toBe(false);
      socket.receive({ type: 'message', message: { id: 'a1', from: 'agent', name: 'Dana', text: 'Hi', at: 1 } });
      expect(text()).toBe('');
      expect(dots().hidden).toBe(true);

      socket.receive({ type: 'agent-typing', typing: true, name: 'Dana' });
      vi.advanceTimersByTime(20_000);
      socket.receive({ type: 'agent-typing', typing: true, name: 'Dana' }); // the server's renewal
      vi.advanceTimersByTime(29_000);
      expect(text()).toBe('Dana is typing…');
      vi.advanceTimersByTime(1_000);
      expect(text()).toBe('');
    } finally {
      vi.useRealTimers();
    }
  });
});
