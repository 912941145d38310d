import { expect, type Locator, type Page } from '@playwright/test';
import { baseURL } from './browserActors.ts';

/**
 * The provider simulators' customer phone (`/demo/phone/` redirects to it: the simulators run
 * in-process with `--demo`, on a port of their own). Tests play WhatsApp and SMS customers either
 * through the page, as a person would, or through its control API.
 */

/** The simulators' base URL, from the app's `/demo/phone/` redirect. */
export async function simulatorUrl(): Promise<string> {
  const res = await fetch(`${baseURL}/demo/phone/`, { redirect: 'manual' });
  expect(res.status, 'the server runs the simulators (--demo)').toBe(302);
  return new URL(res.headers.get('location') ?? '').origin;
}

/** A phone number no other test (or earlier run) uses: +1 555 and 7 random digits. */
export function uniqueNumber(): string {
  return `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
}

/** Calls the simulators' control API (`/_sim/...`) and returns the JSON answer. */
export async function simPost(path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${await simulatorUrl()}/_sim/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.ok, `POST /_sim/${path}`).toBe(true);
  return (await res.json()) as Record<string, unknown>;
}

export interface Phone {
  page: Page;
  /** The selected customer's thread. */
  thread: Locator;
  /** Writes as the selected customer and waits until Switchboard accepted it. */
  say(text: string): Promise<void>;
  /** The phone's line for one of our messages. */
  line(text: string): Locator;
}

/** Opens the phone page on `page` and adds (and selects) a customer. */
export async function openPhone(page: Page, customer: { channel: 'WhatsApp' | 'SMS'; number: string; name?: string }): Promise<Phone> {
  await page.goto(`${baseURL}/demo/phone/`);
  await expect(page.getByRole('heading', { level: 1, name: 'Customer phone' })).toBeVisible();
  await page.getByRole('combobox', { name: 'Channel' }).selectOption({ label: customer.channel });
  await page.getByRole('textbox', { name: 'Phone number' }).fill(customer.number);
  if (customer.name) await page.getByRole('textbox', { name: 'Name (WhatsApp profile)' }).fill(customer.name);
  await page.getByRole('button', { name: 'Add customer' }).click();
  const shown = customer.name ?? customer.number;
  const heading = page.getByRole('heading', { level: 2, name: `${shown} (${customer.channel})` });
  await expect(heading).toBeVisible();
  const thread = page.getByRole('log', { name: `${shown} (${customer.channel})` });
  const input = page.getByRole('textbox', { name: `Message as ${shown}` });
  return {
    page,
    thread,
    async say(text) {
      await input.fill(text);
      await input.press('Enter');
      await expect(input).toHaveValue('');
      await expect(thread.getByRole('listitem').filter({ hasText: text })).toHaveCount(1);
    },
    line: (text) => thread.getByRole('listitem').filter({ hasText: text }),
  };
}
