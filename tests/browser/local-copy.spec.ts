import { expect, test } from '@playwright/test';
import { closeAll, newContext, row, signIn, thread } from '../helpers/browserActors.ts';

const WARNING = 'This browser is not keeping your inbox on this device';

test('a browser that keeps nothing on the device (IndexedDB off) still works online, and the agent is told what that means', async ({ browser }) => {
  const context = await newContext(browser);
  // As in a private window that refuses storage: no IndexedDB at all.
  await context.addInitScript(() => Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true }));
  const page = await context.newPage();
  await signIn(page, 'lee');

  const warning = page.getByRole('status').filter({ hasText: WARNING });
  await expect(warning).toBeVisible();
  await expect(warning).toContainText('drafts and unsent messages are lost if you go offline and close this tab');

  // Online, everything works from memory: the list and a conversation's history.
  await page.getByRole('searchbox', { name: 'Search conversations' }).fill('Kenji');
  await row(page, 'Kenji Watanabe').click();
  await expect(thread(page, 'Kenji Watanabe')).toContainText('And how long would it take to Osaka?');

  await warning.getByRole('button', { name: 'Dismiss' }).click();
  await expect(warning).toHaveCount(0);
  await closeAll({ context });
});

test('with IndexedDB there is no such warning, once the local copy is being written', async ({ browser }) => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await signIn(page, 'lee');
  // The store is open and writing (this happens after it knows whether it can keep a copy).
  await expect
    .poll(() =>
      page.evaluate(async () => {
        const name = (await indexedDB.databases()).find((d) => d.name?.startsWith('switchboard:'))?.name;
        if (!name) return 0;
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const open = indexedDB.open(name);
          open.onsuccess = () => resolve(open.result);
          open.onerror = () => reject(open.error);
        });
        try {
          if (!db.objectStoreNames.contains('updates')) return 0;
          return await new Promise<number>((resolve) => {
            const count = db.transaction('updates').objectStore('updates').count();
            count.onsuccess = () => resolve(count.result);
          });
        } finally {
          db.close();
        }
      }),
    )
    .toBeGreaterThan(0);
  await expect(page.getByText(WARNING)).toHaveCount(0);
  await closeAll({ context });
});
