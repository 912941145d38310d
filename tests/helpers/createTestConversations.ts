import type * as Y from 'yjs';
import { parseDocName } from '../../shared/ids.ts';
import { CONV_ROOTS } from '../../shared/schema/conversation.ts';

/**
 * Creates conversation documents the way ConversationService does (meta first, then state), so
 * clients may open them (DOC2: a conversation the server never created is refused). Names are
 * full document names (`ws/conv/c1`); creating one again changes nothing.
 */
export async function createTestConversations(
  docs: { change<T>(name: string, actor: string, fn: (doc: Y.Doc) => T): Promise<T> },
  names: readonly string[],
): Promise<void> {
  for (const name of names) {
    const ref = parseDocName(name);
    if (ref?.kind !== 'conversation') throw new Error(`not a conversation document: ${name}`);
    await docs.change(name, 'test-server', (doc) => {
      const meta = doc.getMap(CONV_ROOTS.meta);
      if (meta.get('id') === ref.conversationId) return;
      meta.set('id', ref.conversationId);
      meta.set('channel', 'webchat');
      meta.set('contact', { id: `contact-${ref.conversationId}`, name: 'Test Contact' });
      meta.set('createdAt', 1);
      meta.set('assigneeId', null);
      doc.getMap(CONV_ROOTS.state).set('status', 'open');
    });
  }
}
