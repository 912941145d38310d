import { type Browser, type BrowserContext, expect, type Locator, type Page } from '@playwright/test';
import { openVisitorSocket } from './visitorSocket.ts';

/**
 * Actors for the browser tests: agents signed in to the PWA and webchat visitors on the demo
 * shop page, each in its own browser context (its own storage, like separate people on separate
 * machines). Everything is found by role and accessible name, as a user (or a screen reader)
 * would find it.
 */

export const DEMO_PASSWORD = 'switchboard';
export const AGENTS = {
  dana: { email: 'dana@example.com', name: 'Dana Reyes' },
  lee: { email: 'lee@example.com', name: 'Lee Chen' },
  sam: { email: 'sam@example.com', name: 'Sam Patel' },
} as const;
export type AgentKey = keyof typeof AGENTS;

export const baseURL = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 3311)}`;

/** A name no other test (or earlier run against the same server) uses. */
export function unique(prefix: string): string {
  return `${prefix} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ---- agents --------------------------------------------------------------------------------

export interface Agent {
  context: BrowserContext;
  page: Page;
}

/** Fills the sign-in form and waits for the inbox. */
export async function signIn(page: Page, who: AgentKey): Promise<void> {
  await page.goto('/signin');
  await page.getByRole('textbox', { name: 'Email' }).fill(AGENTS[who].email);
  await page.getByRole('textbox', { name: 'Password' }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('searchbox', { name: 'Search conversations' })).toBeVisible();
}

/** A new browser context (a separate device) signed in as the agent, with the inbox online. */
export async function openAgent(browser: Browser, who: AgentKey): Promise<Agent> {
  const context = await newContext(browser);
  const page = await context.newPage();
  await signIn(page, who);
  await expect(connection(page)).toHaveText(/Online/);
  return { context, page };
}

/** The sidebar's connection indicator. */
export function connection(page: Page): Locator {
  return page.getByRole('navigation', { name: 'Inbox' }).getByRole('status');
}

/** The list row (a link) of the conversation whose accessible name starts with the contact name. */
export function row(page: Page, contact: string): Locator {
  return page.getByRole('link', { name: new RegExp(`^${escapeRegExp(contact)},`) });
}

/** The list row whose last message (end of its accessible name) is `text`. */
export function rowWithLastMessage(page: Page, text: string): Locator {
  return page.getByRole('link', { name: new RegExp(`: (Agent: )?${escapeRegExp(text)}$`) });
}

export function thread(page: Page, contact: string): Locator {
  return page.getByRole('log', { name: `Conversation with ${contact}` });
}

export function composer(page: Page, contact: string): Locator {
  return page.getByRole('textbox', { name: `Reply to ${contact}` });
}

/** The thread entry (bubble) that shows `text`. */
export function entry(page: Page, contact: string, text: string): Locator {
  return thread(page, contact).locator('[data-message-id]').filter({ hasText: text });
}

/** Opens a conversation from the list and waits for its thread. */
export async function openConversation(page: Page, contact: string): Promise<void> {
  await row(page, contact).click();
  await expect(page.getByRole('heading', { level: 2, name: contact })).toBeVisible();
  await expect(thread(page, contact)).toBeVisible();
}

/** Types into the composer and presses Enter (reply or internal note). */
export async function send(page: Page, contact: string, text: string, mode: 'Reply' | 'Internal note' = 'Reply'): Promise<void> {
  await page.getByRole('radio', { name: mode }).check();
  const box = composer(page, contact);
  await box.fill(text);
  await box.press('Enter');
  await expect(box).toHaveValue('');
}

// ---- visitors ------------------------------------------------------------------------------

export interface Visitor {
  context: BrowserContext;
  page: Page;
  /** The widget's message log. */
  log: Locator;
  input: Locator;
}

/**
 * A webchat visitor on the demo shop with the chat panel open. With `name`, the visitor is
 * registered under that name first (what a site that knows its visitor would do), so its
 * conversation shows that contact name in the inbox; without it, the widget registers an
 * anonymous "Visitor XXXX" itself.
 */
export async function openVisitor(browser: Browser, name?: string): Promise<Visitor> {
  const context = await newContext(browser);
  if (name) {
    const response = await context.request.post('/webchat/visitors', { data: { workspaceId: 'demo', name } });
    expect(response.ok()).toBe(true);
    const identity = (await response.json()) as { visitorId: string; token: string };
    await context.addInitScript((value) => {
      if (location.pathname !== '/demo/') return; // only the shop page (not blank or opaque documents)
      if (!localStorage.getItem('switchboard-webchat:demo')) localStorage.setItem('switchboard-webchat:demo', value);
    }, JSON.stringify({ visitorId: identity.visitorId, token: identity.token }));
  }
  const page = await context.newPage();
  await page.goto('/demo/');
  await page.getByRole('button', { name: /^Open chat/ }).click();
  const dialog = page.getByRole('dialog', { name: 'Acme Store support' });
  await expect(dialog).toBeVisible();
  return { context, page, log: dialog.getByRole('log', { name: 'Messages' }), input: dialog.getByRole('textbox', { name: 'Message' }) };
}

/** The visitor writes a message and waits until the server has it (no longer "Sending…"). */
export async function visitorSays(visitor: Visitor, text: string): Promise<void> {
  await visitor.input.fill(text);
  await visitor.input.press('Enter');
  const bubble = visitor.log.getByRole('listitem').filter({ hasText: text });
  await expect(bubble).toHaveCount(1);
  await expect(bubble).not.toContainText('Sending…');
}

const uncaught = new WeakMap<BrowserContext, string[]>();

/** A fresh context (a separate device) that remembers uncaught page errors. */
export async function newContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL });
  const errors: string[] = [];
  uncaught.set(context, errors);
  context.on('weberror', (e) => errors.push(String(e.error().stack ?? e.error().message)));
  return context;
}

/** Closes the actors' contexts, then fails if any of their pages threw an uncaught error. */
export async function closeAll(...actors: Array<{ context: BrowserContext } | undefined>): Promise<void> {
  await Promise.all(actors.map((a) => a?.context.close()));
  const errors = actors.flatMap((a) => (a ? (uncaught.get(a.context) ?? []) : []));
  expect(errors, 'uncaught errors in the pages').toEqual([]);
}

// ---- visitors without a browser ------------------------------------------------------------

export interface SocketVisitor {
  name: string;
  /** Writes a message and resolves once the server has stored it. */
  say(text: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * A webchat visitor talking over the widget protocol directly (no browser): a cheap way to make
 * conversations with a known contact name and to have the contact write while the agents watch.
 */
export async function socketVisitor(name: string): Promise<SocketVisitor> {
  const response = await fetch(`${baseURL}/webchat/visitors`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ workspaceId: 'demo', name }),
  });
  expect(response.ok).toBe(true);
  const { token } = (await response.json()) as { token: string };
  const socket = await openVisitorSocket(baseURL, token);
  return {
    name,
    async say(text) {
      const clientMsgId = `e2e${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
      socket.send({ type: 'send', clientMsgId, text });
      await socket.next('message', (m) => m.clientMsgId === clientMsgId);
    },
    close: () => socket.close(),
  };
}
