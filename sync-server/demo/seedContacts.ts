import { indexDoc } from '../../shared/ids.ts';
import type { ContactChanges } from '../../shared/schema/contact.ts';
import { type ConversationSummary, INDEX_ROOTS } from '../../shared/schema/workspaceIndex.ts';
import type { Directory } from '../auth/Directory.ts';
import type { ContactBook } from '../contacts/ContactBook.ts';
import type { DocHost } from '../docs/DocHost.ts';
import { DEMO_WORKSPACE } from './seed.ts';

/** Profile details of demo contacts, so variables like {{company}} have something to fill in. */
const PROFILES: Record<string, ContactChanges> = {
  'Maya Thompson': { firstName: 'Maya', lastName: 'Thompson', email: 'maya@thompson.design', company: 'Thompson Design', attributes: { plan: 'Pro', order_count: '7' } },
  'Jonas Berg': { firstName: 'Jonas', lastName: 'Berg', company: 'Nordic Trails', attributes: { plan: 'Basic' } },
  'Priya Nair': { firstName: 'Priya', lastName: 'Nair', email: 'priya.nair@example.com', attributes: { plan: 'Pro' } },
};

/** Fills in the demo contacts' profiles, as Dana (admin) would have. */
export async function seedDemoContacts(deps: { contacts: ContactBook; directory: Directory; docs: DocHost }): Promise<void> {
  const dana = deps.directory.findAgent(DEMO_WORKSPACE.id, 'dana@example.com');
  if (!dana) return;
  const principal = { agentId: dana.id, workspaceId: DEMO_WORKSPACE.id, role: dana.role, name: dana.name, sessionId: 'demo-seed' };
  const byName = await deps.docs.read(indexDoc(DEMO_WORKSPACE.id), (doc) => {
    const found = new Map<string, string>();
    doc.getMap<ConversationSummary>(INDEX_ROOTS.conversations).forEach((s) => found.set(s.contactName, s.contactId));
    return found;
  });
  for (const [name, changes] of Object.entries(PROFILES)) {
    const contactId = byName.get(name);
    if (contactId) await deps.contacts.update(principal, { contactId, changes });
  }
}
