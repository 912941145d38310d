/**
 * The simulators' "mail client" page (`GET /_sim/mail/`): play an email customer. Pick or add a
 * customer, read their mailbox (our replies, with what became of them: delivered, bounced,
 * delayed, auto-replied), write a new email or reply to one of ours over real SMTP, and choose
 * what the customer's mail server does with our next mail. Talks to `/_sim/mail/state`,
 * `/_sim/mail/send` and `/_sim/mail/customer` on the same origin.
 */
import { simulatorPageHead } from './simulatorPageHead.ts';

export const MAIL_PAGE_HTML = `${simulatorPageHead({
  title: 'Mail client',
  accent: '#1e3a8a',
  accentTint: '#e0e7ff',
  focusRing: '#b45309',
  panelWidth: '640px',
  stackBelow: '760px',
  pageStyles: `
  .addr { display: block; font-size: 12px; color: #4b5563; font-weight: 400; overflow-wrap: anywhere; }
  #outcome-wrap { margin-bottom: 12px; }
  .sub { font-size: 12px; color: #4b5563; margin: 0 0 8px; }
  ol.mailbox { list-style: none; margin: 0 0 12px; padding: 0; display: flex; flex-direction: column; gap: 8px; max-height: 55vh; overflow-y: auto; }
  ol.mailbox li { border: 1px solid #e2e5e9; border-radius: 8px; padding: 8px 10px; }
  ol.mailbox li.from-us { background: #f8fafc; }
  ol.mailbox li.from-me { background: #eef2ff; }
  .mail-head { display: flex; justify-content: space-between; gap: 8px; font-size: 12px; color: #4b5563; }
  .mail-subject { font-weight: 600; margin: 2px 0 4px; }
  .mail-body { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 14px; margin: 0; }
  .tag { font-size: 11px; padding: 1px 6px; border-radius: 99px; background: #eef0f3; margin-left: 6px; white-space: nowrap; }
  .tag.bounced { background: #fee2e2; color: #991b1b; font-weight: 600; }
  .tag.delayed { background: #fef3c7; color: #92400e; }
  .actions { margin-top: 6px; }
  .actions button { font: inherit; font-size: 13px; padding: 3px 10px; border: 1px solid #cfd4da; border-radius: 6px; background: #fff; cursor: pointer; }
`,
})}<body>
<header>
  <h1>Mail client</h1>
  <p>Play a customer writing to <strong id="support">support</strong>. Mail goes to Switchboard over real SMTP; Switchboard's replies arrive here through the simulated relay. <a href="../">Customer phone</a></p>
</header>
<main>
  <section aria-labelledby="customers-title">
    <h2 id="customers-title">Customers</h2>
    <ul class="customers" id="customers" aria-label="Customers"></ul>
    <form id="add">
      <fieldset>
        <legend>New customer</legend>
        <label for="add-address">Email address</label>
        <input id="add-address" name="address" type="email" required placeholder="ana@customer.example" autocomplete="off">
        <label for="add-name">Name</label>
        <input id="add-name" name="name" type="text" autocomplete="off">
        <button class="primary" type="submit">Add customer</button>
      </fieldset>
    </form>
  </section>
  <section aria-labelledby="box-title">
    <h2 id="box-title">No customer selected</h2>
    <p class="sub" id="box-sub">Pick a customer or add one.</p>
    <div id="outcome-wrap" hidden>
      <label for="outcome">When Switchboard's mail reaches this mailbox</label>
      <select id="outcome">
        <option value="delivered">Deliver it (no bounce)</option>
        <option value="bounce">Bounce it (RFC 3464 report: 5.1.1 user unknown)</option>
        <option value="plain-bounce">Bounce it (plain-text bounce)</option>
        <option value="delayed">Delay it (DSN: still retrying)</option>
        <option value="auto-reply">Deliver it and answer "out of office"</option>
      </select>
    </div>
    <h3 class="sub" id="inbox-title" hidden>Mailbox</h3>
    <div role="log" aria-live="polite" aria-labelledby="box-title"><ol class="mailbox" id="mailbox"></ol></div>
    <form id="send" hidden>
      <fieldset>
        <legend id="compose-legend">New email</legend>
        <label for="reply-to">Reply to</label>
        <select id="reply-to"></select>
        <label for="subject">Subject</label>
        <input id="subject" type="text" autocomplete="off">
        <label for="text" id="text-label">Message</label>
        <textarea id="text" rows="4" required></textarea>
        <label for="attachment">Attach a file (name only, e.g. receipt.pdf)</label>
        <input id="attachment" type="text" autocomplete="off">
        <button class="primary" type="submit">Send email</button>
        <p class="error" id="send-error" role="alert"></p>
      </fieldset>
    </form>
  </section>
</main>
<script>
(() => {
  const $ = (id) => document.getElementById(id);
  let state = { supportAddress: '', customers: [] };
  let current = null;
  const time = (at) => new Date(at).toLocaleTimeString('en-US', { hour: 'numeric', minute: '2-digit' });
  const outcomeText = { delivered: 'Delivered', bounced: 'Bounced', delayed: 'Delayed', 'auto-replied': 'Delivered, auto-replied', bounce: 'Will bounce', 'plain-bounce': 'Will bounce', 'auto-reply': 'Delivered' };
  const find = () => state.customers.find((c) => c.address === current);

  function renderCustomers() {
    const list = $('customers');
    if (!state.customers.length) {
      const li = document.createElement('li');
      li.className = 'empty';
      li.textContent = 'No customers yet.';
      return list.replaceChildren(li);
    }
    list.replaceChildren(...state.customers.map((c) => {
      const li = document.createElement('li');
      const b = document.createElement('button');
      b.type = 'button';
      b.setAttribute('aria-pressed', String(c.address === current));
      b.textContent = c.name || c.address;
      const a = document.createElement('span');
      a.className = 'addr';
      a.textContent = c.address;
      b.append(a);
      b.addEventListener('click', () => { current = c.address; render(); $('text').focus(); });
      li.append(b);
      return li;
    }));
  }

  function renderBox() {
    const c = find();
    $('send').hidden = !c;
    $('outcome-wrap').hidden = !c;
    if (!c) {
      $('box-title').textContent = 'No customer selected';
      $('box-sub').textContent = 'Pick a customer or add one.';
      $('mailbox').replaceChildren();
      return;
    }
    $('box-title').textContent = 'Mailbox of ' + (c.name || c.address);
    $('box-sub').textContent = c.address + ' · writes to ' + state.supportAddress;
    $('text-label').textContent = 'Message as ' + (c.name || c.address);
    if (document.activeElement !== $('outcome')) $('outcome').value = c.outcome;
    $('mailbox').replaceChildren(...c.mailbox.map((m) => {
      const li = document.createElement('li');
      li.className = m.direction === 'in' ? 'from-us' : 'from-me';
      const head = document.createElement('div');
      head.className = 'mail-head';
      const who = document.createElement('span');
      who.textContent = (m.direction === 'in' ? 'From ' + state.supportAddress : 'You wrote') + ' · ' + time(m.at);
      const tags = document.createElement('span');
      if (m.direction === 'in') {
        const t = document.createElement('span');
        t.className = 'tag ' + (m.outcome || '');
        t.textContent = outcomeText[m.outcome] || m.outcome || 'Delivered';
        tags.append(t);
        const f = document.createElement('span');
        f.className = 'tag';
        f.textContent = m.html ? 'HTML and plain text' : 'Plain text';
        tags.append(f);
      } else if (m.smtp) {
        const t = document.createElement('span');
        t.className = 'tag';
        t.textContent = 'SMTP ' + m.smtp.split(' ')[0];
        t.title = m.smtp;
        tags.append(t);
      }
      head.append(who, tags);
      const subject = document.createElement('p');
      subject.className = 'mail-subject';
      subject.textContent = m.subject || '(no subject)';
      const body = document.createElement('p');
      body.className = 'mail-body';
      body.textContent = m.text;
      li.append(head, subject, body);
      if (m.attachments && m.attachments.length) {
        const a = document.createElement('p');
        a.className = 'sub';
        a.textContent = 'Attached: ' + m.attachments.map((x) => x.name).join(', ');
        li.append(a);
      }
      if (m.direction === 'in') {
        const actions = document.createElement('div');
        actions.className = 'actions';
        const reply = document.createElement('button');
        reply.type = 'button';
        reply.textContent = 'Reply';
        reply.setAttribute('aria-label', 'Reply to ' + (m.subject || 'this mail'));
        reply.addEventListener('click', () => { $('reply-to').value = m.messageId; syncCompose(); $('text').focus(); });
        actions.append(reply);
        li.append(actions);
      }
      return li;
    }));
    const ours = c.mailbox.filter((m) => m.direction === 'in');
    const selected = $('reply-to').value;
    const options = [new Option('Nobody: a new email', '')].concat(ours.map((m) => new Option((m.subject || '(no subject)') + ' · ' + time(m.at), m.messageId)));
    $('reply-to').replaceChildren(...options);
    $('reply-to').value = ours.some((m) => m.messageId === selected) ? selected : '';
    syncCompose();
  }

  function syncCompose() {
    const replying = !!$('reply-to').value;
    $('compose-legend').textContent = replying ? 'Reply' : 'New email';
    $('subject').disabled = replying;
    if (replying) $('subject').value = '';
  }

  function render() { renderCustomers(); renderBox(); }

  let loading = false;
  async function refresh() {
    if (loading) return;
    loading = true;
    try {
      const res = await fetch('state', { cache: 'no-store' });
      if (res.ok) {
        const next = await res.json();
        const changed = JSON.stringify(next) !== JSON.stringify(state);
        state = next;
        $('support').textContent = state.supportAddress;
        if (!current && state.customers[0]) current = state.customers[0].address;
        if (changed) render();
      }
    } finally { loading = false; }
  }

  async function post(path, body) {
    const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = await res.json().catch(() => ({}));
    return { ok: res.ok, json };
  }

  $('reply-to').addEventListener('change', syncCompose);
  $('send').addEventListener('submit', async (e) => {
    e.preventDefault();
    const c = find();
    const text = $('text').value.trim();
    if (!c || !text) return;
    $('send-error').textContent = '';
    const body = { from: c.address, name: c.name, text };
    if ($('reply-to').value) body.inReplyTo = $('reply-to').value;
    else if ($('subject').value.trim()) body.subject = $('subject').value.trim();
    if ($('attachment').value.trim()) body.attachment = $('attachment').value.trim();
    const r = await post('send', body);
    if (!r.ok || r.json.code !== 250) $('send-error').textContent = 'Switchboard did not accept the mail: ' + (r.json.response || r.json.error || 'no answer');
    else { $('text').value = ''; $('subject').value = ''; $('attachment').value = ''; }
    await refresh();
  });
  $('outcome').addEventListener('change', async (e) => {
    const c = find();
    if (c) await post('customer', { address: c.address, outcome: e.target.value });
    await refresh();
  });
  $('add').addEventListener('submit', async (e) => {
    e.preventDefault();
    const address = $('add-address').value.trim().toLowerCase();
    if (!address) return;
    const name = $('add-name').value.trim();
    await post('customer', { address, ...(name ? { name } : {}) });
    current = address;
    $('add').reset();
    await refresh();
    render();
    $('subject').focus();
  });
  refresh();
  setInterval(refresh, 700);
})();
</script>
</body>
</html>
`;
