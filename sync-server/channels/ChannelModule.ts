import type { ChannelAdapter } from '../conversations/ChannelAdapter.ts';
import type { Router } from '../http/Router.ts';

/**
 * One provider channel as the server sees it: its outgoing side (the adapter the conversation
 * service hands agents' messages to) and its incoming webhooks (routes on the one HTTP port).
 */
export interface ChannelModule {
  readonly adapter: ChannelAdapter;
  routes(router: Router): void;
  /** Listeners of its own (email's SMTP port), started once the server is up. */
  start?(): Promise<void>;
  close?(): Promise<void>;
}

/** What a provider request ended in, before it becomes an HTTP answer. */
export interface WebhookAnswer {
  status: number;
  body: string;
  contentType?: string;
}

/**
 * Whether a failed request may have reached the provider. A refused or unresolvable connection
 * never did (safe to retry); a timeout or reset might have (the outcome is unknown).
 */
export function neverReachedProvider(err: unknown): boolean {
  const code = (err as { cause?: { code?: string } } | null)?.cause?.code;
  return code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH';
}

export const OUTCOME_UNKNOWN = {
  status: 'failed',
  code: 'outcome-unknown',
  reason:
    'The connection to the provider was lost before it answered, so this message may or may not have been sent. Check with the customer before sending it again.',
} as const;
