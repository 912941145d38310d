/**
 * Why the server refused a client's document update. A refused update changes nothing on the
 * server. The client must drop its local copy of the document, load it again from the server
 * under a new clientID and re-apply what it still wants (draft text, unsent messages): once the
 * server refuses clock n of a clientID, nothing later from that clientID can ever apply.
 * The rule IDs behind each reason are listed in docs/rules.md.
 */
export const REJECT_REASONS = {
  'read-only': 'This document or field is written only by the server',
  'not-allowed': 'Your role may not change this',
  'append-only': 'Sent messages and notes are never edited or deleted',
  'wrong-author': 'You can only write as yourself',
  'invalid-value': 'A value does not match the document schema',
  'unexpected-type': 'A root or nested type the schema does not have',
  'client-id-taken': 'This client id belongs to someone else',
  'missing-dependency': 'The update depends on changes the server refused or never received',
  'malformed-update': 'The update could not be decoded',
  'too-large': 'The update exceeds the size limit',
} as const;

export type RejectReason = keyof typeof REJECT_REASONS;

export const isRejectReason = (v: unknown): v is RejectReason =>
  typeof v === 'string' && Object.hasOwn(REJECT_REASONS, v);
