import { expect, test } from '@playwright/test';
import { closeAll, composer, openAgent, openConversation, openVisitor, row, thread, unique, visitorSays } from '../helpers/browserActors.ts';

test('typing dots both ways between an agent and a webchat visitor', async ({ browser }) => {
  const name = unique('Typing Tia');
  const visitor = await openVisitor(browser, name);
  await visitorSays(visitor, 'Hello, anyone there?');
  const dana = await openAgent(browser, 'dana');
  try {
    const { page } = dana;
    await openConversation(page, name);
    const dots = page.getByRole('status').filter({ hasText: `${name} is typing…` });
    await expect(dots).toHaveCount(0);

    // The visitor composes: dots under the thread, "typing…" on the row.
    await visitor.input.pressSequentially('I need help with', { delay: 20 });
    await expect(dots).toBeVisible();
    await expect(row(page, name)).toHaveAccessibleName(/, typing, /);
    await expect(row(page, name)).toContainText('typing…');
    await page.screenshot({ path: 'test-results/typing-agent-sees-dots.png' });

    // The message arrives: the dots go at once.
    await visitor.input.pressSequentially(' my order');
    await visitor.input.press('Enter');
    await expect(thread(page, name).getByText('I need help with my order')).toBeVisible();
    await expect(dots).toHaveCount(0);
    await expect(row(page, name)).not.toHaveAccessibleName(/, typing, /);

    // The agent composes a reply: the visitor sees "Dana is typing…"; emptying the draft ends it.
    const widgetTyping = visitor.page.getByText('Dana is typing…');
    await composer(page, name).pressSequentially('Sure, let me', { delay: 20 });
    await expect(widgetTyping).toBeVisible();
    await visitor.page.screenshot({ path: 'test-results/typing-visitor-sees-dots.png' });
    await composer(page, name).fill('');
    await expect(widgetTyping).toHaveCount(0);

    // An internal note never shows dots to the visitor (the server relays replies only); a reply does.
    await page.getByRole('radio', { name: 'Internal note' }).check();
    await composer(page, name).pressSequentially('VIP customer', { delay: 20 });
    await page.getByRole('radio', { name: 'Reply' }).check();
    await expect(widgetTyping).toHaveCount(0);
    await composer(page, name).pressSequentially(', hello', { delay: 20 });
    await expect(widgetTyping).toBeVisible();
  } finally {
    await closeAll(dana, visitor);
  }
});

test('two agents see each other viewing and typing in the same conversation', async ({ browser }) => {
  const name = unique('Typing Theo');
  const visitor = await openVisitor(browser, name);
  await visitorSays(visitor, 'Is the tent waterproof?');
  const dana = await openAgent(browser, 'dana');
  const lee = await openAgent(browser, 'lee');
  try {
    await openConversation(dana.page, name);
    await openConversation(lee.page, name);
    await expect(lee.page.getByRole('group', { name: 'Also viewing: Dana Reyes' })).toContainText('Dana is viewing');
    await expect(dana.page.getByRole('group', { name: 'Also viewing: Lee Chen' })).toBeVisible();

    await composer(dana.page, name).pressSequentially('Yes, it is', { delay: 20 });
    await expect(lee.page.getByText('Dana is typing…').first()).toBeVisible();
    await lee.page.screenshot({ path: 'test-results/typing-two-agents.png' });
    await composer(dana.page, name).press('Enter');
    await expect(lee.page.getByText('Dana is typing…')).toHaveCount(0);
    await expect(lee.page.getByRole('group', { name: 'Also viewing: Dana Reyes' })).toContainText('Dana is viewing');

    // Dana leaves the conversation: Lee no longer sees her there.
    await dana.page.goto('/');
    await expect(lee.page.getByRole('group', { name: /Also viewing/ })).toHaveCount(0);
  } finally {
    await closeAll(dana, lee, visitor);
  }
});
