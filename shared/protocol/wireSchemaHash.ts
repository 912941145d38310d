import { createHash } from 'node:crypto';
import { z } from '../zod.ts';
import { CloseCode } from './closeCodes.ts';
import { ClientControl, ServerControl } from './control.ts';
import { MessageType } from './messageTypes.ts';
import { REJECT_REASONS } from './rejectReasons.ts';
import { WidgetClientMessage, WidgetServerMessage } from './webchat.ts';

/** SHA-256 over everything that defines our wire format (Node only: used by the version test). */
export function wireSchemaHash(): string {
  const wire = {
    messageTypes: MessageType,
    closeCodes: CloseCode,
    rejectReasons: Object.keys(REJECT_REASONS).sort(),
    serverControl: z.toJSONSchema(ServerControl),
    clientControl: z.toJSONSchema(ClientControl),
    widgetClient: z.toJSONSchema(WidgetClientMessage),
    widgetServer: z.toJSONSchema(WidgetServerMessage),
  };
  return createHash('sha256').update(JSON.stringify(wire)).digest('hex');
}
