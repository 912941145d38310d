import { expect, test } from '@playwright/test';
import { closeAll, entry, newContext, openAgent, openConversation, row, send, unique } from '../helpers/browserActors.ts';
import { openPhone, uniqueNumber } from '../helpers/customerPhone.ts';

test('two WhatsApp numbers: a customer writes to Sales, the list and thread show the Sales inbox, the reply arrives from it', async ({ browser }) => {
  const dana = await openAgent(browser, 'dana');
  const customer = { context: await newContext(browser) };
  try {
    const name = unique('Selma');
    const phone = await openPhone(await customer.context.newPage(), { channel: 'WhatsApp', number: uniqueNumber(), name });
    await phone.page.getByRole('combobox', { name: 'To (our number)' }).selectOption({ label: '+15550783882' });
    const hello = unique('Quote for 12 tents?');
    await phone.say(hello);

    await expect(row(dana.page, name)).toHaveAccessibleName(/, WhatsApp, Sales inbox, /);
    await openConversation(dana.page, name);
    await expect(dana.page.locator('.thread-header .inbox-tag')).toHaveText('Sales inbox');
    await expect(entry(dana.page, name, hello)).toBeVisible();
    const reply = unique('Sure, sending a quote');
    await send(dana.page, name, reply);
    await expect(phone.line(reply)).toBeVisible();
    await dana.page.screenshot({ path: '.tmp/sales-inbox.png' });
  } finally {
    await closeAll(dana, customer);
  }
});
