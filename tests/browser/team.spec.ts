import { expect, test } from '@playwright/test';
import { newContext, openAgent, unique } from '../helpers/browserActors.ts';

/** Settings > Team members: invite by one-time link, join, deactivate (TEAM3, TEAM4). */
test('an admin invites an agent who joins and signs in; deactivating signs them out at once', async ({ browser }) => {
  const dana = await openAgent(browser, 'dana');
  const name = unique('Nora');
  const email = `${name.toLowerCase().replace(/\s+/g, '.')}@example.com`;

  await dana.page.getByRole('link', { name: 'Settings' }).click();
  await dana.page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Team members' }).click();
  const table = dana.page.getByRole('table', { name: 'Team members' });
  await expect(table.getByRole('rowheader', { name: /Lee Chen/ })).toBeVisible();

  await dana.page.getByRole('button', { name: 'Invite member' }).click();
  const dialog = dana.page.getByRole('dialog', { name: 'Invite a team member' });
  await dialog.getByRole('textbox', { name: 'Name' }).fill(name);
  await dialog.getByRole('textbox', { name: 'Email' }).fill(email);
  await dialog.getByRole('combobox', { name: 'Role' }).selectOption('agent');
  await dialog.getByRole('button', { name: 'Create invite link' }).click();
  const link = await dana.page.getByRole('textbox', { name: 'Invite link' }).inputValue();
  expect(link).toMatch(/\/invite#/);
  await expect(table.getByRole('row', { name: new RegExp(name) })).toContainText('Invited');

  // The invitee, on another device, opens the link and chooses a password.
  const nora = await newContext(browser);
  const page = await nora.newPage();
  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'Join Acme Support' })).toBeVisible();
  await page.getByLabel('New password').fill('nora-password-1');
  await page.getByLabel('Repeat password').fill('nora-password-1');
  await page.getByRole('button', { name: 'Join and sign in' }).click();
  await expect(page.getByRole('searchbox', { name: 'Search conversations' })).toBeVisible();
  await expect(table.getByRole('row', { name: new RegExp(name) })).toContainText('Active');

  // The link is used up.
  const again = await (await newContext(browser)).newPage();
  await again.goto(link);
  await expect(again.getByRole('alert')).toContainText(/invalid, used or expired/);

  await dana.page.getByRole('button', { name: `Deactivate ${name}` }).click();
  await dana.page.getByRole('alertdialog', { name: `Deactivate ${name}?` }).getByRole('button', { name: 'Deactivate' }).click();
  await expect(dana.page.getByRole('status').filter({ hasText: 'is deactivated' })).toBeVisible();
  await expect(table.getByRole('row', { name: new RegExp(name) })).toContainText('Deactivated');

  // Nora's open inbox is signed out at once, and she cannot sign in again.
  await expect(page.getByRole('heading', { name: 'Sign in to your inbox' })).toBeVisible();
  await page.getByRole('textbox', { name: 'Email' }).fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill('nora-password-1');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('Wrong email or password');

  await dana.page.screenshot({ path: '.tmp/team-settings.png' });
});
