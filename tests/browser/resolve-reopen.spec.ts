import { expect, test } from '@playwright/test';
import { closeAll, openAgent, openConversation, row, socketVisitor, unique } from '../helpers/browserActors.ts';

test('resolving shows live for another agent, and the visitor writing again reopens it', async ({ browser }) => {
  const visitor = await socketVisitor(unique('Resolve Rita'));
  await visitor.say('Where is my refund?');
  const dana = await openAgent(browser, 'dana');
  const lee = await openAgent(browser, 'lee');
  try {
    await expect(row(lee.page, visitor.name)).toHaveAccessibleName(/, open, /);
    await openConversation(dana.page, visitor.name);
    await dana.page.getByRole('button', { name: 'Resolve' }).click();
    await expect(dana.page.getByRole('button', { name: 'Reopen' })).toBeVisible();
    await expect(dana.page.getByRole('heading', { level: 2, name: visitor.name }).locator('..')).toContainText('Resolved');

    // Lee's list shows it resolved without a reload, and so does the thread when opened.
    await expect(row(lee.page, visitor.name)).toHaveAccessibleName(/, resolved, /);
    await lee.page.getByRole('combobox', { name: 'Status' }).selectOption({ label: 'Resolved' });
    await expect(row(lee.page, visitor.name)).toBeVisible();
    await openConversation(lee.page, visitor.name);
    await expect(lee.page.getByRole('button', { name: 'Reopen' })).toBeVisible();

    // The visitor writes again: open again for both.
    await visitor.say('Actually, one more question');
    await expect(dana.page.getByRole('button', { name: 'Resolve' })).toBeVisible();
    await expect(lee.page.getByRole('button', { name: 'Resolve' })).toBeVisible();
    await expect(row(dana.page, visitor.name)).toHaveAccessibleName(/, open, /);
    // Lee filters on resolved: the reopened conversation leaves that list.
    await expect(row(lee.page, visitor.name)).toHaveCount(0);
    await lee.page.getByRole('combobox', { name: 'Status' }).selectOption({ label: 'Open' });
    await expect(row(lee.page, visitor.name)).toHaveAccessibleName(/, open, /);
  } finally {
    await closeAll(dana, lee);
    await visitor.close();
  }
});
