import { type ClientAction, closeCodeByNumber } from '../../shared/protocol/closeCodes.ts';

/**
 * What the client does after its sync socket closed with `code`: our own codes say it
 * (shared/protocol/closeCodes.ts); every other code (1000 normal, 1001 going away, 1006
 * network loss, 1011 server error, 1012 restart…) means the connection was lost: retry.
 */
export function closeAction(code: number): { action: ClientAction; reason: string } {
  const known = closeCodeByNumber(code);
  if (known) return { action: known.action, reason: known.reason };
  return { action: 'retry', reason: code === 1006 ? 'connection-lost' : `closed-${code}` };
}
