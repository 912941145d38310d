import WebSocket from 'ws';
import type { WidgetClientMessage, WidgetServerMessage } from '../../shared/protocol/webchat.ts';

/** A webchat visitor's socket for tests: every frame is kept, and `next` awaits a matching one. */
export interface VisitorSocket {
  ws: WebSocket;
  frames: WidgetServerMessage[];
  send(message: WidgetClientMessage | string): void;
  /** The first frame (already received or future) that matches, after those already taken. */
  next<T extends WidgetServerMessage['type']>(type: T, match?: (m: Extract<WidgetServerMessage, { type: T }>) => boolean): Promise<Extract<WidgetServerMessage, { type: T }>>;
  closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

export function openVisitorSocket(baseUrl: string, token: string): Promise<VisitorSocket> {
  const url = `${baseUrl.replace(/^http/, 'ws')}/webchat/socket?token=${encodeURIComponent(token)}`;
  const ws = new WebSocket(url);
  const frames: WidgetServerMessage[] = [];
  const taken = new Set<number>();
  const waiters = new Set<() => void>();
  ws.on('message', (data) => {
    frames.push(JSON.parse(data.toString()) as WidgetServerMessage);
    for (const w of [...waiters]) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString() });
      for (const w of [...waiters]) w();
    }),
  );
  const socket: VisitorSocket = {
    ws,
    frames,
    send: (m) => ws.send(typeof m === 'string' ? m : JSON.stringify(m)),
    next: (type, match) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const i = frames.findIndex((f, idx) => !taken.has(idx) && f.type === type && (!match || match(f as never)));
          if (i >= 0) {
            taken.add(i);
            waiters.delete(check);
            resolve(frames[i] as never);
            return;
          }
          if (ws.readyState === ws.CLOSED) {
            waiters.delete(check);
            reject(new Error(`socket closed while waiting for a ${type} frame`));
          }
        };
        waiters.add(check);
        check();
      }),
    closed,
    close: async () => {
      if (ws.readyState !== ws.CLOSED) {
        ws.close();
        await closed;
      }
    },
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(socket));
    ws.once('error', reject);
    // A refused socket (4401) opens, then closes: resolve anyway so the test can read the code.
  });
}
