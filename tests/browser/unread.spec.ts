import { expect, test } from '@playwright/test';
import { closeAll, entry, openAgent, openConversation, row, socketVisitor, unique } from '../helpers/browserActors.ts';

test('a visitor message raises the unread count live; opening the conversation clears it', async ({ browser }) => {
  const visitor = await socketVisitor(unique('Unread Una'));
  const other = await socketVisitor(unique('Unread Otto'));
  await visitor.say('First question');
  await other.say('Something else');
  const dana = await openAgent(browser, 'dana');
  const { page } = dana;
  try {
    await openConversation(page, other.name);
    await expect(row(page, visitor.name)).toHaveAccessibleName(/^Unread Una \w+, 1 unread, /);

    await visitor.say('Second question');
    await expect(row(page, visitor.name)).toHaveAccessibleName(/, 2 unread, .*Second question$/);
    await expect(row(page, visitor.name)).toContainText('2');

    await openConversation(page, visitor.name);
    await expect(entry(page, visitor.name, 'Second question')).toBeVisible();
    await expect(row(page, visitor.name)).not.toHaveAccessibleName(/unread/);
    await expect(row(page, visitor.name)).toHaveAttribute('aria-current', 'page');

    // While it is open, new messages are read at once.
    await visitor.say('Third question');
    await expect(entry(page, visitor.name, 'Third question')).toBeVisible();
    await expect(row(page, visitor.name)).toHaveAccessibleName(/Third question$/);
    await expect(row(page, visitor.name)).not.toHaveAccessibleName(/unread/);

    // Away from it again, the count starts over; the read mark survives a reload.
    await openConversation(page, other.name);
    await visitor.say('Fourth question');
    await expect(row(page, visitor.name)).toHaveAccessibleName(/, 1 unread, .*Fourth question$/);
    await page.reload();
    await expect(row(page, visitor.name)).toHaveAccessibleName(/, 1 unread, .*Fourth question$/);
  } finally {
    await closeAll(dana);
    await Promise.all([visitor.close(), other.close()]);
  }
});
