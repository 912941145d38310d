import { type Browser, expect, type Page, test } from '@playwright/test';
import { baseURL, closeAll, composer, entry, openAgent, row, unique } from '../helpers/browserActors.ts';
import { openVisitorSocket } from '../helpers/visitorSocket.ts';

/** A webchat visitor over the widget protocol who can also read what agents send. */
async function visitor(name: string) {
  const response = await fetch(`${baseURL}/webchat/visitors`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ workspaceId: 'demo', name }),
  });
  const { token } = (await response.json()) as { token: string };
  const socket = await openVisitorSocket(baseURL, token);
  const clientMsgId = `qr${Date.now().toString(36)}`;
  socket.send({ type: 'send', clientMsgId, text: 'Hello, I have a question' });
  await socket.next('message', (m) => m.clientMsgId === clientMsgId);
  return socket;
}

/**
 * A webchat visitor named from `prefix` writes; `agent` signs in and opens that conversation;
 * `body` runs; the visitor's socket and the agent's browser context are closed whatever happens.
 */
async function inConversation(
  browser: Browser,
  agent: Parameters<typeof openAgent>[1],
  prefix: string,
  body: (c: { page: Page; name: string; socket: Awaited<ReturnType<typeof visitor>> }) => Promise<void>,
): Promise<void> {
  const name = unique(prefix);
  const socket = await visitor(name);
  const actor = await openAgent(browser, agent);
  try {
    await row(actor.page, name).click();
    await body({ page: actor.page, name, socket });
  } finally {
    await socket.close();
    await closeAll(actor);
  }
}

test('the / menu by keyboard alone: filter, move, escape, insert with variables filled, send', async ({ browser }) => {
  await inConversation(browser, 'sam', 'Quinn Rivera', async ({ page, name, socket }) => {
    const box = composer(page, name);
    await box.focus();

    await page.keyboard.type('/');
    const menu = page.getByRole('listbox', { name: 'Quick replies' });
    await expect(menu).toBeVisible();
    await expect(box).toHaveAttribute('aria-controls', await menu.getAttribute('id') ?? 'missing');

    await page.keyboard.type('thx');
    const options = menu.getByRole('option');
    await expect(options.first()).toContainText('Thanks and close');
    await expect(options.first()).toHaveAttribute('aria-selected', 'true');
    await expect(box).toHaveAttribute('aria-activedescendant', (await options.first().getAttribute('id')) ?? 'missing');

    // Escape closes the menu and leaves the typed text.
    await page.keyboard.press('Escape');
    await expect(menu).toBeHidden();
    await expect(box).toHaveValue('/thx');

    // Start again: a fuzzy query, arrows move the active option.
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('/refund');
    await expect(menu).toBeVisible();
    await expect(options.first()).toContainText('Refund on its way');
    await page.screenshot({ path: 'test-results/quick-reply-menu.png' });
    const count = await options.count();
    if (count > 1) {
      await page.keyboard.press('ArrowDown');
      await expect(options.nth(1)).toHaveAttribute('aria-selected', 'true');
      await page.keyboard.press('ArrowUp');
    }
    await expect(options.first()).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('Enter');
    await expect(menu).toBeHidden();
    await expect(box).toHaveValue('Your refund is on its way, {{first_name|there}}: it shows on your statement within 5–10 business days.');

    // The preview shows what the contact receives.
    const preview = page.getByRole('region', { name: 'Preview: what the contact will receive' });
    await expect(preview).toContainText('Your refund is on its way, Quinn: it shows');

    await page.keyboard.press('Enter');
    const sent = 'Your refund is on its way, Quinn: it shows on your statement within 5–10 business days.';
    await expect(entry(page, name, sent)).toBeVisible();
    const received = await socket.next('message', (m) => m.message.text === sent);
    expect(received.message.text).toBe(sent);
  });
});

test('a variable typed the way another tool writes it is named before it is sent as typed', async ({ browser }) => {
  await inConversation(browser, 'sam', 'Uma Okafor', async ({ page, name }) => {
    const box = composer(page, name);
    await box.fill('Hi {{contact.first_name}}, one moment');
    const preview = page.getByRole('region', { name: 'Preview: what the contact will receive' });
    await expect(preview).toContainText('Not a variable: {{contact.first_name}} (did you mean {{first_name}}?). The contact will see it as typed');
    await box.fill('Hi {{first_name}}, one moment');
    await expect(preview).toContainText('Preview: what the contact will receive');
    await expect(preview).toContainText('Hi Uma, one moment');
  });
});

test('inserting a canned response from the browser for review, then sending it on webchat', async ({ browser }) => {
  await inConversation(browser, 'lee', 'Rosa Lind', async ({ page, name, socket }) => {
    await page.getByRole('button', { name: 'Canned responses' }).click();
    const dialog = page.getByRole('dialog', { name: 'Canned responses' });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('searchbox', { name: 'Search canned responses' })).toBeFocused();
    await page.keyboard.type('warranty');
    await dialog.getByRole('button', { name: /Lifetime warranty/ }).click();
    await expect(dialog).toBeHidden();
    const box = composer(page, name);
    await expect(box).toHaveValue(/^Thanks \{\{first_name\|there\}\}\. Our \*\*lifetime warranty\*\*/);
    await expect(box).toBeFocused();

    // Reviewed and edited before sending.
    await page.keyboard.press('Control+End');
    await page.keyboard.type(' Talk soon!');
    await page.getByRole('button', { name: 'Send' }).click();
    const sent = 'Thanks Rosa. Our lifetime warranty covers zips, seams and buckles. To start a claim we need:\n\n• a photo of the damage\n• your order number\n\nWe then send a replacement or repair, free of charge. Talk soon!';
    const received = await socket.next('message', (m) => m.message.text === sent);
    expect(received.message.text).toBe(sent);
    await expect(entry(page, name, 'Our lifetime warranty covers zips')).toBeVisible();
  });
});
