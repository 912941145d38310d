import { expect, test } from '@playwright/test';
import { closeAll, composer, newContext, row, signIn, socketVisitor, unique } from '../helpers/browserActors.ts';

test('at phone width the inbox is usable: list, then the thread with a back button and the composer in view', async ({ browser }) => {
  const visitor = await socketVisitor(unique('Pia Lund'));
  await visitor.say('Hello from my phone, is the shop open on Sunday?');
  const context = await newContext(browser);
  const page = await context.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    await signIn(page, 'sam');
    await expect(row(page, visitor.name)).toBeVisible();
    // The team folds behind its heading so the list starts near the top; it unfolds on demand.
    const team = page.getByRole('region', { name: /^Team/ });
    const toggle = team.getByRole('button', { name: /^Team \d+ online$/ });
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await expect(team.getByRole('listitem')).toHaveCount(0);
    await toggle.click();
    await expect(team.getByRole('listitem').filter({ hasText: 'Sam Patel (you)' })).toContainText('Online');
    await toggle.click();
    await expect(team.getByRole('listitem')).toHaveCount(0);
    await page.screenshot({ path: 'test-results/phone-list.png' });
    await row(page, visitor.name).click();
    const box = composer(page, visitor.name);
    await expect(box).toBeInViewport();
    await page.screenshot({ path: 'test-results/phone-thread.png' });
    await page.getByRole('button', { name: /back/i }).or(page.getByRole('link', { name: /back/i })).first().click();
    await expect(row(page, visitor.name)).toBeInViewport();

    // A tablet-sized window: the sidebar is a bar over the list and the thread, which keeps
    // room for the contact's name and its actions.
    await page.setViewportSize({ width: 900, height: 700 });
    await row(page, visitor.name).click();
    await expect(page.getByRole('heading', { level: 2, name: visitor.name })).toBeVisible();
    expect((await page.getByRole('heading', { level: 2, name: visitor.name }).evaluate((h) => h.scrollWidth <= h.clientWidth))).toBe(true);
    await expect(page.getByRole('button', { name: 'Contact details' })).toBeInViewport();
    const [details, resolve] = [await page.getByRole('button', { name: 'Contact details' }).boundingBox(), await page.getByRole('button', { name: 'Resolve' }).boundingBox()];
    expect(details?.y).toBe(resolve?.y); // side by side, not stacked in a narrow column
    await expect(composer(page, visitor.name)).toBeInViewport();
    await expect(row(page, visitor.name)).toBeInViewport();
    await page.screenshot({ path: 'test-results/tablet-thread.png' });
  } finally {
    await visitor.close();
    await closeAll({ context });
  }
});

test('a message of an earlier day shows its time once: the day in the separator, the clock time in the bubble', async ({ browser }) => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  try {
    await signIn(page, 'sam');
    // Earlier tests add conversations above hers: find her as a user would, by search.
    // Maya's conversation was seeded two days ago, whatever the time of day the test runs: its
    // separator names the full date (not Today or Yesterday).
    await page.getByRole('searchbox', { name: 'Search conversations' }).fill('Maya');
    await row(page, 'Maya Thompson').click();
    await expect(page.getByRole('log').getByText(/^[A-Z][a-z]+day, [A-Z][a-z]+ \d{1,2}, \d{4}$/).first()).toBeVisible();
    const times = page.locator('time.bubble__time');
    await expect(times.first()).toHaveText(/^\d{1,2}:\d{2}\s?[AP]M$/);
    await expect(times.first()).toHaveAttribute('title', / at \d{1,2}:\d{2}/);
    await page.screenshot({ path: 'test-results/desktop-thread.png' });
  } finally {
    await closeAll({ context });
  }
});
