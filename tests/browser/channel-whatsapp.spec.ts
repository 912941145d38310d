import { expect, test } from '@playwright/test';
import { closeAll, composer, entry, newContext, openAgent, openConversation, row, send, unique } from '../helpers/browserActors.ts';
import { openPhone, uniqueNumber } from '../helpers/customerPhone.ts';

test('WhatsApp: a customer writes from the phone page, the agent replies, statuses reach Read; with read receipts off they stay Delivered with a hint', async ({ browser }) => {
  const dana = await openAgent(browser, 'dana');
  const customer = { context: await newContext(browser) };
  try {
    const name = unique('Wanda');
    const phone = await openPhone(await customer.context.newPage(), { channel: 'WhatsApp', number: uniqueNumber(), name });

    // The customer writes: the conversation appears live in the inbox, marked WhatsApp.
    const hello = unique('Hi, where is my parcel?');
    await phone.say(hello);
    await expect(row(dana.page, name)).toHaveAccessibleName(new RegExp(`, WhatsApp, .*${hello.replace(/[?]/g, '\\?')}$`));
    await openConversation(dana.page, name);
    await expect(entry(dana.page, name, hello)).toBeVisible();
    await expect(dana.page.locator('.thread-header').getByText('WhatsApp', { exact: true })).toBeVisible();

    // The composer shows the 24-hour window, and no typing hint (WhatsApp carries typing).
    const hints = dana.page.getByTestId('channel-hints');
    await expect(hints).toContainText(/Window closes in 2[34] h/);
    await expect(hints).not.toContainText('cannot show typing');
    await expect(composer(dana.page, name)).toHaveAccessibleDescription(/Window closes in/);

    // The agent replies: the phone receives it; the bubble goes Sent → Delivered → Read.
    const reply = unique('Hi! It left our warehouse this morning.');
    await send(dana.page, name, reply);
    await expect(phone.line(reply)).toBeVisible();
    const bubble = entry(dana.page, name, reply).locator('.bubble__status');
    await expect(bubble).toHaveText('Delivered');
    await expect(bubble).toHaveText('Read');
    await expect(bubble.locator('.delivery--read')).toBeVisible();
    await expect(phone.line(reply)).toContainText('Read');
    await dana.page.screenshot({ path: '.tmp/screenshots/whatsapp-thread.png' });
    await phone.page.screenshot({ path: '.tmp/screenshots/phone-page.png' });

    // Read receipts off: the next reply stays Delivered; once the customer writes again, the
    // header says read tracking is unavailable for this contact.
    await phone.page.getByRole('checkbox', { name: 'Send read receipts' }).uncheck();
    const second = unique('Tracking number is 1Z999.');
    await send(dana.page, name, second);
    await expect(phone.line(second)).toContainText('Delivered');
    const secondStatus = entry(dana.page, name, second).locator('.bubble__status');
    await expect(secondStatus).toHaveText('Delivered');
    const thanks = unique('Thanks!');
    await phone.say(thanks);
    await expect(entry(dana.page, name, thanks)).toBeVisible();
    await expect(dana.page.locator('.thread-header')).toContainText('Read tracking is unavailable for this contact');
    await expect(secondStatus).toHaveText('Delivered');
  } finally {
    await closeAll(dana, customer);
  }
});
