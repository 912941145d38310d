import { z } from '../zod.ts';
import { MAX_TEXT_LENGTH } from '../schema/message.ts';
import { DELIVERY_STATES } from '../schema/delivery.ts';

/**
 * The webchat widget's protocol: JSON text frames over `/webchat/socket?token=<visitorToken>`.
 * A visitor sees only its own conversation, and only `message` entries (never notes or events).
 *
 * HTTP: POST /webchat/visitors {workspaceId, name?} → {visitorId, token}. The widget keeps the
 * token in localStorage: the same browser stays the same visitor.
 */

/** A message as the visitor sees it. */
export const VisitorMessage = z.object({
  id: z.string(),
  from: z.enum(['visitor', 'agent']),
  /** Display name of the agent who wrote it. */
  name: z.optional(z.string()),
  text: z.string(),
  at: z.number(),
  /** For the visitor's own messages: always 'sent' once stored. For agent messages: unused. */
  status: z.optional(z.enum(DELIVERY_STATES)),
});
export type VisitorMessage = z.infer<typeof VisitorMessage>;

// Visitor → server
export const WidgetSend = z.object({
  type: z.literal('send'),
  /** Idempotency key: a resent frame with the same id never makes a second message. */
  clientMsgId: z.string().check(z.regex(/^[A-Za-z0-9_-]{8,64}$/)),
  text: z.string().check(z.minLength(1), z.maxLength(MAX_TEXT_LENGTH)),
});
export const WidgetTyping = z.object({ type: z.literal('typing'), typing: z.boolean() });
/** The visitor has seen agent messages up to and including `upTo`. */
export const WidgetRead = z.object({ type: z.literal('read'), upTo: z.string() });
export const WidgetClientMessage = z.discriminatedUnion('type', [WidgetSend, WidgetTyping, WidgetRead]);
export type WidgetClientMessage = z.infer<typeof WidgetClientMessage>;

// Server → visitor
export const WidgetHistory = z.object({ type: z.literal('history'), messages: z.array(VisitorMessage) });
export const WidgetMessage = z.object({ type: z.literal('message'), message: VisitorMessage, clientMsgId: z.optional(z.string()) });
export const WidgetAgentTyping = z.object({ type: z.literal('agent-typing'), typing: z.boolean(), name: z.optional(z.string()) });
export const WidgetError = z.object({ type: z.literal('error'), reason: z.string() });
export const WidgetServerMessage = z.discriminatedUnion('type', [WidgetHistory, WidgetMessage, WidgetAgentTyping, WidgetError]);
export type WidgetServerMessage = z.infer<typeof WidgetServerMessage>;
