import type { ConversationSummary } from '../../shared/schema/workspaceIndex.ts';

/** Contact messages the agent has not seen: summary.inboundCount − read mark, never negative. */
export function unreadCount(summary: Pick<ConversationSummary, 'inboundCount'> | undefined, readMark: number | undefined): number {
  if (!summary) return 0;
  const inbound = Number.isFinite(summary.inboundCount) ? summary.inboundCount : 0;
  return Math.max(0, inbound - (readMark ?? 0));
}
