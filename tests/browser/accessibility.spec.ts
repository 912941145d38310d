import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { closeAll, composer, newContext, openAgent, openConversation, openVisitor, signIn, unique, visitorSays } from '../helpers/browserActors.ts';
import { openMailClient, uniqueAddress } from '../helpers/customerMail.ts';
import { openPhone, uniqueNumber } from '../helpers/customerPhone.ts';

/**
 * axe-core (WCAG 2.1 A and AA rules) over every screen an agent or a visitor uses, in the states
 * people see them: signed out, the inbox, an open thread, the quick-reply menu, the contact panel,
 * each settings page, a phone-width inbox, and the webchat widget on the demo shop. A violation
 * fails with the rule, its help text and the elements it found, so the report says what to fix.
 */
async function expectNoViolations(page: Page, what: string, build: (axe: AxeBuilder) => AxeBuilder = (axe) => axe): Promise<void> {
  const result = await build(new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])).analyze();
  const found = result.violations.map((v) => `${v.id} (${v.impact}): ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
  expect(found, `accessibility violations on ${what}`).toEqual([]);
}

test('the agent app passes axe’s WCAG 2.1 AA rules: sign-in, inbox, thread (also offline with a queued reply), quick replies, contact panel, settings', async ({ browser }) => {
  test.setTimeout(60_000);
  const context = await newContext(browser);
  const contact = unique('Axe Visitor');
  const visitor = await openVisitor(browser, contact);
  try {
    await visitorSays(visitor, 'Hello, is the Summit tent in stock?');
    const page = await context.newPage();
    await page.goto('/');
    await expect(page.getByRole('textbox', { name: 'Email' })).toBeVisible();
    await expectNoViolations(page, 'the sign-in page');

    await signIn(page, 'dana');
    await expectNoViolations(page, 'the inbox');
    await openConversation(page, contact);
    await expectNoViolations(page, 'an open thread');

    // The quick-reply popup of the composer (a combobox: focus stays in the text box, the arrow
    // keys move through the options and scroll them into view through aria-activedescendant,
    // as the ARIA combobox pattern has it). axe asks for a scrollable region to be focusable
    // itself, which that pattern deliberately avoids: that one rule is off for this state.
    const box = composer(page, contact);
    await box.fill('/');
    await expect(page.getByRole('listbox', { name: 'Quick replies' })).toBeVisible();
    await expectNoViolations(page, 'the quick-reply menu', (axe) => axe.disableRules(['scrollable-region-focusable']));
    await box.press('Escape');
    await box.fill('');

    // Offline, with a reply queued on this device: the connection state and the Queued status.
    await context.setOffline(true);
    await box.fill('We will check the stock for you.');
    await box.press('Enter');
    await expect(page.getByRole('log', { name: `Conversation with ${contact}` }).getByText('Queued')).toBeVisible();
    await expectNoViolations(page, 'a thread offline with a queued reply');
    await context.setOffline(false);

    await page.getByRole('button', { name: 'Contact details' }).click();
    await expect(page.getByRole('heading', { name: 'Contact details' })).toBeVisible();
    await expectNoViolations(page, 'the contact panel');

    for (const section of ['Quick replies', 'Canned responses', 'Team members', 'Notifications', 'Routing']) {
      await page.goto('/settings/quick-replies');
      await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: section }).click();
      await expect(page.getByRole('heading', { level: 1, name: section })).toBeVisible();
      await expectNoViolations(page, `Settings › ${section}`);
    }
  } finally {
    await closeAll({ context }, visitor);
  }
});

test('at phone width the inbox and a thread pass axe’s WCAG 2.1 AA rules, and so does the webchat widget', async ({ browser }) => {
  const agent = await openAgent(browser, 'sam');
  const contact = unique('Axe Phone');
  const visitor = await openVisitor(browser, contact);
  try {
    await visitorSays(visitor, 'Do you ship to Norway?');
    await expectNoViolations(visitor.page, 'the demo shop with the chat widget open', (axe) => axe.include('[data-switchboard-webchat]'));
    // A message written offline waits as "Sending…": still readable.
    await visitor.context.setOffline(true);
    await visitor.input.fill('Are you open on Sunday?');
    await visitor.input.press('Enter');
    await expect(visitor.log.getByRole('listitem').filter({ hasText: 'Are you open on Sunday?' })).toContainText('Sending…');
    await expectNoViolations(visitor.page, 'the widget with a message waiting to be sent', (axe) => axe.include('[data-switchboard-webchat]'));
    await visitor.context.setOffline(false);

    await agent.page.setViewportSize({ width: 390, height: 844 });
    await expectNoViolations(agent.page, 'the inbox at phone width');
    await openConversation(agent.page, contact);
    await expectNoViolations(agent.page, 'a thread at phone width');
  } finally {
    await closeAll(agent, visitor);
  }
});

test('the demo’s customer phone and mail client pass axe’s WCAG 2.1 AA rules, with a conversation in each', async ({ browser }) => {
  const customer = { context: await newContext(browser) };
  try {
    const phone = await openPhone(await customer.context.newPage(), { channel: 'WhatsApp', number: uniqueNumber(), name: unique('Axe Phone Customer') });
    await phone.say('Hi, where is my parcel?');
    await expectNoViolations(phone.page, 'the customer phone');

    const name = unique('Axe Mail Customer');
    const mail = await openMailClient(await customer.context.newPage(), { address: uniqueAddress(name), name });
    await mail.write({ subject: 'Invoice', text: 'Could you send me the invoice?' });
    await expectNoViolations(mail.page, 'the mail client');
  } finally {
    await closeAll(customer);
  }
});
