/**
 * Graph API errors (channels-reference 1.7): branch on `error.code`, not on the HTTP status.
 * Rate limits and service outages are temporary (retry with backoff); everything else is
 * permanent and fails the message with the code and a readable reason.
 */
const TEMPORARY = new Set([1, 2, 4, 80007, 130429, 131000, 131056]);

const REASONS: Record<number, string> = {
  0: 'The WhatsApp access token is invalid or expired: an admin must renew it',
  190: 'The WhatsApp access token is invalid or expired: an admin must renew it',
  131026: 'The message could not be delivered: the number may not be on WhatsApp',
  131047: 'More than 24 hours have passed since the customer last wrote: only a template can be sent now',
  131048: 'WhatsApp limited this number for spam',
  131031: 'The WhatsApp Business account is locked',
  368: 'The WhatsApp Business account is temporarily blocked for policy violations',
};

export interface GraphError {
  code: number;
  message?: string;
  error_data?: { details?: string };
}

export type GraphErrorClass = { kind: 'retry'; reason: string } | { kind: 'failed'; code: string; reason: string };

export function classifyGraphError(httpStatus: number, error: GraphError | null): GraphErrorClass {
  if (!error) {
    return httpStatus >= 500 || httpStatus === 429
      ? { kind: 'retry', reason: `WhatsApp answered HTTP ${httpStatus}` }
      : { kind: 'failed', code: `http-${httpStatus}`, reason: `WhatsApp refused the message (HTTP ${httpStatus})` };
  }
  const reason = REASONS[error.code] ?? error.error_data?.details ?? error.message ?? `WhatsApp error ${error.code}`;
  if (TEMPORARY.has(error.code)) return { kind: 'retry', reason };
  return { kind: 'failed', code: String(error.code), reason };
}
