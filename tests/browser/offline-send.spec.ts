import { expect, test } from '@playwright/test';
import { closeAll, connection, entry, openAgent, openConversation, openVisitor, row, send, unique, visitorSays } from '../helpers/browserActors.ts';

test('a reply sent offline is queued, then delivered exactly once when the connection is back', async ({ browser }) => {
  const contact = unique('Offline Olga');
  const visitor = await openVisitor(browser, contact);
  const dana = await openAgent(browser, 'dana');
  try {
    await visitorSays(visitor, 'My parcel is late');
    await openConversation(dana.page, contact);

    await dana.context.setOffline(true);
    await expect(connection(dana.page)).toContainText('Offline');

    const reply = unique('Sorry for the wait, it ships today');
    await send(dana.page, contact, reply);
    const bubble = entry(dana.page, contact, reply);
    await expect(bubble).toContainText('Queued');
    await expect(connection(dana.page)).toContainText(/waiting to sync/);
    await expect(visitor.log).not.toContainText(reply);
    // The list says which conversation holds it.
    const listed = row(dana.page, contact);
    await expect(listed).toContainText('Waiting to sync');
    await expect(listed).toHaveAccessibleName(/changes waiting to sync/);

    await dana.context.setOffline(false);
    await expect(connection(dana.page)).toHaveText(/Online/);
    await expect(listed).not.toContainText('Waiting to sync');
    await expect(bubble).not.toContainText('Queued');
    await expect(bubble).toContainText(/Sent|Delivered|Read/);
    await expect(bubble).toHaveCount(1);
    const arrived = visitor.log.getByRole('listitem').filter({ hasText: reply });
    await expect(arrived).toHaveCount(1);

    // Still exactly once after the visitor reloads (history from the server).
    await visitor.page.reload();
    await visitor.page.getByRole('button', { name: /^Open chat/ }).click();
    await expect(visitor.log.getByRole('listitem').filter({ hasText: 'My parcel is late' })).toHaveCount(1);
    await expect(visitor.log.getByRole('listitem').filter({ hasText: reply })).toHaveCount(1);
  } finally {
    await closeAll(dana, visitor);
  }
});

test('a webchat reply shows Sent once the server has stored it, also after an offline reload; one written offline stays Queued', async ({ browser }) => {
  const contact = unique('Away Ava');
  const visitor = await openVisitor(browser, contact);
  const dana = await openAgent(browser, 'dana');
  try {
    await visitorSays(visitor, 'Is the blue one back in stock?');
    await visitor.context.close(); // the visitor leaves: nothing can be delivered, Sent is as far as it goes
    await openConversation(dana.page, contact);
    await expect.poll(() => dana.page.evaluate(async () => (await navigator.serviceWorker.ready).active?.state)).toBe('activated');

    const stored = unique('Yes, since this morning');
    await send(dana.page, contact, stored);
    const storedBubble = entry(dana.page, contact, stored);
    await expect(storedBubble.getByTitle('Sent')).toBeVisible();

    await dana.context.setOffline(true);
    await expect(connection(dana.page)).toContainText('Offline');
    const offline = unique('Shall I reserve one for you?');
    await send(dana.page, contact, offline);
    await expect(entry(dana.page, contact, offline)).toContainText('Queued');

    // Reloaded offline: the device still knows which replies the server has.
    await dana.page.reload();
    await expect(connection(dana.page)).toContainText('Offline');
    await expect(storedBubble.getByTitle('Sent')).toBeVisible();
    await expect(entry(dana.page, contact, offline)).toContainText('Queued');

    await dana.context.setOffline(false);
    await expect(connection(dana.page)).toHaveText(/Online/);
    await expect(entry(dana.page, contact, offline).getByTitle('Sent')).toBeVisible();
    await expect(entry(dana.page, contact, offline)).toHaveCount(1);
  } finally {
    await closeAll(dana);
  }
});
