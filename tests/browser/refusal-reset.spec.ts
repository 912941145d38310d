import { expect, type Page, test } from '@playwright/test';
import { baseURL, closeAll, composer, entry, openAgent, row, socketVisitor, unique } from '../helpers/browserActors.ts';

async function tokenOf(email: string): Promise<{ token: string; id: string }> {
  const res = await fetch(`${baseURL}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'switchboard' }),
  });
  expect(res.ok).toBe(true);
  const body = (await res.json()) as { token: string; agent: { id: string } };
  return { token: body.token, id: body.agent.id };
}

async function setRole(adminToken: string, agentId: string, role: 'lead' | 'agent'): Promise<void> {
  const res = await fetch(`${baseURL}/api/members/role`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ agentId, role }),
  });
  expect(res.status).toBe(200);
}

const replyRow = (page: Page, name: string) => page.getByRole('list', { name: 'Quick replies, in menu order' }).getByRole('listitem').filter({ hasText: name });

test('a lead whose role was lowered while offline: the quick reply edit is refused and said so, the draft survives', async ({ browser }) => {
  const visitor = await socketVisitor(unique('Mara Quinn'));
  await visitor.say('Hi, can I change my delivery address?');
  const dana = await tokenOf('dana@example.com');
  const lee = await openAgent(browser, 'lee');
  const leeId = (await tokenOf('lee@example.com')).id;
  const { page } = lee;
  try {
    // A draft in a conversation (agent document) ...
    await row(page, visitor.name).click();
    const draft = 'Sure, send me the new address and I will';
    await composer(page, visitor.name).fill(draft);

    // ... then, offline, an edit of a quick reply (settings document).
    await page.getByRole('link', { name: 'Settings' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Quick replies' })).toBeVisible();
    await lee.context.setOffline(true);
    await replyRow(page, 'Shipping times').getByRole('button', { name: /^Edit/ }).click();
    const dialog = page.getByRole('dialog', { name: /Edit quick reply/ });
    await dialog.getByRole('textbox', { name: 'Text' }).fill('Orders ship the same day.');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await expect(dialog).toBeHidden();
    await expect(replyRow(page, 'Shipping times')).toContainText('Orders ship the same day.');

    // Meanwhile the admin makes Lee an agent; Lee comes back online.
    await setRole(dana.token, leeId, 'agent');
    await lee.context.setOffline(false);

    const notice = page.getByRole('alert').filter({ hasText: 'A change was not saved.' });
    await expect(notice).toContainText('Your role may not change this');
    await expect(replyRow(page, 'Shipping times')).toContainText('Orders ship within 2 business days');
    await page.screenshot({ path: 'test-results/refusal-reset.png' });

    // The draft, in another document, is untouched.
    await page.goBack();
    await expect(composer(page, visitor.name)).toHaveValue(draft);
    await page.reload();
    await row(page, visitor.name).click();
    await expect(composer(page, visitor.name)).toHaveValue(draft);
  } finally {
    await setRole(dana.token, leeId, 'lead');
    await visitor.close();
    await closeAll(lee);
  }
});

test('a canned response keeps its rich format through a reload before it is sent', async ({ browser }) => {
  const visitor = await socketVisitor(unique('Ola Berg'));
  await visitor.say('Is there a warranty?');
  const lee = await openAgent(browser, 'lee');
  const { page } = lee;
  try {
    await row(page, visitor.name).click();
    await page.getByRole('button', { name: 'Canned responses' }).click();
    const dialog = page.getByRole('dialog', { name: 'Canned responses' });
    await page.keyboard.type('warranty');
    await dialog.getByRole('button', { name: /Lifetime warranty/ }).click();
    await expect(composer(page, visitor.name)).toHaveValue(/\*\*lifetime warranty\*\*/);

    await page.reload();
    await row(page, visitor.name).click();
    const box = composer(page, visitor.name);
    await expect(box).toHaveValue(/\*\*lifetime warranty\*\*/);
    await box.focus();
    await page.keyboard.press('Enter');
    // Rendered for the channel (no ** markers, bullets), not sent as typed.
    await expect(entry(page, visitor.name, 'Our lifetime warranty covers zips')).toBeVisible();
  } finally {
    await visitor.close();
    await closeAll(lee);
  }
});
