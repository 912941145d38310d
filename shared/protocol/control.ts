import { z } from '../zod.ts';
import { REJECT_REASONS, type RejectReason } from './rejectReasons.ts';

/**
 * Control messages: MessageType.control (100) followed by one varString of JSON.
 * Tagged unions on `type`, one per direction.
 */

/** Server → client, first frame of every connection. */
export const HelloMessage = z.object({
  type: z.literal('hello'),
  protocolVersion: z.int(),
  agentId: z.string(),
  /** Server's id for this connection, for support logs. */
  connectionId: z.string(),
});

/** Server → client: an update on `doc` was refused; nothing of it was applied. */
export const UpdateRejectedMessage = z.object({
  type: z.literal('update-rejected'),
  doc: z.string(),
  reason: z.enum(Object.keys(REJECT_REASONS) as [RejectReason, ...RejectReason[]]),
  /** Human-readable detail, e.g. which rule (rule ID) refused it. */
  detail: z.string(),
  /** Rule ID from docs/rules.md. */
  rule: z.optional(z.string()),
});

/** Server → client: a document could not be opened on this multiplexed connection. */
export const DocErrorMessage = z.object({
  type: z.literal('doc-error'),
  doc: z.string(),
  reason: z.enum(['forbidden', 'unknown-document']),
});

/** Client → server: stop syncing `doc` on this multiplexed connection. */
export const UnsubscribeMessage = z.object({ type: z.literal('unsubscribe'), doc: z.string() });

export const ServerControl = z.discriminatedUnion('type', [HelloMessage, UpdateRejectedMessage, DocErrorMessage]);
export type ServerControl = z.infer<typeof ServerControl>;

/**
 * Client → server: there was input on this device `idleMs` ago. Sent on connect and then at most
 * once per ACTIVITY_PING_MS while there is input; read only by the server (PRS5), never relayed.
 */
export const ActivityMessage = z.object({ type: z.literal('activity'), idleMs: z.int().check(z.gte(0), z.lte(7 * 24 * 3600_000)) });

/** A device reports input at most this often (the server derives Away from these, PRS4). */
export const ACTIVITY_PING_MS = 30_000;

export const ClientControl = z.discriminatedUnion('type', [UnsubscribeMessage, ActivityMessage]);
export type ClientControl = z.infer<typeof ClientControl>;
