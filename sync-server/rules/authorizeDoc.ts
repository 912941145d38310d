import { type DocRef, parseDocName } from '../../shared/ids.ts';
import type * as Y from 'yjs';
import { CONV_ROOTS } from '../../shared/schema/conversation.ts';
import type { Principal } from '../auth/Principal.ts';

export type DocAccess =
  | { ok: true; ref: DocRef }
  | { ok: false; reason: 'unknown-document' | 'forbidden'; rule: 'DOC1' | 'AUTH2' | 'AUTH3' };

/**
 * Whether `principal` may open document `name` (read it, and send updates that validateUpdate
 * then checks): DOC1 the name is one of the schema's forms; AUTH2 it is in the principal's
 * workspace; AUTH3 an agent document belongs to that agent.
 */
export function authorizeDoc(principal: Principal, name: string): DocAccess {
  const ref = parseDocName(name);
  if (!ref) return { ok: false, reason: 'unknown-document', rule: 'DOC1' };
  if (ref.workspaceId !== principal.workspaceId) return { ok: false, reason: 'forbidden', rule: 'AUTH2' };
  if (ref.kind === 'agent' && ref.agentId !== principal.agentId) return { ok: false, reason: 'forbidden', rule: 'AUTH3' };
  return { ok: true, ref };
}

/**
 * DOC2: a conversation document exists once the server has created it (ConversationService
 * writes `meta.id` first, before the conversation reaches the index). Checked on the loaded
 * document before any client frame for it is handled: a client cannot conjure up a conversation
 * by writing to a name the server never gave out. Other document kinds exist with their
 * workspace or agent (checked by authorizeDoc).
 */
export function documentExists(ref: DocRef, doc: Y.Doc): boolean {
  if (ref.kind !== 'conversation') return true;
  return doc.getMap(CONV_ROOTS.meta).get('id') === ref.conversationId;
}
