import { z } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/**
 * The zod every document schema of shared/schema is written with: zod/mini, the functional
 * form of zod 4 (`z.optional(z.string().check(z.maxLength(9)))` for `z.string().max(9).optional()`).
 *
 * Why not the chained form: the PWA validates with these schemas while it starts (notification
 * preferences, the quick-reply library, entries it re-applies after a refusal), so they are in
 * its start-up bundle. Classic zod builds every schema with all of its ~40 methods and cannot be
 * tree-shaken: 89 KB of the 400 KB the PWA compiled before its first paint, and ~20 ms of its
 * cold start (docs/performance.md, session 10). Mini parses the same way with the same issues,
 * and a bundle carries only the checks it uses.
 *
 * The server's own request schemas (sync-server/, shared/protocol/) stay on classic zod, and the
 * two mix: both are zod 4 core schemas. Mini carries no error messages of its own, so the English
 * ones are configured here, for the editors of the PWA and the server's refusals alike.
 */
z.config(en());

export { z };
