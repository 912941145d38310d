import { expect, test } from '@playwright/test';
import { signIn } from '../helpers/browserActors.ts';

test('a link to a conversation that never existed says so, offers nothing to write into, and the inbox keeps working', async ({ page }) => {
  await signIn(page, 'dana');
  await page.goto('/c/neverCreatedConversation');
  await expect(page.getByText('This conversation does not exist.')).toBeVisible();
  await expect(page.getByRole('textbox', { name: /^Reply to/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Resolve' })).toBeDisabled();
  // The rest of the inbox keeps working: the list is there and a real conversation opens.
  await page.getByRole('searchbox', { name: 'Search conversations' }).fill('Olivia');
  await page.getByRole('link', { name: /^Olivia Brown/ }).click();
  await expect(page.getByRole('textbox', { name: 'Reply to Olivia Brown' })).toBeVisible();
});
