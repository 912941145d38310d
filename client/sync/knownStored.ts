/**
 * What the server has stored of a document, as far as this device knows: per clientID, the
 * clock below which everything that client wrote is durable on the server. It only grows.
 *
 * Learned from three things the server guarantees (shared/protocol/stored.ts): its sync step 1
 * (its state vector, sent only once what it covers is durable), its `stored` acknowledgement of
 * each of our updates, and every update it sends us (durable before anyone is sent it). The sync
 * client keeps it per document in IndexedDB, so it is known offline after a reload too.
 */
export type KnownStored = Map<number, number>;

/** Raises `known` to `clocks` where they are ahead; true when anything grew. */
export function raiseKnown(known: KnownStored, clocks: Iterable<[number, number]>): boolean {
  let grew = false;
  for (const [client, clock] of clocks) {
    if (clock > (known.get(client) ?? 0)) {
      known.set(client, clock);
      grew = true;
    }
  }
  return grew;
}

/** The clocks a transaction advanced (its after-state where it differs from its before-state). */
export function advancedClocks(before: ReadonlyMap<number, number>, after: ReadonlyMap<number, number>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [client, clock] of after) if (before.get(client) !== clock) out.push([client, clock]);
  return out;
}
