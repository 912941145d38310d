import { expect, type Page, test } from '@playwright/test';
import { closeAll, composer, entry, openAgent, row, socketVisitor, unique } from '../helpers/browserActors.ts';

/** Opens Settings from the inbox sidebar and waits for the quick replies list. */
async function openSettings(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page).toHaveURL(/\/settings\/quick-replies$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Quick replies' })).toBeVisible();
}

const list = (page: Page, name = 'Quick replies, in menu order') => page.getByRole('list', { name });
const listRow = (page: Page, text: string, listName?: string) => list(page, listName).getByRole('listitem').filter({ hasText: text });

test('an admin creates a quick reply in settings (a bad template is refused with its position) and an agent elsewhere finds it in the / menu at once', async ({ browser }) => {
  const visitor = await socketVisitor(unique('Priya Nair'));
  await visitor.say('Hello, do you ship to Canada?');
  const dana = await openAgent(browser, 'dana');
  const sam = await openAgent(browser, 'sam');
  const shortcut = `ca${Date.now().toString(36)}`;
  const name = unique('Canada shipping');
  try {
    await row(sam.page, visitor.name).click();

    const { page } = dana;
    await openSettings(page);
    await page.getByRole('button', { name: 'New quick reply' }).click();
    const dialog = page.getByRole('dialog', { name: 'New quick reply' });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('textbox', { name: 'Name' })).toBeFocused();
    await dialog.getByRole('textbox', { name: 'Name' }).fill(name);
    await dialog.getByRole('textbox', { name: /^Shortcut/ }).fill(shortcut);
    await dialog.getByRole('combobox', { name: /^Category/ }).fill('Shipping');
    const text = dialog.getByRole('textbox', { name: 'Text' });
    await text.fill('Yes {{frist_name}}, we ship to Canada in 5–8 days.');
    await dialog.getByRole('button', { name: 'Create quick reply' }).click();

    // Refused: the problem is shown at its position, linked to the field, and the field has focus.
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('alert')).toHaveText('Not saved: fix the field marked above.');
    await expect(text).toHaveAttribute('aria-invalid', 'true');
    await expect(text).toBeFocused();
    await expect(text).toHaveAccessibleDescription(/line 1, column 5: unknown variable "frist_name": did you mean "first_name"\?/i);
    await page.screenshot({ path: 'test-results/settings-editor-error.png' });
    await text.fill('Yes {{first_name|there}}, we ship to Canada in 5–8 days.');
    await expect(dialog.getByRole('region', { name: /Preview for a sample contact/ })).toContainText('Yes Jordan, we ship to Canada');
    await dialog.getByRole('button', { name: 'Create quick reply' }).click();
    await expect(dialog).toBeHidden();
    await expect(listRow(page, name)).toContainText(`/${shortcut}`);
    await expect(listRow(page, name)).toContainText('Not used yet');

    // Sam, in another browser, finds it in the / menu straight away and sends it.
    const box = composer(sam.page, visitor.name);
    await box.focus();
    await sam.page.keyboard.type(`/${shortcut}`);
    const option = sam.page.getByRole('listbox', { name: 'Quick replies' }).getByRole('option').first();
    await expect(option).toContainText(name);
    await sam.page.keyboard.press('Enter');
    await expect(box).toHaveValue('Yes {{first_name|there}}, we ship to Canada in 5–8 days.');
    await sam.page.keyboard.press('Enter');
    const first = visitor.name.split(' ')[0];
    await expect(entry(sam.page, visitor.name, `Yes ${first}, we ship to Canada`)).toBeVisible();

    // The server counts the use once, and the admin sees it live.
    await expect(listRow(page, name)).toContainText(/Used once, last used (just now|1 minute ago)/);
    await listRow(page, name).scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'test-results/settings-quick-replies.png' });
  } finally {
    await visitor.close();
    await closeAll(dana, sam);
  }
});

