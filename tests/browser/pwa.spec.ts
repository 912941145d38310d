import { expect, test } from '@playwright/test';
import { closeAll, connection, openAgent, row } from '../helpers/browserActors.ts';

test('the app is an installable PWA whose shell loads offline', async ({ browser }) => {
  const agent = await openAgent(browser, 'dana');
  const { page, context } = agent;
  try {
    const manifestHref = await page.locator('link[rel="manifest"]').getAttribute('href');
    expect(manifestHref).toBeTruthy();
    const manifest = await (await context.request.get(new URL(manifestHref ?? '', page.url()).href)).json();
    expect(manifest).toMatchObject({ display: 'standalone' });
    expect(manifest.name).toBeTruthy();
    expect(manifest.icons.length).toBeGreaterThan(0);

    // The service worker is registered, active, and (after the first load) controls the page.
    await expect.poll(() => page.evaluate(async () => (await navigator.serviceWorker.ready).active?.state)).toBe('activated');
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

    // A conversation read online stays readable offline.
    await page.getByRole('searchbox', { name: 'Search conversations' }).fill('Kenji');
    await row(page, 'Kenji Watanabe').click();
    const log = page.getByRole('log', { name: 'Conversation with Kenji Watanabe' });
    await expect(log).toContainText('Do you ship to Japan?');

    // Offline reload of this deep link: the shell comes from the cache, the data from IndexedDB.
    await context.setOffline(true);
    await expect(connection(page)).toContainText('Offline');
    const reloaded = await page.reload();
    expect(reloaded?.fromServiceWorker()).toBe(true);
    await expect(connection(page)).toContainText('Offline');
    await expect(page.getByRole('heading', { level: 2, name: 'Kenji Watanabe' })).toBeVisible();
    await expect(log).toContainText('And how long would it take to Osaka?');

    // And the inbox itself, opened offline from the root URL.
    await page.goto('/');
    await expect(page.getByRole('searchbox', { name: 'Search conversations' })).toBeVisible();
    await expect(page.getByRole('list', { name: /^All conversations, \d+ conversations/ })).toBeVisible();
    await expect.poll(() => page.getByRole('link', { name: /, last message / }).count()).toBeGreaterThan(5);
    await context.setOffline(false);
    await expect(connection(page)).toHaveText(/Online/);
  } finally {
    await closeAll(agent);
  }
});
