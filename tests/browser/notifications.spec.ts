import { type BrowserContext, expect, type Page, test } from '@playwright/test';
import { closeAll, composer, entry, newContext, openConversation, row, send, signIn, socketVisitor, unique } from '../helpers/browserActors.ts';
import { openMailClient, uniqueAddress } from '../helpers/customerMail.ts';

/**
 * Notifications in Chromium. What is real: the permission (granted through the browser
 * context), the app's own Notification calls, the service worker and its push handler, the
 * server's encrypted Web Push send. What is simulated: the push service (the server's local
 * simulator receives and decrypts the push; the test hands the decrypted payload to the service
 * worker through the DevTools protocol, as the browser's own push channel would), and window
 * focus (an init script lets the test put the window in the background).
 */

interface Shown {
  title: string;
  body: string;
  tag: string;
}

/** Records every `new Notification(...)` of the page and lets the test blur the window. */
async function instrument(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as unknown as { __shown: Array<{ title: string; body: string; tag: string; n: Notification }>; __setFocused: (f: boolean) => void; Notification: typeof Notification };
    w.__shown = [];
    if (typeof Notification !== 'undefined') {
      const Native = Notification;
      w.Notification = class Recorded extends Native {
        constructor(title: string, options?: NotificationOptions) {
          super(title, options);
          w.__shown.push({ title, body: options?.body ?? '', tag: options?.tag ?? '', n: this });
        }
      };
    }
    let focused = true;
    w.__setFocused = (f: boolean) => {
      focused = f;
      window.dispatchEvent(new Event(f ? 'focus' : 'blur'));
    };
    Document.prototype.hasFocus = () => focused;
  });
}

const shown = (page: Page) => page.evaluate(() => (window as unknown as { __shown: Shown[] }).__shown.map(({ title, body, tag }) => ({ title, body, tag })));

/** Sam, with notifications allowed, opted in to unassigned conversations (new webchat visitors). */
async function samWithNotifications(browser: import('@playwright/test').Browser) {
  const context = await newContext(browser);
  await context.grantPermissions(['notifications']);
  await instrument(context);
  const page = await context.newPage();
  await signIn(page, 'sam');
  await page.goto('/settings/notifications');
  const unassigned = page.getByRole('checkbox', { name: /Unassigned conversations too/ });
  // The switches wait for the stored preferences (local copy and server): read them once they are in.
  await expect(unassigned).toBeEnabled();
  if (!(await unassigned.isChecked())) await unassigned.check();
  await expect(unassigned).toBeChecked();
  await page.getByRole('link', { name: 'Back to inbox' }).click();
  await expect(page.getByRole('searchbox', { name: 'Search conversations' })).toBeVisible();
  return { context, page };
}

test('a message in the background makes a browser notification with sender and preview; clicking it opens the conversation', async ({ browser }) => {
  const sam = await samWithNotifications(browser);
  await expect(sam.page.getByRole('region', { name: 'Turn on notifications?' })).toHaveCount(0);
  await sam.page.evaluate(() => (window as unknown as { __setFocused: (f: boolean) => void }).__setFocused(false));
  const visitor = await socketVisitor(unique('Notify Visitor'));
  await visitor.say('Is the Summit tent waterproof?');
  await expect.poll(() => shown(sam.page)).toContainEqual(expect.objectContaining({ title: visitor.name, body: 'Is the Summit tent waterproof?' }));
  // A burst updates the same notification (same tag) instead of adding one per message.
  await visitor.say('And does it fit four people?');
  await expect.poll(async () => (await shown(sam.page)).filter((n) => n.title === visitor.name).at(-1)?.body).toBe('2 new messages · And does it fit four people?');
  const tags = new Set((await shown(sam.page)).filter((n) => n.title === visitor.name).map((n) => n.tag));
  expect(tags.size).toBe(1);

  await sam.page.evaluate(() => {
    const list = (window as unknown as { __shown: Array<{ title: string; n: Notification }> }).__shown;
    list.at(-1)?.n.onclick?.(new Event('click'));
  });
  await expect(sam.page.getByRole('heading', { level: 2, name: visitor.name })).toBeVisible();
  await expect(sam.page).toHaveURL(/\/c\/[0-9a-f]+$/);
  await visitor.close();
  await closeAll(sam);
});

test('a focused window shows an in-app toast instead, and nothing for the conversation it shows', async ({ browser }) => {
  const sam = await samWithNotifications(browser);
  const visitor = await socketVisitor(unique('Toast Visitor'));
  await visitor.say('Hello from the shop');
  const toasts = sam.page.getByRole('region', { name: 'New activity' });
  await expect(toasts.getByRole('status').filter({ hasText: visitor.name })).toContainText('Hello from the shop');
  await openConversation(sam.page, visitor.name);
  const before = (await shown(sam.page)).length;
  await visitor.say('Are you there?');
  await expect(sam.page.getByRole('log', { name: `Conversation with ${visitor.name}` })).toContainText('Are you there?');
  await expect(toasts.getByRole('status').filter({ hasText: 'Are you there?' })).toHaveCount(0);
  expect((await shown(sam.page)).length).toBe(before);
  await visitor.close();
  await closeAll(sam);
});

