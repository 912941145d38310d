/**
 * Close codes of sync and webchat websockets: a closed set, each with what the client does.
 *   retry      reconnect with backoff
 *   sign-in    the session is gone: show the sign-in page
 *   reload     local state is out of step: reload the document(s) / app
 *   stop       do not reconnect to this document
 */
export type ClientAction = 'retry' | 'sign-in' | 'reload' | 'stop';

export const CloseCode = {
  /** Missing, unknown or expired token. */
  unauthorized: { code: 4401, reason: 'unauthorized', action: 'sign-in' },
  /** Authenticated, but not allowed to read this document. */
  forbidden: { code: 4403, reason: 'forbidden', action: 'stop' },
  /** The document name is not one the server knows. */
  unknownDocument: { code: 4404, reason: 'unknown-document', action: 'stop' },
  /** A frame could not be decoded (truncated, unknown message type, bad JSON). */
  malformedFrame: { code: 4400, reason: 'malformed-frame', action: 'reload' },
  /** A frame exceeded the size limit. */
  tooLarge: { code: 4413, reason: 'too-large', action: 'reload' },
  /** The client speaks another protocol version. */
  versionMismatch: { code: 4426, reason: 'version-mismatch', action: 'reload' },
  /** The server is shutting down; come back shortly. */
  shuttingDown: { code: 4503, reason: 'shutting-down', action: 'retry' },
  /** The connection sent too much too fast. */
  rateLimited: { code: 4429, reason: 'rate-limited', action: 'retry' },
} as const satisfies Record<string, { code: number; reason: string; action: ClientAction }>;

export type CloseCodeName = keyof typeof CloseCode;

export function closeCodeByNumber(code: number): (typeof CloseCode)[CloseCodeName] | undefined {
  return Object.values(CloseCode).find((c) => c.code === code);
}
