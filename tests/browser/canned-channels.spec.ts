import { expect, test } from '@playwright/test';
import { closeAll, composer, entry, openAgent, openConversation, row, unique } from '../helpers/browserActors.ts';
import { customerMails, mailbox, uniqueAddress } from '../helpers/customerMail.ts';
import { simPost, simulatorUrl, uniqueNumber } from '../helpers/customerPhone.ts';

/** Opens the canned-response browser, finds "Return policy" and inserts it for review. */
async function insertReturnPolicy(page: import('@playwright/test').Page, contact: string): Promise<void> {
  await page.getByRole('button', { name: 'Canned responses' }).click();
  const dialog = page.getByRole('dialog', { name: 'Canned responses' });
  await expect(dialog.getByRole('searchbox', { name: 'Search canned responses' })).toBeFocused();
  await page.keyboard.type('return');
  await dialog.getByRole('button', { name: /Return policy/ }).click();
  await expect(dialog).toBeHidden();
  await expect(composer(page, contact)).toHaveValue(/Returns are \*\*free within 30 days\*\*/);
}

test('a canned response with rich formatting goes out as HTML + plain alternative on email, and with WhatsApp’s own markers on WhatsApp', async ({ browser }) => {
  const lee = await openAgent(browser, 'lee');
  const { page } = lee;
  try {
    // Email: the customer writes in, the agent inserts the canned response, reviews and sends it.
    const mailName = unique('Gwen Park');
    const address = uniqueAddress(mailName);
    expect(await customerMails({ from: address, name: mailName, subject: 'Returning boots', text: unique('How do I return boots?') })).toBe(250);
    await openConversation(page, mailName);
    await insertReturnPolicy(page, mailName);
    await page.getByRole('button', { name: 'Send' }).click();
    await expect(entry(page, mailName, 'Returns are free within 30 days of delivery')).toBeVisible();

    const ourMail = async () => (await mailbox(address)).find((m) => m.direction === 'in');
    await expect.poll(async () => (await ourMail())?.text ?? '', { message: 'the reply in the customer’s mailbox' }).toContain('Returns are free');
    const mail = await ourMail();
    // Plain-text part: no markers, links spelled out, numbered steps.
    expect(mail?.text).toContain('Returns are free within 30 days of delivery:');
    expect(mail?.text).toContain('1. Open your orders (https://acme.example/orders)');
    expect(mail?.text).toContain('2. Choose Return an item');
    expect(mail?.text).not.toContain('**');
    // HTML part: the same content as markup.
    expect(mail?.html).toContain('<strong>free within 30 days</strong>');
    expect(mail?.html).toContain('<a href="https://acme.example/orders">your orders</a>');
    expect(mail?.html).toContain('<em>Return an item</em>');
    expect(mail?.html).toMatch(/<ol><li>/);

    // WhatsApp: the same canned response uses WhatsApp's *bold* and _italic_.
    const waName = unique('Hugo Lind');
    const number = uniqueNumber().replace(/^\+/, '');
    expect((await simPost('whatsapp/send', { from: number, name: waName, text: unique('Can I return a jacket?') })).switchboardStatus).toBe(200);
    await expect(row(page, waName)).toBeVisible();
    await openConversation(page, waName);
    await insertReturnPolicy(page, waName);
    await page.getByRole('button', { name: 'Send' }).click();
    await expect(entry(page, waName, 'Returns are *free within 30 days* of delivery')).toBeVisible();
    const phoneLine = async () => {
      const threads = (await (await fetch(`${await simulatorUrl()}/_sim/threads`)).json()) as { whatsapp: Record<string, Array<{ direction: string; text: string }>> };
      return threads.whatsapp[number]?.find((l) => l.direction === 'out')?.text ?? '';
    };
    await expect.poll(phoneLine, { message: 'the reply on the phone' }).toContain('*free within 30 days*');
    const line = await phoneLine();
    expect(line).toContain('_Return an item_');
    expect(line).toContain('your orders (https://acme.example/orders)');
    expect(line).not.toContain('<strong>');
  } finally {
    await closeAll(lee);
  }
});
