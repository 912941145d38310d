import { expect, test } from '@playwright/test';
import { closeAll, entry, openAgent, openVisitor, rowWithLastMessage, send, thread, unique, visitorSays } from '../helpers/browserActors.ts';

test('a visitor message reaches two agents live; the reply reaches the visitor and is read; notes stay internal', async ({ browser }) => {
  const dana = await openAgent(browser, 'dana');
  const sam = await openAgent(browser, 'sam');
  const visitor = await openVisitor(browser);
  try {
    // The visitor writes: a new conversation appears in both inboxes without a reload.
    const hello = unique('Hello, is anyone there?');
    await visitorSays(visitor, hello);
    await expect(rowWithLastMessage(dana.page, hello)).toBeVisible();
    await expect(rowWithLastMessage(sam.page, hello)).toBeVisible();
    await expect(rowWithLastMessage(dana.page, hello)).toHaveAccessibleName(/^Visitor \w+, 1 unread, Webchat, open, unassigned,/);
    const contact = ((await rowWithLastMessage(dana.page, hello).getAttribute('aria-label')) ?? '').split(',')[0] ?? '';
    expect(contact).toMatch(/^Visitor /);

    // Both agents open it.
    await rowWithLastMessage(dana.page, hello).click();
    await expect(dana.page.getByRole('heading', { level: 2, name: contact })).toBeVisible();
    await expect(entry(dana.page, contact, hello)).toBeVisible();
    await rowWithLastMessage(sam.page, hello).click();
    await expect(entry(sam.page, contact, hello)).toBeVisible();

    // Dana replies: the visitor sees it, Sam sees it live, and Dana's bubble reaches Read.
    const reply = unique('Hi! Dana here, how can I help?');
    await send(dana.page, contact, reply);
    const visitorReply = visitor.log.getByRole('listitem').filter({ hasText: reply });
    await expect(visitorReply).toHaveCount(1);
    await expect(visitorReply).toContainText('Dana');
    await expect(entry(sam.page, contact, reply)).toBeVisible();
    const danaBubble = entry(dana.page, contact, reply);
    await expect(danaBubble).toContainText(/Read|Delivered/);
    await expect(danaBubble).toContainText('Read'); // the widget is open and visible: the visitor saw it
    await expect(danaBubble).not.toContainText('Queued');

    // An internal note: Sam sees it marked as such; the visitor never does.
    const note = unique('Internal: check order history before answering');
    await send(dana.page, contact, note, 'Internal note');
    const samNote = entry(sam.page, contact, note);
    await expect(samNote).toBeVisible();
    await expect(samNote).toContainText('Internal note');
    await expect(entry(dana.page, contact, note)).toContainText('Internal note');

    // A later reply reaches the visitor, proving the note (sent before it) was not delivered.
    const after = unique('One more thing');
    await send(dana.page, contact, after);
    await expect(visitor.log.getByRole('listitem').filter({ hasText: after })).toHaveCount(1);
    await expect(visitor.log).not.toContainText(note);
    await expect(visitor.log.getByRole('listitem')).toHaveCount(3);
    await expect(thread(sam.page, contact)).toContainText(after);

    // For a human look at the result (kept in this test's folder under test-results/).
    await dana.page.screenshot({ path: test.info().outputPath('inbox-conversation.png') });
    await visitor.page.screenshot({ path: test.info().outputPath('widget.png') });
  } finally {
    await closeAll(dana, sam, visitor);
  }
});