test('an @mention picked in an internal note is stored as a chip and notifies the teammate', async ({ browser }) => {
  const sam = await samWithNotifications(browser);
  await sam.page.evaluate(() => (window as unknown as { __setFocused: (f: boolean) => void }).__setFocused(false));
  const visitor = await socketVisitor(unique('Mention Visitor'));
  await visitor.say('I need a refund');
  const danaContext = await newContext(browser);
  const dana = await danaContext.newPage();
  await signIn(dana, 'dana');
  await expect(row(dana, visitor.name)).toBeVisible();
  await openConversation(dana, visitor.name);
  await dana.getByRole('radio', { name: 'Internal note' }).check();
  const box = composer(dana, visitor.name);
  await box.fill('Refund approved, ');
  await box.pressSequentially('@Sa');
  const picker = dana.getByRole('listbox', { name: 'Teammates' });
  await expect(picker.getByRole('option', { name: /Sam Patel/ })).toBeVisible();
  await expect(box).toHaveAttribute('aria-activedescendant', /opt-0$/);
  await box.press('Enter');
  await expect(picker).toHaveCount(0);
  await expect(box).toHaveValue('Refund approved, @Sam Patel ');
  await box.pressSequentially('please send it');
  await box.press('Enter');
  await expect(box).toHaveValue('');
  await expect(entry(dana, visitor.name, 'Refund approved').locator('.mention-chip')).toHaveText('@Sam Patel');
  await expect.poll(() => shown(sam.page)).toContainEqual(expect.objectContaining({ title: 'Dana Reyes mentioned you', body: `${visitor.name}: Refund approved, @Sam Patel please send it` }));
  await dana.screenshot({ path: 'test-results/notifications-mention.png' });
  await visitor.close();
  await closeAll(sam, { context: danaContext });
});

test('when the browser refuses permission, a banner says how to re-enable it in the site settings', async ({ browser }) => {
  const context = await newContext(browser);
  await context.grantPermissions([]);
  const page = await context.newPage();
  // What a browser answers when the agent blocks the prompt (headless Chromium cannot show one).
  await page.addInitScript(() => {
    let permission: NotificationPermission = 'default';
    Object.defineProperty(Notification, 'permission', { get: () => permission });
    Notification.requestPermission = async () => {
      permission = 'denied';
      return permission;
    };
  });
  await signIn(page, 'lee');
  const explainer = page.getByRole('region', { name: 'Turn on notifications?' });
  await expect(explainer).toBeVisible();
  await page.screenshot({ path: 'test-results/notifications-explainer.png' });
  await explainer.getByRole('button', { name: 'Enable notifications' }).click();
  const banner = page.getByRole('alert').filter({ hasText: 'Notifications are blocked for Switchboard' });
  await expect(banner).toBeVisible();
  await expect(banner).toContainText(/site settings/i);
  await page.screenshot({ path: 'test-results/notifications-blocked.png' });
  await closeAll({ context });
});

