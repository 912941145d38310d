import type { Principal } from '../../sync-server/auth/Principal.ts';
import type { MessageEntry } from '../../shared/schema/message.ts';

/** Principals of workspace `ws` (and one outsider), by token. */
export const PRINCIPALS = {
  dana: { agentId: 'dana', workspaceId: 'ws', role: 'agent', name: 'Dana Reyes', sessionId: 's-dana' },
  lee: { agentId: 'lee', workspaceId: 'ws', role: 'lead', name: 'Lee Chen', sessionId: 's-lee' },
  sam: { agentId: 'sam', workspaceId: 'ws', role: 'agent', name: 'Sam Patel', sessionId: 's-sam' },
  eve: { agentId: 'eve', workspaceId: 'other', role: 'admin', name: 'Eve Outsider', sessionId: 's-eve' },
} satisfies Record<string, Principal>;

export const TOKENS: Record<string, Principal> = {
  'token-dana': PRINCIPALS.dana,
  'token-lee': PRINCIPALS.lee,
  'token-sam': PRINCIPALS.sam,
  'token-eve': PRINCIPALS.eve,
};

let n = 0;
/** A valid message entry by `agentId`. */
export function messageBy(agentId: string, text = 'Hello from the test'): MessageEntry {
  n++;
  return { id: `msg${n}x${Date.now().toString(36)}`, kind: 'message', author: { type: 'agent', id: agentId }, text, createdAt: Date.now() };
}
