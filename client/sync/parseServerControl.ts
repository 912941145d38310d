import type { ServerControl } from '../../shared/protocol/control.ts';
import { isRejectReason } from '../../shared/protocol/rejectReasons.ts';

/**
 * Reads a server control message (shared/protocol/control.ts) the way `ServerControl.safeParse`
 * does, without zod: the client would otherwise build every zod schema it imports before its
 * first paint (~20 ms of a cold start). Unknown keys are dropped, like zod's objects do.
 * Returns null for anything that is not a valid message.
 */
export function parseServerControl(value: unknown): ServerControl | null {
  if (!isRecord(value)) return null;
  switch (value.type) {
    case 'hello': {
      const { protocolVersion, agentId, connectionId } = value;
      if (!Number.isInteger(protocolVersion) || typeof agentId !== 'string' || typeof connectionId !== 'string') return null;
      return { type: 'hello', protocolVersion: protocolVersion as number, agentId, connectionId };
    }
    case 'update-rejected': {
      const { doc, reason, detail, rule } = value;
      if (typeof doc !== 'string' || !isRejectReason(reason) || typeof detail !== 'string') return null;
      if (rule !== undefined && typeof rule !== 'string') return null;
      return rule === undefined ? { type: 'update-rejected', doc, reason, detail } : { type: 'update-rejected', doc, reason, detail, rule };
    }
    case 'doc-error': {
      const { doc, reason } = value;
      if (typeof doc !== 'string' || (reason !== 'forbidden' && reason !== 'unknown-document')) return null;
      return { type: 'doc-error', doc, reason };
    }
    default:
      return null;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
