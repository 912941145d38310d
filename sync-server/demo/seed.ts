import { newId } from '../../shared/ids.ts';
import type { Role } from '../../shared/schema/roles.ts';
import type { DeliveryState } from '../../shared/schema/delivery.ts';
import type { Directory } from '../auth/Directory.ts';
import type { ConversationService } from '../conversations/ConversationService.ts';
import type { DocHost } from '../docs/DocHost.ts';
import { settingsDoc } from '../../shared/ids.ts';
import { ROUTING_ROOT } from '../../shared/schema/routing.ts';
import { type CannedResponse, type QuickReply, SETTINGS_ROOTS } from '../../shared/schema/settings.ts';
import type { Logger } from '../ops/log.ts';
import type { WebchatGateway } from '../webchat/WebchatGateway.ts';

/** The demo workspace (`--demo`): the same everywhere (README, browser tests, startup banner). */
export const DEMO_WORKSPACE = { id: 'demo', name: 'Acme Support' } as const;
export const DEMO_PASSWORD = 'switchboard';
export const DEMO_AGENTS: ReadonlyArray<{ key: 'dana' | 'lee' | 'sam'; email: string; name: string; role: Role }> = [
  { key: 'dana', email: 'dana@example.com', name: 'Dana Reyes', role: 'admin' },
  { key: 'lee', email: 'lee@example.com', name: 'Lee Chen', role: 'lead' },
  { key: 'sam', email: 'sam@example.com', name: 'Sam Patel', role: 'agent' },
];

type AgentKey = (typeof DEMO_AGENTS)[number]['key'];

type Line =
  | { from: 'contact'; text: string; min: number }
  | { from: AgentKey; text: string; min: number; note?: true; receipt?: DeliveryState; mention?: AgentKey };

interface DemoConversation {
  contact: string;
  /** Minutes ago of the first message; each line's `min` counts on from there. */
  startedMinAgo: number;
  lines: Line[];
  assignee?: AgentKey;
  resolvedBy?: AgentKey;
}

const CONVERSATIONS: DemoConversation[] = [
  {
    contact: 'Maya Thompson',
    startedMinAgo: 2 * 24 * 60,
    assignee: 'dana',
    resolvedBy: 'dana',
    lines: [
      { from: 'contact', text: 'Hi! My order #10482 says delivered but I cannot find it anywhere.', min: 0 },
      { from: 'dana', text: 'Sorry about that, Maya. The carrier photo shows it at your side door: could you check there?', min: 4, receipt: 'read' },
      { from: 'contact', text: 'Found it behind the recycling bin. Thanks!', min: 11 },
    ],
  },
  {
    contact: 'Jonas Berg',
    startedMinAgo: 26 * 60,
    assignee: 'lee',
    lines: [
      { from: 'contact', text: 'I would like to return the Summit tent, it is too small for us.', min: 0 },
      { from: 'lee', text: 'Ordered on the 2nd: inside the 30 days, free return label is fine.', min: 3, note: true },
      { from: 'lee', text: 'No problem, Jonas. I have emailed you a free return label; the refund follows once it arrives.', min: 6, receipt: 'delivered' },
    ],
  },
  {
    contact: 'Priya Nair',
    startedMinAgo: 95,
    lines: [{ from: 'contact', text: 'Does the Trailhead 40L fit a 15" laptop in the back sleeve?', min: 0 }],
  },
  {
    contact: 'Carlos Mendes',
    startedMinAgo: 5 * 60,
    assignee: 'sam',
    lines: [
      { from: 'contact', text: 'My stove arrived with a cracked burner ring.', min: 0 },
      { from: 'contact', text: 'Photo is in the email I sent this morning.', min: 1 },
      { from: 'dana', text: '@Sam Patel offer a replacement, no return needed for broken stoves under $80.', min: 9, note: true, mention: 'sam' },
      { from: 'sam', text: 'Thanks Carlos, a replacement is on its way today; no need to send the broken one back.', min: 14, receipt: 'sent' },
    ],
  },
  {
    contact: 'Emma Wilson',
    startedMinAgo: 3 * 24 * 60,
    assignee: 'lee',
    resolvedBy: 'lee',
    lines: [
      { from: 'contact', text: 'The code SPRING15 says it has expired?', min: 0 },
      { from: 'lee', text: 'It ended on Sunday, but I have applied 15% to your order by hand.', min: 7, receipt: 'read' },
      { from: 'contact', text: 'Amazing, thank you!', min: 9 },
    ],
  },
  {
    contact: 'Kenji Watanabe',
    startedMinAgo: 40,
    lines: [
      { from: 'contact', text: 'Do you ship to Japan?', min: 0 },
      { from: 'contact', text: 'And how long would it take to Osaka?', min: 2 },
    ],
  },
  {
    contact: 'Fatima Al-Sayed',
    startedMinAgo: 8 * 60,
    assignee: 'dana',
    lines: [
      { from: 'contact', text: 'The zip on my jacket broke after two months. Is that covered?', min: 0 },
      { from: 'dana', text: 'Lifetime warranty covers zips: ask for a photo and the order number.', min: 5, note: true },
      { from: 'dana', text: 'Yes, that is covered by our warranty. Could you send a photo and your order number?', min: 6, receipt: 'read' },
      { from: 'contact', text: 'Sure, order 10377. Photo coming.', min: 20 },
    ],
  },
  {
    contact: 'Olivia Brown',
    startedMinAgo: 6,
    lines: [{ from: 'contact', text: 'Hi, is the Trailhead backpack coming back in forest green?', min: 0 }],
  },
];

