import { expect, type Page, test } from '@playwright/test';
import { closeAll, composer, openAgent, openConversation, row, socketVisitor, unique } from '../helpers/browserActors.ts';

/**
 * Vertical position of a row in the list (rows are absolutely placed). The list is virtualised
 * and stays scrolled to the top here, so a row that is not rendered is below the window.
 */
async function top(page: Page, contact: string): Promise<number> {
  const box = await row(page, contact).boundingBox();
  return box ? box.y : Number.POSITIVE_INFINITY;
}

const unreadInTitle = async (page: Page) => Number(/^\((\d+)\) Switchboard$/.exec(await page.title())?.[1] ?? 0);

test('the list sort is a labelled control kept in the prefs; rows move without losing selection or draft; the title shows unread', async ({ browser }) => {
  const first = await socketVisitor(unique('Sort Ada'));
  const second = await socketVisitor(unique('Sort Bea'));
  await first.say('I wrote first');
  await second.say('I wrote second');
  const dana = await openAgent(browser, 'dana');
  const { page } = dana;
  const sort = page.getByRole('combobox', { name: 'Sort conversations' });
  try {
    await expect(row(page, second.name)).toBeVisible();
    await expect(sort).toHaveValue('activity');
    expect(await top(page, second.name)).toBeLessThan(await top(page, first.name));
    await expect.poll(() => unreadInTitle(page)).toBeGreaterThanOrEqual(2);

    // Open the first one and start a draft: new activity elsewhere moves rows, nothing is lost.
    await openConversation(page, first.name);
    await composer(page, first.name).fill('Draft in progress');
    const before = await unreadInTitle(page);
    await second.say('Anyone?');
    await expect.poll(() => unreadInTitle(page)).toBe(before + 1);
    await expect(row(page, first.name)).toHaveAttribute('aria-current', 'page');
    await expect(composer(page, first.name)).toHaveValue('Draft in progress');

    // Oldest waiting first: the conversation waiting longest goes on top, and stays there.
    await sort.selectOption({ label: 'Oldest waiting first' });
    await expect(page.getByRole('list', { name: /oldest waiting for a reply first$/ })).toBeVisible();
    // Earlier tests leave other visitors waiting longer; searching keeps the chosen order and
    // keeps both rows of this test in view.
    await page.getByRole('searchbox', { name: 'Search conversations' }).fill('Sort');
    await expect(page.getByRole('list', { name: /oldest waiting for a reply first$/ }).getByRole('link')).toHaveCount(2);
    await composer(page, first.name).fill('');
    await page.getByRole('textbox', { name: `Reply to ${first.name}` }).fill('Sorry for the wait');
    await page.getByRole('textbox', { name: `Reply to ${first.name}` }).press('Enter');
    // Answered, the first one is no longer waiting: the second (still waiting) sorts above it.
    await expect.poll(async () => (await top(page, second.name)) < (await top(page, first.name))).toBe(true);
    await second.say('Still here');
    await expect.poll(async () => (await top(page, second.name)) < (await top(page, first.name))).toBe(true);

    // The choice is the agent's preference: it survives a reload.
    await page.reload();
    await expect(sort).toHaveValue('waiting');
    await page.screenshot({ path: 'test-results/list-sort.png' });
  } finally {
    await sort.selectOption('activity').catch(() => {});
    await expect(sort).toHaveValue('activity').catch(() => {});
    await closeAll(dana);
    await Promise.all([first.close(), second.close()]);
  }
});
