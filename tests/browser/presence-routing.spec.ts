import { type Page, expect, test } from '@playwright/test';
import { closeAll, openAgent, openVisitor, row, unique, visitorSays } from '../helpers/browserActors.ts';

/** Picks a status from the bottom-left avatar menu, by keyboard. */
async function chooseStatus(page: Page, status: 'Online' | 'Away' | 'Offline'): Promise<void> {
  const button = page.getByRole('button', { name: /^Your status: .*Change status$/ });
  await button.focus();
  await page.keyboard.press('Enter');
  const item = page.getByRole('menuitemradio', { name: new RegExp(`^${status}`) });
  await expect(item).toBeVisible();
  await item.click();
  await expect(button).toHaveAccessibleName(new RegExp(`^Your status: ${status}`));
}

function teamMember(page: Page, name: string) {
  return page.getByRole('region', { name: /^Team/ }).getByRole('listitem').filter({ hasText: name });
}

/** Settings > Routing: turns auto-routing on or off (admins and leads). */
async function setRouting(page: Page, on: boolean): Promise<void> {
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('link', { name: 'Routing' }).click();
  const box = page.getByRole('checkbox', { name: 'Assign new conversations automatically' });
  await expect(box).toBeEnabled(); // once the stored settings are in
  if ((await box.isChecked()) !== on) await box.click();
  await expect(box).toBeChecked({ checked: on });
  if (on) {
    // Earlier tests on the shared demo server may have given Sam several open conversations:
    // a capacity above any of that keeps this test about availability, not about load.
    const capacity = page.getByRole('spinbutton', { name: 'Capacity per agent' });
    await capacity.fill('50');
    await capacity.press('Tab');
    await expect(capacity).toHaveValue('50');
  }
  await page.getByRole('link', { name: 'Back to inbox' }).click();
}

test('an availability change is seen live by another agent, with "auto" states and a lead setting someone Offline', async ({ browser }) => {
  const dana = await openAgent(browser, 'dana');
  const sam = await openAgent(browser, 'sam');
  try {
    await expect(teamMember(sam.page, 'Dana Reyes')).toContainText('Online');
    await chooseStatus(dana.page, 'Away');
    await expect(teamMember(sam.page, 'Dana Reyes')).toContainText('Away');
    await expect(teamMember(sam.page, 'Dana Reyes').locator('[data-status]')).toHaveAttribute('data-status', 'away');
    await sam.page.screenshot({ path: 'test-results/presence-team-panel.png' });
    await dana.page.getByRole('button', { name: /^Your status/ }).click();
    await dana.page.screenshot({ path: 'test-results/presence-status-menu.png' });
    await dana.page.keyboard.press('Escape');
    await chooseStatus(dana.page, 'Online');
    await expect(teamMember(sam.page, 'Dana Reyes')).toContainText('Online');
    // An admin sets Sam Offline; Sam's own menu says who did it.
    const setOffline = dana.page.getByRole('button', { name: 'Set Sam Patel Offline' });
    await expect(setOffline).toHaveAccessibleDescription('Routing stops sending Sam conversations until they choose Online again.');
    await setOffline.click();
    await expect(teamMember(dana.page, 'Sam Patel')).toContainText('Offline (set by Dana Reyes)');
    await expect(sam.page.getByRole('button', { name: /^Your status: Offline \(set by Dana Reyes\)/ })).toBeVisible();
    await chooseStatus(sam.page, 'Online');
  } finally {
    await closeAll(dana, sam);
  }
});

test('auto-routing: a conversation goes to the only Online agent; with nobody Online it waits and drains when an agent comes Online', async ({ browser }) => {
  // Three agents and two visitors in one browser: about 18 s alone, over 30 s on a busy machine.
  test.setTimeout(60_000);
  const dana = await openAgent(browser, 'dana');
  const sam = await openAgent(browser, 'sam');
  const lee = await openAgent(browser, 'lee');
  try {
    await chooseStatus(lee.page, 'Offline');
    await chooseStatus(dana.page, 'Away');
    await setRouting(dana.page, true);

    // Only Sam is Online: the new conversation is his, and everyone sees it at once.
    const first = unique('Routed Rita');
    const v1 = await openVisitor(browser, first);
    await visitorSays(v1, 'Hi, where is my parcel?');
    await expect(row(sam.page, first)).toHaveAccessibleName(/, assigned to Sam Patel,/);
    await expect(row(dana.page, first)).toHaveAccessibleName(/, assigned to Sam Patel,/);
    await row(dana.page, first).click();
    await expect(dana.page.getByText('Assigned to Sam Patel (auto-routing)')).toBeVisible();
    await dana.page.screenshot({ path: 'test-results/presence-routed.png' });

    // Nobody Online: the next one waits, Unassigned, until Sam comes back Online.
    await chooseStatus(sam.page, 'Away');
    const second = unique('Waiting Wes');
    const v2 = await openVisitor(browser, second);
    await visitorSays(v2, 'Anyone there?');
    await expect(row(dana.page, second)).toHaveAccessibleName(/, unassigned,/);
    await chooseStatus(sam.page, 'Online');
    await expect(row(dana.page, second)).toHaveAccessibleName(/, assigned to Sam Patel,/);
    await expect(row(sam.page, second)).toHaveAccessibleName(/, assigned to Sam Patel,/);
    await closeAll(v1, v2);
  } finally {
    await setRouting(dana.page, false).catch(() => {});
    await chooseStatus(dana.page, 'Online').catch(() => {});
    await chooseStatus(lee.page, 'Online').catch(() => {});
    await closeAll(dana, sam, lee);
  }
});
