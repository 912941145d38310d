import { expect, test } from '@playwright/test';
import { AGENTS, DEMO_PASSWORD, row, signIn } from '../helpers/browserActors.ts';

test('a wrong password shows an alert; the right one opens the inbox with the seeded conversations', async ({ page }) => {
  const errors: Error[] = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto('/');
  await expect(page).toHaveURL(/\/signin$/);

  await page.getByRole('textbox', { name: 'Email' }).fill(AGENTS.dana.email);
  await page.getByRole('textbox', { name: 'Password' }).fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page.getByRole('searchbox', { name: 'Search conversations' })).toHaveCount(0);

  await page.getByRole('textbox', { name: 'Password' }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('navigation', { name: 'Inbox' })).toContainText('Acme Support');
  await expect(page.getByRole('navigation', { name: 'Inbox' })).toContainText(AGENTS.dana.name);
  await expect(page.getByRole('list', { name: /^All conversations, \d+ conversations/ })).toBeVisible();
  // The list is virtualised and other tests add conversations: find each seeded one by name.
  const search = page.getByRole('searchbox', { name: 'Search conversations' });
  for (const contact of ['Maya Thompson', 'Jonas Berg', 'Priya Nair', 'Carlos Mendes', 'Emma Wilson', 'Kenji Watanabe', 'Fatima Al-Sayed', 'Olivia Brown']) {
    await search.fill(contact);
    await expect(row(page, contact)).toBeVisible();
  }
  await search.fill('Maya');
  await expect(row(page, 'Maya Thompson')).toHaveAccessibleName(/, Webchat, resolved, assigned to Dana Reyes, /);
  await search.fill('Olivia');
  await expect(row(page, 'Olivia Brown')).toHaveAccessibleName(/, Webchat, open, unassigned, .*forest green\?$/);
  expect(errors, 'uncaught errors in the page').toEqual([]);
});

test('signing out forgets the local copy: the list snapshot and the database go with the session', async ({ page }) => {
  await signIn(page, 'dana');
  await expect(page.getByRole('list', { name: /^All conversations, \d+ conversations/ })).toBeVisible();

  const localCopies = () =>
    page.evaluate(async () => ({
      snapshots: Object.keys(localStorage).filter((k) => k.startsWith('switchboard.snapshot:')).length,
      databases: (await indexedDB.databases()).filter((d) => d.name?.startsWith('switchboard:')).length,
    }));
  // The first-screen snapshot is written once the index document is in and changes settle.
  await expect.poll(localCopies, { timeout: 15_000 }).toEqual({ snapshots: 1, databases: 1 });

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await expect.poll(localCopies).toEqual({ snapshots: 0, databases: 0 });
  await page.reload();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByRole('list', { name: /conversations/ })).toHaveCount(0);
});
