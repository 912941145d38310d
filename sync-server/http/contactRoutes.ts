import type { Directory } from '../auth/Directory.ts';
import type { ContactBook } from '../contacts/ContactBook.ts';
import type { Logger } from '../ops/log.ts';
import { readJson, sendError } from './responses.ts';
import type { Router } from './Router.ts';
import { requirePrincipal, sendResult } from './teamRoutes.ts';

/**
 * Contact profiles (CON1–CON6). Profiles themselves are read from the index document's
 * `contacts` map (live); changes go through here so the server can check them:
 *   POST /api/contacts/update   {contactId, changes} → ContactProfile   (any member)
 *   POST /api/contacts/merge    {targetId, sourceId} → ContactProfile   (admins and leads)
 */
export function contactRoutes(router: Router, deps: { directory: Directory; contacts: ContactBook; logger: Logger }): void {
  const { directory, contacts, logger } = deps;
  const route = (path: string, run: typeof contacts.update) =>
    router.on('POST', path, async (ctx) => {
      const principal = requirePrincipal(ctx, directory);
      if (!principal) return;
      const body = await readJson(ctx.req, 64 * 1024);
      if (!body.ok) return sendError(ctx.res, body.status, body.error, body.message);
      const result = await run(principal, body.value);
      if (!result.ok) logger.info({ event: 'contact_refused', rule: result.rule, agent: principal.agentId });
      sendResult(ctx.res, result);
    });
  route('/api/contacts/update', (p, b) => contacts.update(p, b));
  route('/api/contacts/merge', (p, b) => contacts.merge(p, b));
}
