import { expect, test } from '@playwright/test';
import { baseURL, closeAll, composer, openAgent, row, unique } from '../helpers/browserActors.ts';
import { openVisitorSocket } from '../helpers/visitorSocket.ts';

async function visitor(name: string, text: string) {
  const response = await fetch(`${baseURL}/webchat/visitors`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ workspaceId: 'demo', name }),
  });
  const { token } = (await response.json()) as { token: string };
  const socket = await openVisitorSocket(baseURL, token);
  const clientMsgId = `ct${Date.now().toString(36)}`;
  socket.send({ type: 'send', clientMsgId, text });
  await socket.next('message', (m) => m.clientMsgId === clientMsgId);
  return socket;
}

test('editing a contact’s company fills {{company}} in the composer preview, live for another agent too', async ({ browser }) => {
  const name = unique('Rosa Delgado');
  const socket = await visitor(name, 'Hi, question about a bulk order');
  const sam = await openAgent(browser, 'sam');
  const lee = await openAgent(browser, 'lee');
  try {
    const { page } = sam;
    await row(page, name).click();
    const box = composer(page, name);
    await box.fill('Hi {{first_name}}, thanks for writing on behalf of {{company|your team}}!');
    const preview = page.getByRole('region', { name: /Preview/ });
    await expect(preview).toContainText('on behalf of your team');

    // Lee has the same conversation open and will see the edit arrive.
    await row(lee.page, name).click();
    await lee.page.getByRole('button', { name: 'Contact details' }).click();
    const leePanel = lee.page.getByRole('complementary', { name: 'Contact details' });
    await expect(leePanel.getByText('Not set').first()).toBeVisible();
    // No first name in the profile: the panel shows what {{first_name}} gives, from the name.
    const [first] = name.split(' ');
    await expect(leePanel.getByRole('definition').first()).toHaveText(`${first} (from the name)`);

    await page.getByRole('button', { name: 'Contact details' }).click();
    const panel = page.getByRole('complementary', { name: 'Contact details' });
    await panel.getByRole('button', { name: 'Edit profile' }).click();
    const form = panel.getByRole('form', { name: 'Edit contact' });
    await form.getByRole('textbox', { name: 'Company' }).fill('Northwind Traders');
    await form.getByRole('textbox', { name: 'First name' }).fill('Rosa');
    await form.getByRole('button', { name: 'Add attribute' }).click();
    await form.getByRole('textbox', { name: 'Attribute 1 key' }).fill('plan');
    await form.getByRole('textbox', { name: 'Attribute 1 value' }).fill('Enterprise');
    await form.getByRole('button', { name: 'Save contact' }).click();
    await expect(panel.getByText('Northwind Traders').first()).toBeVisible();
    await expect(preview).toContainText('Hi Rosa, thanks for writing on behalf of Northwind Traders!');

    await expect(leePanel.getByText('Northwind Traders').first()).toBeVisible();
    await expect(leePanel.getByText('Enterprise')).toBeVisible();
    await page.screenshot({ path: '.tmp/contact-panel.png' });

    // A bad email is refused by the server with its reason; nothing changes.
    await panel.getByRole('button', { name: 'Edit profile' }).click();
    await form.getByRole('textbox', { name: 'Email' }).fill('not-an-email');
    await form.getByRole('button', { name: 'Save contact' }).click();
    await expect(panel.getByRole('alert')).toContainText('email');
    await form.getByRole('button', { name: 'Cancel' }).click();
    await page.keyboard.press('Escape');
    await expect(panel).toBeHidden();
    await expect(page.getByRole('button', { name: 'Contact details' })).toBeFocused();

    await box.press('Enter');
    await expect(box).toHaveValue('');
    const got = await socket.next('message', (m) => m.message.from === 'agent');
    expect(got.message.text).toBe('Hi Rosa, thanks for writing on behalf of Northwind Traders!');
  } finally {
    await socket.close();
    await closeAll(sam, lee);
  }
});

test('a lead merges two webchat sessions of one person into one contact', async ({ browser }) => {
  const first = unique('Kofi Mensah');
  const second = unique('K. Mensah');
  const a = await visitor(first, 'Hello from my laptop');
  const b = await visitor(second, 'Hello again from my phone');
  const lee = await openAgent(browser, 'lee');
  try {
    const { page } = lee;
    await row(page, first).click();
    await page.getByRole('button', { name: 'Contact details' }).click();
    const panel = page.getByRole('complementary', { name: 'Contact details' });
    await panel.getByRole('searchbox', { name: 'Find a contact to merge' }).fill(second);
    await panel.getByRole('button', { name: `Merge ${second} into this contact` }).click();
    await page.getByRole('alertdialog', { name: `Merge ${second} into ${first}?` }).getByRole('button', { name: 'Merge' }).click();
    // Both conversations now show the one contact.
    await expect(row(page, second)).toHaveCount(0);
    await expect(row(page, first)).toHaveCount(2);
    await expect(page.getByText(/Contact merged by Lee Chen/)).toBeVisible();
  } finally {
    await a.close();
    await b.close();
    await closeAll(lee);
  }
});
