import { expect, test } from '@playwright/test';
import { closeAll, composer, entry, openAgent, openConversation, row, send, unique } from '../helpers/browserActors.ts';
import { simPost, uniqueNumber } from '../helpers/customerPhone.ts';

test('SMS: typing hint and segment counter; a reply is delivered (never read); an unreachable phone fails with the reason on focus', async ({ browser }) => {
  const dana = await openAgent(browser, 'dana');
  try {
    // The customer texts in (through the simulator's control API).
    const number = uniqueNumber();
    const hello = unique('Is the Trailhead 40L back in stock?');
    expect((await simPost('sms/send', { from: number, text: hello })).switchboardStatus).toBe(200);
    await expect(row(dana.page, number)).toHaveAccessibleName(/, SMS, /);
    await openConversation(dana.page, number);
    await expect(entry(dana.page, number, hello)).toBeVisible();

    // The composer says what SMS cannot do, and counts segments as the agent types.
    const hints = dana.page.getByTestId('channel-hints');
    await expect(hints).toContainText('SMS cannot show typing');
    await expect(dana.page.locator('.thread-header')).toContainText('SMS has no read receipts');
    const box = composer(dana.page, number);
    await box.fill('Yes');
    await expect(hints).toContainText('1 segment · 157 characters left');
    await box.fill('a'.repeat(166));
    await expect(hints).toContainText('2 segments · 140 characters left');
    await expect(box).toHaveAccessibleDescription(/2 segments · 140 characters left/);
    await box.fill('');

    // The reply goes out and is delivered; SMS never reports read.
    const reply = unique('Yes, it is back in stock.');
    await send(dana.page, number, reply);
    const status = entry(dana.page, number, reply).locator('.bubble__status');
    await expect(status).toHaveText('Delivered');
    await expect(status.locator('.delivery')).toHaveAttribute('title', /SMS has no read receipts/);

    // The phone becomes unreachable: the next reply fails, and the reason shows on keyboard focus.
    await simPost('customer', { channel: 'sms', from: number, outcome: 30003 });
    const lost = unique('Shall I reserve one for you?');
    await send(dana.page, number, lost);
    const failed = entry(dana.page, number, lost).locator('.bubble__status');
    await expect(failed).toContainText('Failed');
    const trigger = failed.locator('[aria-describedby]'); // the focusable "Failed"
    await expect(trigger).toHaveText('Failed');
    await expect(trigger).toHaveAccessibleDescription(/switched off or out of coverage/);
    const tip = failed.getByRole('tooltip');
    await expect(tip).toBeHidden();
    await trigger.focus();
    await expect(tip).toBeVisible();
    await expect(tip).toContainText('The phone is switched off or out of coverage');
    await dana.page.screenshot({ path: '.tmp/screenshots/sms-failed.png' });
  } finally {
    await closeAll(dana);
  }
});
