import * as Y from 'yjs';
import { CONV_ROOTS } from '../../shared/schema/conversation.ts';

/**
 * Ids of the conversation's entries the server is not known to have stored (`known`: see
 * client/sync/knownStored.ts): entries written on this device that have not reached the server
 * yet. Walks only the structs past what is known, newest first, so it costs next to nothing when
 * everything is stored.
 */
export function unstoredEntryIds(doc: Y.Doc, known: ReadonlyMap<number, number>): ReadonlySet<string> {
  const out = new Set<string>();
  const messages = doc.getArray(CONV_ROOTS.messages);
  for (const [client, structs] of doc.store.clients) {
    const have = known.get(client) ?? 0;
    for (let i = structs.length - 1; i >= 0; i--) {
      const struct = structs[i]!;
      if (struct.id.clock + struct.length <= have) break;
      if (!(struct instanceof Y.Item) || struct.deleted || struct.parent !== messages || !(struct.content instanceof Y.ContentAny)) continue;
      const values = struct.content.getContent();
      // Each value of the item has its own clock: the first ones may be stored already.
      for (let k = Math.max(0, have - struct.id.clock); k < values.length; k++) {
        const id = (values[k] as { id?: unknown } | null)?.id;
        if (typeof id === 'string') out.add(id);
      }
    }
  }
  return out;
}
