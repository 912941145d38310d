/**
 * The simulators' "phone" page (`GET /_sim/`): play a WhatsApp or SMS customer. Pick or add a
 * customer, read the thread with our replies and their statuses, write as the customer, and turn
 * WhatsApp read receipts off or make an SMS phone unreachable. Plain HTML and a little script,
 * talking to the control API on the same origin (`/_sim/state`, `/_sim/{whatsapp,sms}/send`,
 * `/_sim/customer`).
 */
import { simulatorPageHead } from './simulatorPageHead.ts';

export const PHONE_PAGE_HTML = `${simulatorPageHead({
  title: 'Customer phone',
  accent: '#0f5132',
  accentTint: '#e6f4ea',
  focusRing: '#1d4ed8',
  panelWidth: '560px',
  stackBelow: '720px',
  pageStyles: `
  .tag { font-size: 11px; padding: 1px 6px; border-radius: 99px; background: #eef0f3; margin-left: 6px; }
  .phone { display: flex; flex-direction: column; min-height: 480px; background: #efeae2; }
  .phone h2 { margin-bottom: 2px; }
  .phone .sub { font-size: 12px; color: #4b5563; margin: 0 0 8px; }
  /* The log region holds a real list (role=log on the <ol> would orphan its items). */
  .thread-log { flex: 1; display: flex; flex-direction: column; min-height: 0; }
  ol.thread { list-style: none; margin: 0; padding: 8px 0; flex: 1; overflow-y: auto; max-height: 60vh; display: flex; flex-direction: column; gap: 6px; }
  ol.thread li { max-width: 80%; padding: 6px 10px; border-radius: 10px; background: #fff; box-shadow: 0 1px 1px rgb(0 0 0 / 8%); white-space: pre-wrap; overflow-wrap: anywhere; }
  ol.thread li.mine { align-self: flex-end; background: #d9fdd3; }
  ol.thread li.theirs { align-self: flex-start; }
  ol.thread li.typing { font-style: italic; color: #128c7e; }
  .ticks { color: #4f5d66; }
  .ticks-read { color: #0369a1; font-weight: 600; }
  .meta { display: block; font-size: 11px; color: #4b5563; margin-top: 2px; }
  .status-failed, .status-undelivered { color: #b91c1c; font-weight: 600; }
  .toggles { display: flex; gap: 16px; flex-wrap: wrap; font-size: 13px; margin: 6px 0; }
  .toggles label { display: inline-flex; gap: 6px; align-items: center; margin: 0; }
`,
})}<body>
<header>
  <h1>Customer phone</h1>
  <p>Play a customer on WhatsApp or SMS. Messages go to Switchboard through the provider simulators, signed as the real providers sign them.</p>
</header>
<main>
  <section aria-labelledby="customers-title">
    <h2 id="customers-title">Customers</h2>
    <ul class="customers" id="customers" aria-label="Customers"></ul>
    <form id="add">
      <fieldset>
        <legend>New customer</legend>
        <label for="add-channel">Channel</label>
        <select id="add-channel" name="channel">
          <option value="whatsapp">WhatsApp</option>
          <option value="sms">SMS</option>
        </select>
        <label for="add-number">Phone number</label>
        <input id="add-number" name="number" type="tel" required placeholder="+16505550199" autocomplete="off">
        <label for="add-name">Name (WhatsApp profile)</label>
        <input id="add-name" name="name" type="text" autocomplete="off">
        <button class="primary" type="submit">Add customer</button>
      </fieldset>
    </form>
  </section>
  <section class="phone" aria-labelledby="phone-title">
    <h2 id="phone-title">No customer selected</h2>
    <p class="sub" id="phone-sub">Pick a customer or add one.</p>
    <div class="toggles" id="toggles" hidden>
      <label id="receipts-wrap"><input type="checkbox" id="receipts"> Send read receipts</label>
      <label id="unreachable-wrap"><input type="checkbox" id="unreachable"> Phone unreachable (carrier error 30003)</label>
    </div>
    <div class="thread-log" role="log" aria-live="polite" aria-labelledby="phone-title"><ol class="thread" id="thread"></ol></div>
    <form id="send" hidden>
      <label for="to">To (our number)</label>
      <select id="to"></select>
      <label for="text" id="text-label">Message</label>
      <textarea id="text" rows="2" required></textarea>
      <button class="primary" type="submit">Send</button>
      <p class="error" id="send-error" role="alert"></p>
    </form>
  </section>
</main>
<script>
(() => {
  const $ = (id) => document.getElementById(id);
  let state = { whatsapp: [], sms: [] };
  let current = null; // { channel, id }
  const key = (c) => c.channel + ':' + c.id;
  const label = { whatsapp: 'WhatsApp', sms: 'SMS' };
  const statusText = { accepted: 'Accepted', queued: 'Queued', sending: 'Sending', sent: 'Sent', delivered: 'Delivered', read: 'Read', failed: 'Failed', undelivered: 'Undelivered' };
  const time = (at) => new Date(at).toLocaleTimeString('en-US', { hour: 'numeric', minute: '2-digit' });

  function all() {
    return [
      ...state.whatsapp.map((c) => ({ ...c, channel: 'whatsapp' })),
      ...state.sms.map((c) => ({ ...c, channel: 'sms' })),
    ];
  }
  function find(sel) { return sel && all().find((c) => c.channel === sel.channel && c.id === sel.id); }

  function renderCustomers() {
    const list = $('customers');
    const items = all();
    list.replaceChildren(...items.map((c) => {
      const li = document.createElement('li');
      const b = document.createElement('button');
      b.type = 'button';
      b.setAttribute('aria-pressed', String(!!current && key(current) === key(c)));
      b.textContent = c.name || c.id;
      const tag = document.createElement('span');
      tag.className = 'tag';
      tag.textContent = label[c.channel] + (c.name && c.name !== c.id ? ' · ' + c.id : '');
      b.append(tag);
      b.addEventListener('click', () => { current = { channel: c.channel, id: c.id }; render(); $('text').focus(); });
      li.append(b);
      return li;
    }));
    if (!items.length) {
      const li = document.createElement('li');
      li.className = 'empty';
      li.textContent = 'No customers yet.';
      list.replaceChildren(li);
    }
  }

  /** Our numbers on the current customer's channel (several inboxes: "Support", "Sales"). */
  function renderTo(c) {
    const numbers = (state.numbers && c ? state.numbers[c.channel] : null) || [];
    const select = $('to');
    const keep = select.value;
    const key = numbers.map((n) => n.id).join(',');
    if (select.dataset.key !== key) {
      select.replaceChildren(...numbers.map((n) => { const o = document.createElement('option'); o.value = n.id; o.textContent = n.label; return o; }));
      select.dataset.key = key;
      if (numbers.some((n) => n.id === keep)) select.value = keep;
    }
  }

  function renderPhone() {
    const c = find(current);
    renderTo(c);
    $('send').hidden = !c;
    $('toggles').hidden = !c;
    if (!c) {
      $('phone-title').textContent = 'No customer selected';
      $('phone-sub').textContent = 'Pick a customer or add one.';
      $('thread').replaceChildren();
      return;
    }
    $('phone-title').textContent = (c.name || c.id) + ' (' + label[c.channel] + ')';
    $('phone-sub').textContent = c.channel === 'whatsapp' ? 'WhatsApp +' + c.id.replace(/^\\+/, '') : 'SMS ' + c.id;
    $('text-label').textContent = 'Message as ' + (c.name || c.id);
    $('receipts-wrap').hidden = c.channel !== 'whatsapp';
    $('unreachable-wrap').hidden = c.channel !== 'sms';
    $('receipts').checked = c.readReceipts !== false;
    $('unreachable').checked = c.outcome !== undefined && c.outcome !== 'delivered';
    const thread = $('thread');
    const atBottom = thread.scrollHeight - thread.scrollTop - thread.clientHeight < 40;
    thread.replaceChildren(...c.lines.map((l) => {
      const li = document.createElement('li');
      li.className = l.direction === 'in' ? 'mine' : 'theirs';
      li.textContent = l.text;
      const meta = document.createElement('span');
      meta.className = 'meta';
      const parts = [l.direction === 'in' ? 'You' : 'Business', time(l.at)];
      meta.textContent = parts.join(' · ');
      if (l.direction === 'in' && c.channel === 'whatsapp') {
        const t = document.createElement('span');
        t.className = 'ticks' + (l.readByBusiness ? ' ticks-read' : '');
        t.textContent = l.readByBusiness ? ' · ✓✓ Read' : ' · ✓✓ Delivered';
        meta.append(t);
      }
      if (l.direction === 'out') {
        const s = document.createElement('span');
        s.className = 'status status-' + (l.status || 'accepted');
        s.textContent = ' · ' + (statusText[l.status] || l.status || 'Accepted');
        meta.append(s);
      }
      li.append(meta);
      return li;
    }));
    if (c.typing) {
      const li = document.createElement('li');
      li.className = 'theirs typing';
      li.textContent = 'typing…';
      thread.append(li);
    }
    if (atBottom) thread.scrollTop = thread.scrollHeight;
  }

  function render() { renderCustomers(); renderPhone(); }

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
        if (!current) {
          const first = all()[0];
          if (first) current = { channel: first.channel, id: first.id };
        }
        if (changed) render();
      }
    } finally { loading = false; }
  }

  async function post(path, body) {
    const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = await res.json().catch(() => ({}));
    return { ok: res.ok, json };
  }

  $('send').addEventListener('submit', async (e) => {
    e.preventDefault();
    const c = find(current);
    const text = $('text').value.trim();
    if (!c || !text) return;
    $('send-error').textContent = '';
    const r = await post(c.channel + '/send', { from: c.id, name: c.name, text, ...($('to').value ? { to: $('to').value } : {}) });
    const code = r.json.switchboardStatus;
    if (!r.ok || (code !== 200 && code !== 204)) $('send-error').textContent = 'Switchboard did not accept the message (' + (code ?? r.json.error ?? 'no answer') + ').';
    else $('text').value = '';
    await refresh();
  });
  $('text').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); $('send').requestSubmit(); }
  });
  $('receipts').addEventListener('change', async (e) => {
    const c = find(current);
    if (c) await post('customer', { channel: 'whatsapp', from: c.id, readReceipts: e.target.checked });
    await refresh();
  });
  $('unreachable').addEventListener('change', async (e) => {
    const c = find(current);
    if (c) await post('customer', { channel: 'sms', from: c.id, outcome: e.target.checked ? 30003 : 'delivered' });
    await refresh();
  });
  $('add').addEventListener('submit', async (e) => {
    e.preventDefault();
    const channel = $('add-channel').value;
    let number = $('add-number').value.replace(/[^0-9+]/g, '');
    if (!number) return;
    const id = channel === 'whatsapp' ? number.replace(/^\\+/, '') : (number.startsWith('+') ? number : '+' + number);
    const name = $('add-name').value.trim();
    await post('customer', { channel, from: id, ...(name ? { name } : {}) });
    current = { channel, id };
    $('add').reset();
    await refresh();
    render();
    $('text').focus();
  });
  refresh();
  setInterval(refresh, 700);
})();
</script>
</body>
</html>
`;
