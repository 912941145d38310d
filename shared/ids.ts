/** Identifiers and document names: the one place that says how a document is named. */

/** Every id we mint or accept: 1–64 of [A-Za-z0-9_-]. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export const isId = (value: unknown): value is string =>
  typeof value === 'string' && ID_PATTERN.test(value);

/** A random url-safe id (128 bits), usable in browsers and Node. */
export function newId(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/**
 * The documents of a workspace. Names are path-like so a stock y-websocket
 * provider can use them as its room name (`/sync/<name>`).
 *
 *   <ws>/index            workspace index: conversation summaries, members   (server writes)
 *   <ws>/settings         workspace settings                                  (admins, leads)
 *   <ws>/conv/<conv>      one conversation: messages, notes, receipts, meta
 *   <ws>/agent/<agent>    an agent's private document: drafts, read and scroll positions, prefs
 */
export type DocRef =
  | { kind: 'index'; workspaceId: string }
  | { kind: 'settings'; workspaceId: string }
  | { kind: 'conversation'; workspaceId: string; conversationId: string }
  | { kind: 'agent'; workspaceId: string; agentId: string };

export type DocKind = DocRef['kind'];

export function docName(ref: DocRef): string {
  switch (ref.kind) {
    case 'index':
      return `${ref.workspaceId}/index`;
    case 'settings':
      return `${ref.workspaceId}/settings`;
    case 'conversation':
      return `${ref.workspaceId}/conv/${ref.conversationId}`;
    case 'agent':
      return `${ref.workspaceId}/agent/${ref.agentId}`;
  }
}

export const indexDoc = (workspaceId: string) => docName({ kind: 'index', workspaceId });
export const settingsDoc = (workspaceId: string) => docName({ kind: 'settings', workspaceId });
export const conversationDoc = (workspaceId: string, conversationId: string) =>
  docName({ kind: 'conversation', workspaceId, conversationId });
export const agentDoc = (workspaceId: string, agentId: string) =>
  docName({ kind: 'agent', workspaceId, agentId });

/** Parses a document name; null for anything that is not exactly one of the forms above. */
export function parseDocName(name: string): DocRef | null {
  if (name.length > 200) return null;
  const parts = name.split('/');
  const [ws, kind, id] = parts;
  if (!isId(ws)) return null;
  if (parts.length === 2 && kind === 'index') return { kind: 'index', workspaceId: ws };
  if (parts.length === 2 && kind === 'settings') return { kind: 'settings', workspaceId: ws };
  if (parts.length === 3 && kind === 'conv' && isId(id))
    return { kind: 'conversation', workspaceId: ws, conversationId: id };
  if (parts.length === 3 && kind === 'agent' && isId(id))
    return { kind: 'agent', workspaceId: ws, agentId: id };
  return null;
}
