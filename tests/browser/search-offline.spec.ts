import { expect, type Page, test } from '@playwright/test';
import { closeAll, connection, openAgent, row, socketVisitor, unique } from '../helpers/browserActors.ts';

const search = (page: Page) => page.getByRole('searchbox', { name: 'Search conversations' });
const rows = (page: Page) => page.getByRole('link', { name: /, last message / });

test('search filters by contact name and by message words while offline', async ({ browser }) => {
  const word = `zebrafish${Date.now().toString(36)}`;
  const visitor = await socketVisitor(unique('Search Sven'));
  await visitor.say(`Is the ${word} tank still in stock?`);
  await visitor.close();
  const lee = await openAgent(browser, 'lee');
  const { page } = lee;
  try {
    await expect(row(page, visitor.name)).toBeVisible();
    // The device indexes recent conversations in the background; search is local either way.
    await search(page).fill(word);
    await expect(rows(page)).toHaveCount(1);
    await search(page).fill('');
    await expect.poll(() => rows(page).count()).toBeGreaterThan(1);

    await lee.context.setOffline(true);
    await expect(connection(page)).toContainText('Offline');

    await search(page).fill(visitor.name.split(' ')[2] ?? '');
    await expect(rows(page)).toHaveCount(1);
    await expect(row(page, visitor.name)).toBeVisible();

    await search(page).fill('osaka'); // a word from a seeded message to Kenji Watanabe
    await expect(row(page, 'Kenji Watanabe')).toBeVisible();
    await expect(rows(page)).toHaveCount(1);

    await search(page).fill(word.slice(0, -2)); // the last word matches as a prefix
    await expect(row(page, visitor.name)).toBeVisible();
    await expect(rows(page)).toHaveCount(1);

    await search(page).fill('Maya');
    await expect(row(page, 'Maya Thompson')).toBeVisible();
    await expect(row(page, visitor.name)).toHaveCount(0);

    await search(page).fill('nothingmatchesthisword');
    await expect(rows(page)).toHaveCount(0);
    await expect(page.getByText('No conversations match your search.')).toBeVisible();

    // Escape clears the search: every conversation is back.
    await search(page).press('Escape');
    await expect(search(page)).toHaveValue('');
    await expect(row(page, visitor.name)).toBeVisible();
    await expect.poll(() => rows(page).count()).toBeGreaterThan(1);
  } finally {
    await closeAll(lee);
  }
});
