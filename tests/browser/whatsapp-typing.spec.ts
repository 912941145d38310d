import { expect, test } from '@playwright/test';
import { closeAll, composer, newContext, openAgent, openConversation, row, send, unique } from '../helpers/browserActors.ts';
import { openPhone, uniqueNumber } from '../helpers/customerPhone.ts';

test('WhatsApp: reading marks the customer message read (blue ticks on the phone), typing shows "typing…" until the reply', async ({ browser }) => {
  const dana = await openAgent(browser, 'dana');
  const customer = { context: await newContext(browser) };
  try {
    const name = unique('Wes');
    const phone = await openPhone(await customer.context.newPage(), { channel: 'WhatsApp', number: uniqueNumber(), name });
    const hello = unique('Is my order on its way?');
    await phone.say(hello);
    await expect(phone.line(hello)).toContainText('✓✓ Delivered');

    // The agent opens the conversation: its read mark reaches the customer as blue ticks.
    await expect(row(dana.page, name)).toBeVisible();
    await openConversation(dana.page, name);
    await expect(phone.line(hello)).toContainText('✓✓ Read');
    await expect(dana.page.getByTestId('channel-hints')).toContainText('WhatsApp does not tell us when the customer is typing');

    // The agent types a reply: the phone shows the business typing, until the reply arrives.
    const typing = phone.thread.getByRole('listitem').filter({ hasText: /^typing…$/ });
    await composer(dana.page, name).pressSequentially('It left', { delay: 30 });
    await expect(typing).toBeVisible();
    await phone.page.screenshot({ path: 'test-results/whatsapp-phone-typing.png' });
    await composer(dana.page, name).fill('');
    await send(dana.page, name, 'It left our warehouse today.');
    await expect(phone.line('It left our warehouse today.')).toBeVisible();
    await expect(typing).toHaveCount(0);
  } finally {
    await closeAll(dana, customer);
  }
});
