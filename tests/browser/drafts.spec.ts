import { expect, test } from '@playwright/test';
import { closeAll, composer, connection, entry, openAgent, openConversation, row, socketVisitor, unique } from '../helpers/browserActors.ts';

test('drafts are kept per conversation, across switching and reloads, also offline', async ({ browser }) => {
  const a = await socketVisitor(unique('Draft Anna'));
  const b = await socketVisitor(unique('Draft Bert'));
  await a.say('Question from Anna');
  await b.say('Question from Bert');
  const lee = await openAgent(browser, 'lee');
  const { page } = lee;
  try {
    await openConversation(page, a.name);
    await composer(page, a.name).fill('Draft for Anna');
    await openConversation(page, b.name);
    await expect(composer(page, b.name)).toHaveValue('');
    await composer(page, b.name).fill('Draft for Bert');

    await openConversation(page, a.name);
    await expect(composer(page, a.name)).toHaveValue('Draft for Anna');
    await expect(row(page, b.name)).toHaveAccessibleName(/, draft,/);

    await page.reload();
    await expect(composer(page, a.name)).toHaveValue('Draft for Anna');
    await expect(entry(page, a.name, 'Question from Anna')).toBeVisible();
    await openConversation(page, b.name);
    await expect(composer(page, b.name)).toHaveValue('Draft for Bert');
    await expect(entry(page, b.name, 'Question from Bert')).toBeVisible();

    // Typed right before the reload: no time to sync anything.
    await composer(page, b.name).fill('Draft for Bert, edited just before reload');
    await page.reload();
    await expect(composer(page, b.name)).toHaveValue('Draft for Bert, edited just before reload');

    // The same offline: the app shell comes from the service worker, the draft from IndexedDB.
    await expect(connection(page)).toHaveText(/Online/);
    await lee.context.setOffline(true);
    await expect(connection(page)).toContainText('Offline');
    await composer(page, b.name).fill('Offline draft for Bert');
    await page.reload();
    await expect(connection(page)).toContainText('Offline');
    await expect(composer(page, b.name)).toHaveValue('Offline draft for Bert');
    await expect(entry(page, b.name, 'Question from Bert')).toBeVisible();
    await openConversation(page, a.name);
    await expect(composer(page, a.name)).toHaveValue('Draft for Anna');

    // Back online, the offline edit reaches the server: a fresh device sees it.
    await lee.context.setOffline(false);
    await expect(connection(page)).toHaveText(/Online/);
    const other = await openAgent(browser, 'lee');
    try {
      await openConversation(other.page, b.name);
      await expect(composer(other.page, b.name)).toHaveValue('Offline draft for Bert');
    } finally {
      await closeAll(other);
    }
  } finally {
    await closeAll(lee);
    await Promise.all([a.close(), b.close()]);
  }
});
