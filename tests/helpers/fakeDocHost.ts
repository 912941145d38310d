import * as Y from 'yjs';
import { parseDocName } from '../../shared/ids.ts';
import { AGENT_ROOTS } from '../../shared/schema/agentDoc.ts';
import { CONV_ROOTS } from '../../shared/schema/conversation.ts';
import { SETTINGS_ROOTS } from '../../shared/schema/settings.ts';
import { INDEX_ROOTS } from '../../shared/schema/workspaceIndex.ts';
import type { Principal } from '../../sync-server/auth/Principal.ts';
import type { ClientUpdateEvent, DocHost } from '../../sync-server/docs/DocHost.ts';
import type { Origin } from '../../sync-server/docs/origins.ts';

/** Declares the schema's root types, so a doc filled from updates has typed roots. */
function typeRoots(doc: Y.Doc, name: string): void {
  const ref = parseDocName(name);
  if (!ref) return;
  switch (ref.kind) {
    case 'conversation':
      doc.getArray(CONV_ROOTS.messages);
      doc.getMap(CONV_ROOTS.receipts);
      doc.getMap(CONV_ROOTS.meta);
      doc.getMap(CONV_ROOTS.state);
      return;
    case 'index':
      doc.getMap(INDEX_ROOTS.conversations);
      doc.getMap(INDEX_ROOTS.members);
      return;
    case 'settings':
      doc.getMap(SETTINGS_ROOTS.workspace);
      return;
    case 'agent':
      for (const root of Object.values(AGENT_ROOTS)) doc.getMap(root);
      return;
  }
}

/**
 * An in-memory DocHost for server unit tests: no storage, no validation. `clientChange`
 * stands in for a validated client update (what DocRegistry does after the rules accept one).
 */
export class FakeDocHost implements DocHost {
  readonly docs = new Map<string, Y.Doc>();
  private readonly listeners = new Set<(event: ClientUpdateEvent) => void>();
  private readonly acceptListeners = new Set<(event: ClientUpdateEvent) => void>();
  /** Every server-origin change, in order: [doc name, actor]. */
  readonly serverChanges: Array<[string, string]> = [];

  doc(name: string): Y.Doc {
    let doc = this.docs.get(name);
    if (!doc) {
      doc = new Y.Doc();
      typeRoots(doc, name);
      this.docs.set(name, doc);
    }
    return doc;
  }

  async change<T>(name: string, actor: string, fn: (doc: Y.Doc) => T): Promise<T> {
    await Promise.resolve();
    const doc = this.doc(name);
    let result!: T;
    const origin: Origin = { kind: 'server', actor };
    doc.transact(() => {
      result = fn(doc);
    }, origin);
    this.serverChanges.push([name, actor]);
    return result;
  }

  /** How many times read() ran (what a cache saves). */
  readCount = 0;

  async read<T>(name: string, fn: (doc: Y.Doc) => T): Promise<T> {
    await Promise.resolve();
    this.readCount++;
    return fn(this.doc(name));
  }

  peek<T>(name: string, fn: (doc: Y.Doc) => T): T | undefined {
    return fn(this.doc(name));
  }

  onClientUpdate(listener: (event: ClientUpdateEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onClientUpdateAccepted(listener: (event: ClientUpdateEvent) => void): () => void {
    this.acceptListeners.add(listener);
    return () => this.acceptListeners.delete(listener);
  }

  /**
   * Applies a change as if a client had sent it: `fn` edits a throwaway copy of the document,
   * the resulting update is applied with a client origin, and listeners get the event.
   */
  clientChange(name: string, principal: Principal, fn: (doc: Y.Doc) => void): ClientUpdateEvent {
    const ref = parseDocName(name);
    if (!ref) throw new Error(`not a document name: ${name}`);
    const doc = this.doc(name);
    const copy = new Y.Doc();
    typeRoots(copy, name);
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
    const before = Y.encodeStateVector(copy);
    fn(copy);
    const update = Y.encodeStateAsUpdate(copy, before);

    const lengths = new Map<string, number>();
    for (const [root, type] of doc.share) if (type instanceof Y.Array) lengths.set(root, type.length);
    const added = new Map<string, unknown[]>();
    const collect = (tr: Y.Transaction) => {
      for (const [type, keys] of tr.changed) {
        const root = [...doc.share].find(([, t]) => t === type)?.[0];
        if (root === undefined) continue;
        if (type instanceof Y.Array) added.set(root, type.slice(lengths.get(root) ?? 0));
        else if (type instanceof Y.Map) {
          const values = [...keys].filter((k): k is string => k !== null && type.has(k)).map((k) => type.get(k));
          if (values.length) added.set(root, values);
        }
      }
    };
    doc.on('afterTransaction', collect);
    const origin: Origin = { kind: 'client', connectionId: 'fake-conn', principal };
    Y.applyUpdate(doc, update, origin);
    doc.off('afterTransaction', collect);

    const event: ClientUpdateEvent = { name, ref, doc, principal, update, added };
    for (const listener of this.acceptListeners) listener(event);
    this.emit(event);
    return event;
  }

  /** Calls the client-update listeners with `event` (e.g. to replay one). */
  emit(event: ClientUpdateEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

/** A principal for tests. */
export function agentPrincipal(over: Partial<Principal> = {}): Principal {
  return { agentId: 'agent1', workspaceId: 'ws', role: 'agent', name: 'Dana Reyes', sessionId: 's1', ...over };
}
