import { expect, test } from '@playwright/test';
import { closeAll, composer, openAgent, openConversation, socketVisitor, unique } from '../helpers/browserActors.ts';

test('a draft typed on one device appears on the same agent’s other device', async ({ browser }) => {
  const visitor = await socketVisitor(unique('Device Dora'));
  await visitor.say('Can I change my delivery address?');
  const laptop = await openAgent(browser, 'sam');
  const phone = await openAgent(browser, 'sam');
  try {
    await openConversation(laptop.page, visitor.name);
    await openConversation(phone.page, visitor.name);
    await composer(laptop.page, visitor.name).pressSequentially('Yes, until it ships');
    await expect(composer(phone.page, visitor.name)).toHaveValue('Yes, until it ships');

    // And back the other way, while both are open.
    await composer(phone.page, visitor.name).press('End');
    await composer(phone.page, visitor.name).pressSequentially('.');
    await expect(composer(laptop.page, visitor.name)).toHaveValue('Yes, until it ships.');
  } finally {
    await closeAll(laptop, phone);
    await visitor.close();
  }
});

test('a draft typed on one device is there when the other device opens the conversation later', async ({ browser }) => {
  const visitor = await socketVisitor(unique('Device Dev'));
  await visitor.say('Do you price match?');
  const laptop = await openAgent(browser, 'sam');
  const phone = await openAgent(browser, 'sam');
  try {
    await openConversation(laptop.page, visitor.name);
    await composer(laptop.page, visitor.name).fill('We do, for authorised retailers');
    await openConversation(phone.page, visitor.name);
    await expect(composer(phone.page, visitor.name)).toHaveValue('We do, for authorised retailers');
  } finally {
    await closeAll(laptop, phone);
    await visitor.close();
  }
});