/** Quick replies of the demo (`/` in the composer). */
export const DEMO_QUICK_REPLIES: QuickReply[] = [
  { id: 'qr-greeting', name: 'Greeting', shortcut: 'hi', category: 'Greetings', text: 'Hi {{first_name|there}}, thanks for reaching out! How can I help?', order: 1 },
  { id: 'qr-thanks', name: 'Thanks and close', shortcut: 'thx', category: 'Greetings', text: 'Thanks for your patience, {{first_name|there}}. Is there anything else I can help with?', order: 2 },
  { id: 'qr-order-number', name: 'Ask for order number', shortcut: 'order', category: 'Orders', text: 'Could you send me your order number? It starts with # and is in your confirmation email.', order: 3 },
  { id: 'qr-shipping', name: 'Shipping times', shortcut: 'ship', category: 'Orders', text: 'Orders ship within 2 business days; delivery takes 3–5 days in the US.', order: 4 },
  { id: 'qr-refund', name: 'Refund on its way', shortcut: 'refund', category: 'Billing', text: 'Your refund is on its way, {{first_name|there}}: it shows on your statement within 5–10 business days.', order: 5 },
  { id: 'qr-warranty', name: 'Warranty photo', shortcut: 'warranty', category: 'Technical Support', text: 'That is covered by our lifetime warranty. Could you send a photo of the damage and your order number?', order: 6 },
  { id: 'qr-plan', name: 'Plan check', shortcut: 'plan', category: 'Billing', text: 'I can see you are on the {{attributes.plan|standard}} plan at {{company|your company}}.', order: 7 },
  { id: 'qr-signoff', name: 'Sign-off', shortcut: 'bye', category: 'Greetings', text: 'Have a great day! — {{agent.first_name}}, {{workspace.name}}', order: 8 },
];

/** Canned responses of the demo (bookmark button beside the composer). */
export const DEMO_CANNED_RESPONSES: CannedResponse[] = [
  {
    id: 'cr-returns',
    title: 'Return policy',
    category: 'Orders',
    body: 'Hi {{first_name|there}},\n\nReturns are **free within 30 days** of delivery:\n\n1. Open [your orders](https://acme.example/orders)\n2. Choose *Return an item*\n3. Print the label and drop the parcel at any carrier point\n\nYour refund follows once the parcel arrives.',
    order: 1,
  },
  {
    id: 'cr-warranty',
    title: 'Lifetime warranty',
    category: 'Technical Support',
    body: 'Thanks {{first_name|there}}. Our **lifetime warranty** covers zips, seams and buckles. To start a claim we need:\n\n- a photo of the damage\n- your order number\n\nWe then send a replacement or repair, free of charge.',
    order: 2,
  },
  {
    id: 'cr-international',
    title: 'International shipping',
    category: 'Orders',
    body: 'We ship to 40 countries, Japan included. Delivery takes *7–12 business days*; duties are shown at checkout. Details: [shipping](https://acme.example/shipping).',
    order: 3,
  },
  {
    id: 'cr-billing',
    title: 'Duplicate charge',
    category: 'Billing',
    body: 'Hi {{first_name|there}}, I am sorry about the double charge. The second one is a **pending authorisation** that your bank releases within 3–5 business days. If it is still there after that, reply here and I will refund it right away.',
    order: 4,
  },
];

