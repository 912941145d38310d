import { newId } from '../../shared/ids.ts';
import type { Role } from '../../shared/schema/roles.ts';
import type { DeliveryState } from '../../shared/schema/delivery.ts';
import type { Directory } from '../auth/Directory.ts';
import type { ConversationService } from '../conversations/ConversationService.ts';
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
  | { from: AgentKey; text: string; min: number; note?: true; receipt?: DeliveryState };

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
      { from: 'dana', text: 'Offer a replacement, no return needed for broken stoves under $80.', min: 9, note: true },
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
        });
      }
    }
    if (c.lines.length < 2 && c.assignee) await conversations.assign(DEMO_WORKSPACE.id, meta.id, ids[c.assignee], at(c.lines[0]?.min ?? 0));
    if (c.resolvedBy) {
      const last = c.lines.at(-1)?.min ?? 0;
      await conversations.setStatus(DEMO_WORKSPACE.id, meta.id, 'resolved', names[c.resolvedBy], at(last + 2));
    }
  }
  deps.logger.info({ event: 'demo_seeded', workspace: DEMO_WORKSPACE.id, conversations: CONVERSATIONS.length });
  return { seeded: true };
}
