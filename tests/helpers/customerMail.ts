import { expect, type Locator, type Page } from '@playwright/test';
import { baseURL } from './browserActors.ts';
import { simulatorUrl } from './customerPhone.ts';

/**
 * The simulators' mail client (`/demo/mail/` redirects to it): tests play an email customer
 * through the page, as a person would, or through its control API (`/_sim/mail/...`).
 */

/** An address no other test (or earlier run) uses. */
export function uniqueAddress(name: string): string {
  const local = name.toLowerCase().replace(/[^a-z0-9]+/g, '.').replace(/^\.+|\.+$/g, '');
  return `${local}.${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}@customer.example`;
}

export interface MailboxLine {
  direction: 'in' | 'out';
  messageId: string;
  subject: string;
  text: string;
  html: string | null;
  outcome?: string;
}

/** The customer's mailbox as the simulator holds it (our mails with their HTML and text parts). */
export async function mailbox(address: string): Promise<MailboxLine[]> {
  const res = await fetch(`${await simulatorUrl()}/_sim/mail/state`);
  const state = (await res.json()) as { customers: Array<{ address: string; mailbox: MailboxLine[] }> };
  return state.customers.find((c) => c.address === address.toLowerCase())?.mailbox ?? [];
}

/** The customer sends a mail through the control API (real SMTP to Switchboard); resolves with the SMTP code. */
export async function customerMails(mail: { from: string; name?: string; subject?: string; text: string; html?: string; inReplyTo?: string; attachment?: string }): Promise<number> {
  const res = await fetch(`${await simulatorUrl()}/_sim/mail/send`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(mail) });
  expect(res.ok, 'POST /_sim/mail/send').toBe(true);
  return ((await res.json()) as { code: number }).code;
}

export interface MailClient {
  page: Page;
  /** The selected customer's mailbox. */
  mailbox: Locator;
  /** Writes a new email (or, with `replyTo`, a reply to our mail with that subject) and waits for Switchboard's 250. */
  write(mail: { subject?: string; text: string; attachment?: string }): Promise<void>;
  /** The mailbox entry showing `text`. */
  mail(text: string): Locator;
  /** What the customer's mail server does with our next mails. */
  setOutcome(label: string): Promise<void>;
}

/** Opens the mail client on `page` and adds (and selects) a customer. */
export async function openMailClient(page: Page, customer: { address: string; name: string }): Promise<MailClient> {
  await page.goto(`${baseURL}/demo/mail/`);
  await expect(page.getByRole('heading', { level: 1, name: 'Mail client' })).toBeVisible();
  await page.getByRole('textbox', { name: 'Email address', exact: true }).fill(customer.address);
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill(customer.name);
  await page.getByRole('button', { name: 'Add customer' }).click();
  await expect(page.getByRole('heading', { level: 2, name: `Mailbox of ${customer.name}` })).toBeVisible();
  const mailbox = page.getByRole('log', { name: `Mailbox of ${customer.name}` });
  return {
    page,
    mailbox,
    async write(mail) {
      if (mail.subject) await page.getByRole('textbox', { name: 'Subject' }).fill(mail.subject);
      await page.getByRole('textbox', { name: `Message as ${customer.name}` }).fill(mail.text);
      if (mail.attachment) await page.getByRole('textbox', { name: /Attach a file/ }).fill(mail.attachment);
      await page.getByRole('button', { name: 'Send email' }).click();
      await expect(mailbox.getByRole('listitem').filter({ hasText: mail.text })).toContainText('SMTP 250');
    },
    mail: (text) => mailbox.getByRole('listitem').filter({ hasText: text }),
    async setOutcome(label) {
      await page.getByRole('combobox', { name: "When Switchboard's mail reaches this mailbox" }).selectOption({ label });
    },
  };
}