/**
 * Seeds the demo workspace (agents and eight webchat conversations: some resolved, some with
 * notes, some unassigned, one assigned to Sam) when it does not exist yet; does nothing
 * otherwise, so restarting with `--demo` keeps what was done in the demo.
 */
export async function seedDemo(deps: {
  directory: Directory;
  conversations: ConversationService;
  webchat: WebchatGateway;
  logger: Logger;
  now?: () => number;
  /** Where the settings document lives (quick replies, canned responses); skipped without. */
  docs?: DocHost;
}): Promise<{ seeded: boolean }> {
  const { directory, conversations, webchat } = deps;
  if (directory.getWorkspace(DEMO_WORKSPACE.id)) return { seeded: false };
  const now = (deps.now ?? Date.now)();
  const ws = directory.createWorkspace(DEMO_WORKSPACE.id, DEMO_WORKSPACE.name);
  if (!ws.ok) throw new Error(`demo seed: ${ws.message}`);

  const ids = {} as Record<AgentKey, string>;
  const names = {} as Record<AgentKey, string>;
  for (const a of DEMO_AGENTS) {
    const created = await directory.createAgent({ workspaceId: DEMO_WORKSPACE.id, email: a.email, name: a.name, role: a.role, password: DEMO_PASSWORD });
    if (!created.ok) throw new Error(`demo seed: ${created.message}`);
    ids[a.key] = created.value.id;
    names[a.key] = a.name;
  }

  for (const c of CONVERSATIONS) {
    const start = now - c.startedMinAgo * 60_000;
    const at = (min: number) => start + min * 60_000;
    const contactId = newId();
    const meta = await conversations.createConversation({
      workspaceId: DEMO_WORKSPACE.id,
      channel: 'webchat',
      contact: { id: contactId, name: c.contact },
      createdAt: start,
    });
    webchat.createOfflineVisitor(DEMO_WORKSPACE.id, c.contact, meta.id, contactId);
    for (const [i, line] of c.lines.entries()) {
      // The assignment lands in the history right after the contact's first message.
      if (i === 1 && c.assignee) await conversations.assign(DEMO_WORKSPACE.id, meta.id, ids[c.assignee], at(c.lines[0]?.min ?? 0));
      if (line.from === 'contact') {
        await conversations.appendContactMessage({ workspaceId: DEMO_WORKSPACE.id, conversationId: meta.id, key: `demo-seed:${meta.id}:${i}`, text: line.text, at: at(line.min) });
      } else {
        await conversations.importAgentEntry(DEMO_WORKSPACE.id, meta.id, {
          agentId: ids[line.from],
          kind: line.note ? 'note' : 'message',
          text: line.text,
          at: at(line.min),
          ...(line.receipt ? { receipt: line.receipt } : {}),
          // "@Sam Patel …" at the start of a note: a mention chip, as the @ picker stores it.
          ...(line.mention ? { mentions: [{ agentId: ids[line.mention], start: 0, end: `@${DEMO_AGENTS.find((a) => a.key === line.mention)?.name ?? ''}`.length }] } : {}),
        });
      }
    }
    if (c.lines.length < 2 && c.assignee) await conversations.assign(DEMO_WORKSPACE.id, meta.id, ids[c.assignee], at(c.lines[0]?.min ?? 0));
    if (c.resolvedBy) {
      const last = c.lines.at(-1)?.min ?? 0;
      await conversations.setStatus(DEMO_WORKSPACE.id, meta.id, 'resolved', names[c.resolvedBy], at(last + 2));
    }
  }
  await deps.docs?.change(settingsDoc(DEMO_WORKSPACE.id), 'demo-seed', (doc) => {
    const replies = doc.getMap(SETTINGS_ROOTS.quickReplies);
    for (const r of DEMO_QUICK_REPLIES) replies.set(r.id, r);
    const canned = doc.getMap(SETTINGS_ROOTS.cannedResponses);
    for (const c of DEMO_CANNED_RESPONSES) canned.set(c.id, c);
    // Auto-routing starts off in the demo (a visitor's chat stays Unassigned, as the tour shows);
    // Settings > Routing turns it on. Presence is live: whoever signs in shows Online.
    const routing = doc.getMap(ROUTING_ROOT);
    routing.set('enabled', false);
    routing.set('defaultCapacity', 5);
  });
  deps.logger.info({ event: 'demo_seeded', workspace: DEMO_WORKSPACE.id, conversations: CONVERSATIONS.length });
  return { seeded: true };
}
