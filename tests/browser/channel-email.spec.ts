import { expect, test } from '@playwright/test';
import { closeAll, entry, newContext, openAgent, openConversation, row, send, unique } from '../helpers/browserActors.ts';
import { customerMails, mailbox, openMailClient, uniqueAddress } from '../helpers/customerMail.ts';

test('Email: a customer writes from the mail client; the agent sees subject, attachment and formatted HTML, replies; the mail arrives and shows Delivered; a bounce shows Failed with the reason', async ({ browser }) => {
  test.setTimeout(60_000);
  const dana = await openAgent(browser, 'dana');
  const customer = { context: await newContext(browser) };
  try {
    const name = unique('Erin Walsh');
    const address = uniqueAddress(name);
    const client = await openMailClient(await customer.context.newPage(), { address, name });

    // The customer writes a new email with an attachment: a conversation appears, marked Email.
    const subject = unique('Order 1234 arrived damaged');
    const hello = unique('The box was crushed and the lid is broken.');
    await client.write({ subject, text: hello, attachment: 'photo-of-lid.pdf' });
    await expect(row(dana.page, name)).toHaveAccessibleName(new RegExp(`, Email, `));
    await openConversation(dana.page, name);
    const first = entry(dana.page, name, hello);
    await expect(first).toBeVisible();
    await expect(dana.page.locator('.thread-header')).toContainText(subject);
    await expect(first).toContainText(subject);
    await expect(first.getByRole('list', { name: 'Attachments' })).toContainText('photo-of-lid.pdf');
    await expect(dana.page.getByTestId('channel-hints')).toContainText('Email cannot show typing');

    // The agent replies: the mail reaches the customer's mailbox; Sent, then Delivered (no bounce).
    const reply = unique('Sorry about that! A replacement ships today.');
    await send(dana.page, name, reply);
    await expect(client.mail(reply)).toContainText(`Re: ${subject}`);
    const status = entry(dana.page, name, reply).locator('.bubble__status');
    await expect(status).toHaveText('Sent');
    await expect(status).toHaveText('Delivered', { timeout: 20_000 });
    await expect(status.locator('.delivery')).toHaveAttribute('title', /Email read tracking is not available/);
    await dana.page.screenshot({ path: '.tmp/screenshots/email-thread.png' });

    // The customer answers our mail with an HTML mail: it joins the thread (In-Reply-To);
    // its formatting shows, the attack in it does not.
    const ours = (await mailbox(address)).find((m) => m.direction === 'in' && m.text === reply);
    expect(ours?.messageId).toMatch(/^<c_.*@acme-outdoor\.example>$/);
    const formatted = unique('Photos are attached');
    expect(
      await customerMails({
        from: address,
        text: formatted,
        inReplyTo: ours?.messageId,
        html:
          `<p>${formatted}: <b>urgent</b></p><script>document.title='pwned'</script><img src="https://tracker.example/p.gif" onerror="document.title='pwned'">` +
          `<div>On Tue, Acme Support wrote:</div><blockquote><p>${reply}</p></blockquote>`,
      }),
    ).toBe(250);
    const htmlEntry = entry(dana.page, name, formatted);
    await expect(htmlEntry.locator('.email-body b')).toHaveText('urgent');
    await expect(htmlEntry.locator('script, img, iframe')).toHaveCount(0);
    expect(await dana.page.title()).not.toContain('pwned');
    // The quoted history (our own reply) is folded until asked for, by keyboard too.
    const quoted = htmlEntry.getByText(reply);
    await expect(quoted).toBeHidden();
    await htmlEntry.getByText('Show quoted text').focus();
    await dana.page.keyboard.press('Enter');
    await expect(quoted).toBeVisible();
    await htmlEntry.screenshot({ path: 'test-results/email-quote.png' });

    // The mailbox stops existing: the next reply bounces (RFC 3464), Failed with the diagnostic.
    await client.setOutcome('Bounce it (RFC 3464 report: 5.1.1 user unknown)');
    const lost = unique('Could you confirm your address?');
    await send(dana.page, name, lost);
    await expect(client.mail(lost)).toContainText('Bounced');
    const failed = entry(dana.page, name, lost).locator('.bubble__status');
    await expect(failed).toContainText('Failed');
    const trigger = failed.locator('[aria-describedby]');
    await expect(trigger).toHaveAccessibleDescription(/5\.1\.1 no such mailbox: 550 5\.1\.1 .*User unknown/);
    await trigger.focus();
    await expect(failed.getByRole('tooltip')).toBeVisible();
    await dana.page.screenshot({ path: '.tmp/screenshots/email-bounce.png' });
    await client.page.screenshot({ path: '.tmp/screenshots/mail-client.png', fullPage: true });
    expect((await mailbox(address)).filter((m) => m.direction === 'in').map((m) => m.outcome)).toEqual(['delivered', 'bounced']);
  } finally {
    await closeAll(dana, customer);
  }
});
