import { z } from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { ID_PATTERN } from './ids.ts';

/**
 * The zod every schema of shared/ (document schemas, wire and REST schemas) is written with:
 * zod/mini, the functional form of zod 4 (`z.optional(z.string().check(z.maxLength(9)))` for
 * `z.string().max(9).optional()`).
 *
 * Why not the chained form: the PWA validates with these schemas while it starts (notification
 * preferences, the quick-reply library, entries it re-applies after a refusal) and imports the
 * protocol modules for their constants, so they are in its start-up bundle. Classic zod builds
 * every schema with all of its ~40 methods and is not tree-shaken: 89 KB of the 405 KB the PWA
 * compiled before its first paint (docs/performance.md, session 10). Mini builds the same zod 4
 * core schemas, with the same issues, and a bundle carries only the checks it uses.
 *
 * What it costs: mini parses objects without classic's generated fast path (a full
 * AgentEntrySchema parse: ~4 µs against ~2.4). The server's per-message check settles plain
 * messages by hand and only parses the rest (sync-server/rules/docRules.ts).
 *
 * The server's request, webhook and channel-configuration schemas (sync-server/) use it too
 * (since session 13): loading classic zod as well cost the server about 1 MB of heap that every
 * full garbage collection marks (docs/performance.md). Mini carries no error messages of its
 * own, so the English ones are configured here, for the editors of the PWA and the server's
 * refusals alike.
 */
z.config(en());

/** An id (shared/ids.ts): the one schema every id field of shared/ uses. */
export const IdSchema = z.string().check(z.regex(ID_PATTERN));

export { z };
