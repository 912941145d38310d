import { expect, type Locator, type Page, test } from '@playwright/test';
import { AGENTS, DEMO_PASSWORD, entry, row, socketVisitor, thread, unique } from '../helpers/browserActors.ts';

/** Presses Tab (or Shift+Tab) until `target` has the focus, as a keyboard user would. */
async function tabTo(page: Page, target: Locator, key: 'Tab' | 'Shift+Tab' = 'Tab', max = 25): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement || el.contains(document.activeElement)).catch(() => false)) return;
    await page.keyboard.press(key);
  }
  await expect(target).toBeFocused();
}

test('sign in, pick a conversation, reply and write a note with the keyboard only', async ({ page }) => {
  const errors: Error[] = [];
  page.on('pageerror', (e) => errors.push(e));
  const first = await socketVisitor(unique('Keys Kim'));
  await first.say('Can you hear me?');
  const newest = await socketVisitor(unique('Keys Kai'));
  await newest.say('Hello from the newest conversation');
  try {
    await page.goto('/signin');
    await expect(page.getByRole('textbox', { name: 'Email' })).toBeFocused();
    await page.keyboard.type(AGENTS.sam.email);
    await page.keyboard.press('Tab');
    await expect(page.getByRole('textbox', { name: 'Password' })).toBeFocused();
    await page.keyboard.type(DEMO_PASSWORD);
    await page.keyboard.press('Enter');
    await expect(page.getByRole('searchbox', { name: 'Search conversations' })).toBeVisible();

    // Into the list: one Tab stop for the whole list, arrows move between rows.
    await tabTo(page, row(page, newest.name));
    await expect(row(page, newest.name)).toBeFocused();
    await page.keyboard.press('ArrowDown');
    await expect(row(page, first.name)).toBeFocused();
    await page.keyboard.press('ArrowUp');
    await expect(row(page, newest.name)).toBeFocused();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { level: 2, name: first.name })).toBeVisible();
    await expect(row(page, first.name)).toHaveAttribute('aria-current', 'page');
    await expect(thread(page, first.name)).toContainText('Can you hear me?');

    // To the composer, type and send with Enter (Shift+Enter makes a new line).
    const box = page.getByRole('textbox', { name: `Reply to ${first.name}` });
    await tabTo(page, box);
    await page.keyboard.type('Loud and clear.');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('How can I help?');
    await expect(box).toHaveValue('Loud and clear.\nHow can I help?');
    await page.keyboard.press('Enter');
    await expect(box).toHaveValue('');
    await expect(box).toBeFocused();
    const reply = entry(page, first.name, 'How can I help?');
    await expect(reply).toContainText('Loud and clear.');
    await expect(reply).not.toContainText('Queued');

    // Switch to an internal note with the arrow keys in the radio group.
    await tabTo(page, page.getByRole('radio', { name: 'Reply' }), 'Shift+Tab');
    await page.keyboard.press('ArrowRight');
    await expect(page.getByRole('radio', { name: 'Internal note' })).toBeChecked();
    await tabTo(page, box);
    await page.keyboard.type('Customer checks in a lot, keep it short');
    await page.keyboard.press('Enter');
    await expect(entry(page, first.name, 'keep it short')).toContainText('Internal note');
    expect(errors, 'uncaught errors in the page').toEqual([]);
  } finally {
    await Promise.all([first.close(), newest.close()]);
  }
});
