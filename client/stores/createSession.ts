import { type Accessor, createSignal } from 'solid-js';
import type { ApiError, SessionInfo } from '../../shared/protocol/rest.ts';
import { whenIdle } from '../lib/afterPaint.ts';

const KEY = 'switchboard.session';

export type SignInResult = { ok: true; session: SessionInfo } | { ok: false; error: 'invalid-credentials' | 'network' | 'server'; message: string };

export interface SessionStore {
  session: Accessor<SessionInfo | null>;
  signIn(email: string, password: string): Promise<SignInResult>;
  /** Revokes the token (best effort) and forgets the session on this device. */
  signOut(): Promise<void>;
  /** The server no longer accepts the token (HTTP 401, close 4401): forget it. */
  expire(): void;
  /** Takes a session the server handed out another way (an accepted invite link). */
  adopt(info: SessionInfo): void;
  /** Asks the server whether the token is still good; offline keeps the session (local-first). */
  verify(): Promise<void>;
}

export interface SessionOptions {
  fetch?: typeof fetch;
  storage?: Storage;
  now?: () => number;
  /** Listen to other tabs signing in or out. */
  window?: Window | null;
}

/** The signed-in agent: token in localStorage, sign in and out through /api/session. */
export function createSession(options: SessionOptions = {}): SessionStore {
  const http = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const storage = options.storage ?? localStorage;
  const now = options.now ?? Date.now;
  const [session, setSession] = createSignal<SessionInfo | null>(read(storage, now()));

  const write = (value: SessionInfo | null) => {
    if (value) storage.setItem(KEY, JSON.stringify(value));
    else storage.removeItem(KEY);
    setSession(value);
  };

  const win = options.window === undefined ? (typeof window === 'undefined' ? null : window) : options.window;
  if (win) {
    // Listening to `storage` costs a synchronous round trip to the browser (measured: ~10 ms on a
    // cold start), so it starts once the page is idle; a change made meanwhile is read then.
    whenIdle(() => {
      win.addEventListener('storage', (event) => {
        if (event.key === KEY) setSession(read(storage, now()));
      });
      const latest = read(storage, now());
      if (latest?.token !== session()?.token) setSession(latest);
    });
  }

  return {
    session,
    async signIn(email, password) {
      let response: Response;
      try {
        response = await http('/api/session', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: email.trim(), password }),
        });
      } catch {
        return { ok: false, error: 'network', message: 'Cannot reach the server. Check your connection and try again.' };
      }
      if (response.status === 401 || response.status === 400) {
        return { ok: false, error: 'invalid-credentials', message: 'Wrong email or password.' };
      }
      if (!response.ok) {
        const body = (await response.json().catch(() => null)) as ApiError | null;
        return { ok: false, error: 'server', message: body?.message ?? `The server answered ${response.status}.` };
      }
      const info = (await response.json()) as SessionInfo;
      write(info);
      return { ok: true, session: info };
    },
    async signOut() {
      const current = session();
      write(null);
      if (!current) return;
      await http('/api/session', { method: 'DELETE', headers: { authorization: `Bearer ${current.token}` } }).catch(() => undefined);
    },
    expire() {
      write(null);
    },
    adopt(info) {
      write(info);
    },
    async verify() {
      const current = session();
      if (!current) return;
      let response: Response;
      try {
        response = await http('/api/session', { headers: { authorization: `Bearer ${current.token}` } });
      } catch {
        return; // offline: keep working from the local copy
      }
      if (response.status === 401) {
        if (session()?.token === current.token) write(null);
        return;
      }
      if (response.ok) {
        const info = (await response.json().catch(() => null)) as SessionInfo | null;
        if (info?.agent && session()?.token === current.token) write({ ...current, ...info, token: current.token });
      }
    },
  };
}

function read(storage: Storage, now: number): SessionInfo | null {
  try {
    const raw = storage.getItem(KEY);
    if (!raw) return null;
    const value = JSON.parse(raw) as SessionInfo;
    if (!value?.token || !value.agent?.id || !value.workspace?.id) return null;
    if (typeof value.expiresAt === 'number' && value.expiresAt < now) return null;
    return value;
  } catch {
    return null;
  }
}