test('an agent sees quick replies and canned responses read-only, with a note why', async ({ browser }) => {
  const sam = await openAgent(browser, 'sam');
  const { page } = sam;
  try {
    await openSettings(page);
    await expect(page.getByRole('note')).toContainText('Only admins and team leads can change quick replies');
    await expect(listRow(page, 'Refund on its way')).toBeVisible();
    await expect(page.getByRole('button', { name: 'New quick reply' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: /^Edit “/ })).toHaveCount(0);
    await expect(page.getByRole('button', { name: /^Delete “/ })).toHaveCount(0);
    await expect(page.getByRole('button', { name: /^Move “/ })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Import JSON…' })).toHaveCount(0);

    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Canned responses' }).click();
    await expect(page).toHaveURL(/\/settings\/canned-responses$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Canned responses' })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Canned responses' })).toHaveAttribute('aria-current', 'page');
    await expect(page.getByRole('note')).toContainText('Only admins and team leads can change canned responses');
    await expect(listRow(page, 'Return policy', 'Canned responses, in menu order')).toBeVisible();
    await page.screenshot({ path: 'test-results/settings-agent-read-only.png' });

    await page.getByRole('link', { name: 'Back to inbox' }).click();
    await expect(page.getByRole('searchbox', { name: 'Search conversations' })).toBeVisible();
  } finally {
    await closeAll(sam);
  }
});

test('a lead imports (all or nothing), reorders by keyboard, edits, deletes with confirmation and exports', async ({ browser }) => {
  const lee = await openAgent(browser, 'lee');
  const { page } = lee;
  const category = unique('Returns');
  const a = unique('Label lost');
  const b = unique('Wrong size');
  try {
    await openSettings(page);
    const file = page.getByTestId('library-import-file');

    // A file with one bad entry imports nothing and says what is wrong with which entry.
    const bad = [
      { name: a, shortcut: '', category, text: 'We can send a new label, {{first_name}}.' },
      { name: b, shortcut: 'Bad Shortcut', category, text: 'Hi {{first_name' },
    ];
    await file.setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
    const alert = page.getByRole('alert');
    await expect(alert).toContainText('Nothing was imported: 1 entry has problems.');
    await expect(alert).toContainText(`Entry 2 (“${b}”):`);
    await expect(alert).toContainText('shortcut');
    await expect(alert).toContainText('text');
    await expect(listRow(page, a)).toHaveCount(0);

    bad[1] = { name: b, shortcut: '', category, text: 'Sorry about the size, {{first_name|there}}: we swap it for free.' };
    await file.setInputFiles({ name: 'good.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
    await expect(page.getByRole('status').filter({ hasText: 'Imported 2 quick replies: 2 new, 0 replaced.' })).toBeVisible();

    // Reorder within the category, by keyboard; focus stays on the moved entry's button.
    await page.getByRole('combobox', { name: 'Category' }).selectOption(category);
    const rows = list(page).getByRole('listitem');
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(0)).toContainText(a);
    await page.getByRole('button', { name: `Move “${b}” up` }).focus();
    await page.keyboard.press('Enter');
    await expect(rows.nth(0)).toContainText(b);
    await expect(page.getByRole('button', { name: `Move “${b}” down` })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(rows.nth(0)).toContainText(a);

    // Edit.
    await page.getByRole('button', { name: `Edit “${a}”` }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit quick reply' });
    await dialog.getByRole('textbox', { name: 'Text' }).fill('A new return label is on its way, {{first_name|there}}.');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await expect(dialog).toBeHidden();
    await expect(listRow(page, a)).toContainText('A new return label is on its way');
    await expect(page.getByRole('button', { name: `Edit “${a}”` })).toBeFocused();

    // Export what the workspace has now.
    await page.getByRole('combobox', { name: 'Category' }).selectOption('');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON' }).click()]);
    expect(download.suggestedFilename()).toBe('quick-replies.json');
    const exported = JSON.parse(await readDownload(download)) as Array<{ name: string; text: string }>;
    expect(exported.find((e) => e.name === a)?.text).toBe('A new return label is on its way, {{first_name|there}}.');
    expect(exported.map((e) => e.name)).toContain('Greeting');

    // Delete, after a confirmation that can be cancelled.
    await page.getByRole('button', { name: `Delete “${b}”` }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Delete quick reply?' });
    await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(confirm).toBeHidden();
    await expect(listRow(page, b)).toHaveCount(1);
    await page.getByRole('button', { name: `Delete “${b}”` }).click();
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await expect(listRow(page, b)).toHaveCount(0);
    await page.getByRole('button', { name: `Delete “${a}”` }).click();
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await expect(listRow(page, a)).toHaveCount(0);
  } finally {
    await closeAll(lee);
  }
});

async function readDownload(download: import('@playwright/test').Download): Promise<string> {
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
