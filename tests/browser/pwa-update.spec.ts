import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { closeAll, openAgent } from '../helpers/browserActors.ts';

// The server reads dist/ from disk on each request: a changed sw.js is a new version.
const SW = join(import.meta.dirname, '..', '..', 'dist', 'sw.js');

test('a new version waiting: the app says so accessibly, and Reload switches to it', async ({ browser }) => {
  const agent = await openAgent(browser, 'dana');
  const { page } = agent;
  const original = readFileSync(SW);
  try {
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    const prompt = page.getByRole('status').filter({ hasText: 'A new version is available.' });
    await expect(prompt).toBeHidden();

    // Round 1: a tab open since the very first install (it had no controller when it registered);
    // round 2: a tab loaded under the service worker.
    for (const round of [1, 2]) {
      // Deploy a new service worker, and let the browser look for it (as it does on navigation).
      writeFileSync(SW, Buffer.concat([original, Buffer.from(`\n// new version ${round}\n`)]));
      await page.evaluate(async () => {
        await (await navigator.serviceWorker.getRegistration())?.update();
      });
      await expect(prompt).toBeVisible();
      await expect(prompt.getByRole('button', { name: 'Reload' })).toBeVisible();
      await expect(prompt.getByRole('button', { name: 'Later' })).toBeVisible();
      expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting !== null)).toBe(true);
      await page.screenshot({ path: `test-results/pwa-update-prompt-${round}.png` });

      // Reload activates the waiting worker and reloads the page under it.
      await page.evaluate(() => Object.assign(window, { beforeUpdate: true }));
      await prompt.getByRole('button', { name: 'Reload' }).click();
      const reloaded = () => page.evaluate(() => !('beforeUpdate' in window)).catch(() => false);
      await expect.poll(reloaded).toBe(true);
      await expect(page.getByRole('searchbox', { name: 'Search conversations' })).toBeVisible();
      await expect.poll(() => page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting ?? null)).toBeNull();
      await expect(page.getByRole('status').filter({ hasText: 'A new version is available.' })).toBeHidden();
    }
  } finally {
    writeFileSync(SW, original);
    await closeAll(agent);
  }
});