test('a Web Push delivered to the service worker while no app page is open shows a notification', async ({ browser }) => {
  const context = await newContext(browser);
  await context.grantPermissions(['notifications']);
  const page = await context.newPage();
  await signIn(page, 'sam');
  await page.goto('/settings/notifications');
  const unassigned = page.getByRole('checkbox', { name: /Unassigned conversations too/ });
  // The switches wait for the stored preferences (local copy and server): read them once they are in.
  await expect(unassigned).toBeEnabled();
  if (!(await unassigned.isChecked())) await unassigned.check();
  await page.getByRole('textbox', { name: 'Device name' }).fill('Test laptop');
  await page.getByRole('button', { name: /push on this device/ }).click();
  await expect(page.getByRole('list', { name: 'Devices with push' })).toContainText('Test laptop (this device)');
  await page.screenshot({ path: 'test-results/notifications-settings.png', fullPage: true });
  await expect.poll(() => context.serviceWorkers().length).toBeGreaterThan(0);

  // No page of the app stays open: only a blank tab to talk to the browser through.
  const blank = await context.newPage();
  await page.close();
  const cdp = await context.newCDPSession(blank);
  const registrations: Array<{ registrationId: string; scopeURL: string }> = [];
  cdp.on('ServiceWorker.workerRegistrationUpdated', (e: { registrations: Array<{ registrationId: string; scopeURL: string }> }) => registrations.push(...e.registrations));
  await cdp.send('ServiceWorker.enable');
  await expect.poll(() => registrations.length).toBeGreaterThan(0);

  const visitor = await socketVisitor(unique('Push Visitor'));
  await visitor.say('Order #10611 never arrived');
  const pushed = async () => {
    const res = await context.request.get('/demo/push/received');
    const body = (await res.json()) as { received: Array<{ text: string }> };
    return body.received.map((r) => r.text).find((t) => t.includes(visitor.name)) ?? null;
  };
  await expect.poll(pushed).not.toBeNull();
  const received = (await pushed()) ?? '';
  const payload = JSON.parse(received) as { title: string; body: string; tag: string };
  expect(payload).toMatchObject({ title: visitor.name, body: 'Order #10611 never arrived' });

  const registration = registrations.find((r) => r.scopeURL.endsWith('/'));
  expect(registration).toBeDefined();
  // The closed app page must be gone for the service worker too (a window it still counts as
  // focused would get the push in-app instead of a system notification).
  await expect
    .poll(async () => {
      const worker = context.serviceWorkers()[0];
      if (!worker) return -1;
      return worker.evaluate(async () => {
        type WindowClients = { matchAll(o: { type: string; includeUncontrolled: boolean }): Promise<Array<{ url: string }>> };
        const sw = self as unknown as { clients: WindowClients; location: Location };
        const windows = await sw.clients.matchAll({ type: 'window', includeUncontrolled: true });
        return windows.filter((c) => c.url.startsWith(sw.location.origin)).length;
      });
    })
    .toBe(0);
  await cdp.send('ServiceWorker.deliverPushMessage', { origin: new URL(registration?.scopeURL ?? '').origin, registrationId: registration?.registrationId ?? '', data: received });
  await expect
    .poll(async () => {
      const worker = context.serviceWorkers()[0];
      if (!worker) return [];
      return worker.evaluate(async () => {
        const list: Notification[] = await (self as unknown as { registration: ServiceWorkerRegistration }).registration.getNotifications();
        return list.map((n) => ({ title: n.title, body: n.body, tag: n.tag }));
      });
    })
    .toContainEqual({ title: visitor.name, body: 'Order #10611 never arrived', tag: payload.tag });
  await visitor.close();
  await closeAll({ context });
});

test('a preference changed on one device applies on the agent’s other device at once', async ({ browser }) => {
  const contexts = [await newContext(browser), await newContext(browser)];
  const [laptop, phone] = await Promise.all(contexts.map((c) => c.newPage()));
  if (!laptop || !phone) throw new Error('pages');
  for (const page of [laptop, phone]) {
    await signIn(page, 'lee');
    await page.goto('/settings/notifications');
  }
  const box = (page: Page) => page.getByRole('checkbox', { name: 'Sound for mentions in internal notes' });
  const sound = (page: Page) => page.getByRole('combobox', { name: 'Sound for mentions in internal notes' });
  await expect(box(phone)).toBeChecked();
  await expect(box(laptop)).toBeEnabled();
  await box(laptop).uncheck();
  await sound(laptop).selectOption('knock');
  await expect(box(phone)).not.toBeChecked();
  await expect(sound(phone)).toHaveValue('knock');
  await box(phone).check();
  await expect(box(laptop)).toBeChecked();
  await closeAll(...contexts.map((context) => ({ context })));
});

test('a toast never covers the open thread’s actions, however tall its header (email: subject and read hint)', async ({ browser }) => {
  const sam = await samWithNotifications(browser);
  const customer = { context: await newContext(browser) };
  const visitor = await socketVisitor(unique('Toast Visitor'));
  try {
    const name = unique('Tall Header');
    const client = await openMailClient(await customer.context.newPage(), { address: uniqueAddress(name), name });
    await client.write({ subject: unique('Where is the invoice for my order?'), text: unique('Could you send me the invoice?') });
    await openConversation(sam.page, name);

    await visitor.say('Hello from the shop');
    const toast = sam.page.getByRole('region', { name: 'New activity' }).getByRole('status').filter({ hasText: visitor.name });
    await expect(toast).toBeVisible();
    const header = sam.page.locator('.thread-header');
    const [t, h] = [await toast.boundingBox(), await header.boundingBox()];
    expect(t && h && t.y >= h.y + h.height).toBe(true);

    // The actions under it answer clicks while the toast is up (it stays 8 s).
    await sam.page.getByRole('button', { name: 'Resolve' }).click();
    await expect(sam.page.getByRole('button', { name: 'Reopen' })).toBeVisible();
    const details = sam.page.getByRole('button', { name: 'Contact details' });
    await details.click();
    await expect(details).toHaveAttribute('aria-expanded', 'true');
  } finally {
    await visitor.close();
    await closeAll(sam, customer);
  }
});
