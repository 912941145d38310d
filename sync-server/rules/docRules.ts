import { z } from '../../shared/zod.ts';
import { type DocKind, ID_PATTERN, isId } from '../../shared/ids.ts';
import type { RejectReason } from '../../shared/protocol/rejectReasons.ts';
import { AGENT_ROOTS, DRAFT_PREFIX, isDraftMeta, MAX_DRAFT_LENGTH } from '../../shared/schema/agentDoc.ts';
import { CONV_ROOTS, ClientStateKeys } from '../../shared/schema/conversation.ts';
import { AgentEntrySchema, MAX_TEXT_LENGTH } from '../../shared/schema/message.ts';
import {
  NOTIFICATION_DEFAULTS_KEY,
  NOTIFICATION_FEED_ROOT,
  NOTIFICATION_PREFS_KEY,
  NotificationPrefsSchema,
} from '../../shared/schema/notifications.ts';
import { canManage } from '../../shared/schema/roles.ts';
import { ROUTING_ROOT, checkRoutingEntry } from '../../shared/schema/routing.ts';
import { CannedResponseSchema, firstIssue, QuickReplySchema, SETTINGS_ROOTS } from '../../shared/schema/settings.ts';
import { INDEX_ROOTS } from '../../shared/schema/workspaceIndex.ts';
import type { Principal } from '../auth/Principal.ts';

/**
 * The write rules of every document kind, in one place, exactly as docs/rules.md lists them.
 * validateUpdate (rules/validateUpdate.ts) decodes a client update, finds where every new item
 * lands and which live items it deletes, and asks these rules about each. Server writes are
 * never checked.
 */

/** Where an item lands: a root type, a map key (null for an array or text item), nesting. */
export interface Location {
  root: string;
  /** The Y.Map key (parentSub), or null for an item of a sequence (Y.Array / Y.Text). */
  key: string | null;
  /** Inside a shared type nested in the root, rather than directly in the root. */
  nested: boolean;
}

/** The content of a new item, reduced to what the rules look at. */
export type Content =
  /** ContentAny: plain values (`values` holds only the part the server does not have yet). */
  | { kind: 'any'; values: unknown[] }
  /** ContentString (Y.Text characters). */
  | { kind: 'string'; length: number }
  /** ContentDeleted: an item that was inserted and deleted before it was sent. */
  | { kind: 'deleted' }
  /** ContentType: a nested shared type. */
  | { kind: 'type' }
  /** ContentBinary, ContentEmbed, ContentFormat, ContentJSON, ContentDoc: never in our schema. */
  | { kind: 'other'; name: string };

export interface Refusal {
  reason: RejectReason;
  rule: string;
  /** For logs and the client's notice: names roots and keys, never message bodies. */
  detail: string;
}

export interface DocRules {
  /** Rule ID for refusals that are about the document as a whole (unexpected roots, GC structs). */
  readonly rule: string;
  /** Checked once, before anything of an update that changes the document. */
  mayWrite(principal: Principal): Refusal | null;
  /** A new item at `loc` with `content`. */
  insert(loc: Location, content: Content, principal: Principal): Refusal | null;
  /** Deleting a live item at `loc` (a Y.Map overwrite deletes the key's previous item). */
  delete(loc: Location, principal: Principal): Refusal | null;
  /** Longest a sequence root may grow to (characters or entries), if limited. */
  maxLength?(root: string): number | undefined;
}

/** Details name roots and keys (client-chosen, so capped), never values. */
const refuse = (reason: RejectReason, rule: string, detail: string): Refusal => ({ reason, rule, detail: detail.slice(0, 200) });

const where = (loc: Location) => (loc.key === null ? loc.root : `${loc.root}.${loc.key}`);

/** JSON-like values only: no binary, bigint, undefined, non-finite numbers or deep nesting. */
export function isPlainJson(value: unknown, depth = 0): boolean {
  if (depth > 32) return false;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) return value.every((v) => isPlainJson(v, depth + 1));
      if (Object.getPrototypeOf(value) !== Object.prototype) return false;
      for (const v of Object.values(value)) if (!isPlainJson(v, depth + 1)) return false;
      return true;
    }
    default:
      return false;
  }
}

/**
 * A map root whose keys a client may set: `keyOk` and `valueOk` decide, `rule` is cited. A map
 * item is a single value (Y.Map.set); deleting a key's item is allowed where setting it is.
 */
function mapEntry(
  loc: Location,
  content: Content,
  rule: string,
  keyOk: (key: string) => boolean,
  valueOk: (value: unknown) => boolean,
): Refusal | null {
  if (loc.nested) return refuse('unexpected-type', rule, `${loc.root}: nested shared type`);
  if (loc.key === null) return refuse('unexpected-type', rule, `${loc.root}: expected map entries`);
  if (!keyOk(loc.key)) return refuse('invalid-value', rule, `${where(loc)}: key not allowed`);
  switch (content.kind) {
    case 'deleted':
      return null;
    case 'any':
      if (content.values.length !== 1 || !valueOk(content.values[0])) return refuse('invalid-value', rule, `${where(loc)}: invalid value`);
      return null;
    case 'type':
      return refuse('unexpected-type', rule, `${where(loc)}: nested shared type`);
    default:
      return refuse('unexpected-type', rule, `${where(loc)}: unexpected ${content.kind === 'other' ? content.name : content.kind}`);
  }
}

// ---- workspace index ------------------------------------------------------------------------

const PRESENCE_ROOTS = new Set<string>([INDEX_ROOTS.presence, INDEX_ROOTS.presenceLog]);
const indexRefusal = (loc: Location) =>
  PRESENCE_ROOTS.has(loc.root)
    ? refuse('read-only', 'PRS1', `${loc.root}: presence is derived and written only by the server`)
    : refuse('read-only', 'IDX1', 'the workspace index is written only by the server');

/**
 * IDX1: the workspace index is written only by the server. PRS1: so is presence (its
 * `presence` and `presenceLog` roots), cited by its own rule.
 */
const indexRules: DocRules = {
  rule: 'IDX1',
  mayWrite: () => null,
  insert: (loc) => indexRefusal(loc),
  delete: (loc) => indexRefusal(loc),
};

// ---- workspace settings ---------------------------------------------------------------------

const LIBRARY: Record<string, { schema: z.ZodMiniType<{ id: string }>; label: string }> = {
  [SETTINGS_ROOTS.quickReplies]: { schema: QuickReplySchema, label: 'quick reply' },
  [SETTINGS_ROOTS.cannedResponses]: { schema: CannedResponseSchema, label: 'canned response' },
};

/** SET2: a quick reply or canned response is one valid value stored under its own id. */
function libraryEntry(loc: Location, content: Content): Refusal | null {
  const kind = LIBRARY[loc.root];
  if (!kind) return null;
  const shape = mapEntry(loc, content, 'SET2', isId, (v) => isPlainJson(v));
  if (shape || content.kind !== 'any') return shape;
  const parsed = kind.schema.safeParse(content.values[0]);
  if (!parsed.success) return refuse('invalid-value', 'SET2', `${where(loc)}: invalid ${kind.label}: ${firstIssue(parsed.error)}`);
  if (parsed.data.id !== loc.key) return refuse('invalid-value', 'SET2', `${where(loc)}: the key must be the ${kind.label}'s id`);
  return null;
}

/** RTE6: a routing setting is one plain value that its key's schema accepts. */
function routingEntry(loc: Location, content: Content): Refusal | null {
  const shape = mapEntry(loc, content, 'RTE6', (key) => key.length <= 100, (v) => isPlainJson(v));
  if (shape || content.kind !== 'any') return shape;
  const problem = checkRoutingEntry(loc.key ?? '', content.values[0]);
  return problem ? refuse('invalid-value', 'RTE6', `${ROUTING_ROOT}.${problem}`) : null;
}

/**
 * SET1: settings are written only by admins and leads, as plain values in `workspace`,
 * `quickReplies` and `cannedResponses`; SET2: library entries are valid (templates included);
 * SET3: usage counts are written only by the server.
 */
const settingsRules: DocRules = {
  rule: 'SET1',
  mayWrite: (p) =>
    canManage(p.role) ? null : refuse('not-allowed', 'SET1', 'settings, quick replies and canned responses are changed only by admins and leads'),
  insert(loc, content) {
    if (loc.root === SETTINGS_ROOTS.usage) return refuse('read-only', 'SET3', 'usage: counted only by the server');
    if (loc.root === SETTINGS_ROOTS.workspace && loc.key === NOTIFICATION_DEFAULTS_KEY) return notificationPrefs(loc, content, 'NTF3');
    if (loc.root === SETTINGS_ROOTS.workspace) return mapEntry(loc, content, 'SET1', () => true, (v) => isPlainJson(v));
    if (loc.root === ROUTING_ROOT) return routingEntry(loc, content);
    if (Object.hasOwn(LIBRARY, loc.root)) return libraryEntry(loc, content);
    return refuse('unexpected-type', 'SET1', `${loc.root}: not a settings root`);
  },
  delete(loc) {
    if (loc.root === SETTINGS_ROOTS.usage) return refuse('read-only', 'SET3', 'usage: counted only by the server');
    const known = loc.root === SETTINGS_ROOTS.workspace || loc.root === ROUTING_ROOT || Object.hasOwn(LIBRARY, loc.root);
    if (!known || loc.nested || loc.key === null) return refuse('unexpected-type', 'SET1', `${loc.root}: not a settings entry`);
    return null;
  },
};

/** NTF2, NTF3: notification preferences (an agent's own, or the workspace defaults) are one valid value. */
function notificationPrefs(loc: Location, content: Content, rule: string): Refusal | null {
  const shape = mapEntry(loc, content, rule, () => true, (v) => isPlainJson(v));
  if (shape || content.kind !== 'any') return shape;
  const parsed = NotificationPrefsSchema.safeParse(content.values[0]);
  if (!parsed.success) return refuse('invalid-value', rule, `${where(loc)}: invalid notification preferences: ${firstIssue(parsed.error)}`);
  return null;
}

// ---- conversation ---------------------------------------------------------------------------

const SERVER_ONLY_CONV: Record<string, string> = { [CONV_ROOTS.receipts]: 'CONV3', [CONV_ROOTS.meta]: 'CONV5' };
const STATE_KEYS: Record<string, z.ZodMiniType> = ClientStateKeys;

const ENTRY_KEYS = new Set(['id', 'kind', 'author', 'text', 'createdAt']);

/**
 * The common case, checked by hand (a zod parse costs microseconds per message): true only for
 * entries AgentEntrySchema certainly accepts; everything else goes through the schema.
 */
function isPlainAgentEntry(v: Record<string, unknown>, agentId: string): boolean {
  let keys = 0;
  for (const key in v) {
    if (!ENTRY_KEYS.has(key)) return false;
    keys++;
  }
  if (keys !== 5 || Object.getPrototypeOf(v) !== Object.prototype) return false;
  const { id, kind, author, text, createdAt } = v as { id: unknown; kind: unknown; author: { type?: unknown; id?: unknown }; text: unknown; createdAt: unknown };
  return (
    typeof id === 'string' &&
    ID_PATTERN.test(id) &&
    (kind === 'message' || kind === 'note') &&
    typeof text === 'string' &&
    text.length >= 1 &&
    text.length <= MAX_TEXT_LENGTH &&
    typeof createdAt === 'number' &&
    Number.isSafeInteger(createdAt) &&
    createdAt >= 0 &&
    Object.getPrototypeOf(author) === Object.prototype &&
    Object.keys(author).length === 2 &&
    author.type === 'agent' &&
    author.id === agentId
  );
}

/** CONV2 then CONV7 for one appended entry. */
function checkEntry(value: unknown, principal: Principal): Refusal | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return refuse('invalid-value', 'CONV7', 'messages: an entry must be one plain object');
  }
  const author = (value as { author?: { type?: unknown; id?: unknown } }).author;
  if (!author || author.type !== 'agent' || author.id !== principal.agentId) {
    return refuse('wrong-author', 'CONV2', 'messages: entries must be authored by your own agent');
  }
  if (isPlainAgentEntry(value as Record<string, unknown>, principal.agentId)) return null;
  const parsed = AgentEntrySchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return refuse('invalid-value', 'CONV7', `messages: ${issue ? `${issue.path.join('.') || 'entry'} ${issue.code}` : 'invalid entry'}`);
  }
  return null;
}

/**
 * CONV1 append-only messages, CONV2 own author, CONV3 receipts and CONV5 meta server-only,
 * CONV6 only `state.status` (open|resolved), CONV7 entries match the message schema.
 */
const conversationRules: DocRules = {
  rule: 'CONV7',
  mayWrite: () => null,
  insert(loc, content, principal) {
    const serverRule = SERVER_ONLY_CONV[loc.root];
    if (serverRule) return refuse('read-only', serverRule, `${loc.root}: written only by the server`);
    if (loc.root === CONV_ROOTS.messages) {
      if (loc.nested) return refuse('unexpected-type', 'CONV7', 'messages: nested shared type');
      if (loc.key !== null) return refuse('unexpected-type', 'CONV7', 'messages: expected array entries');
      switch (content.kind) {
        case 'any':
          for (const value of content.values) {
            const refusal = checkEntry(value, principal);
            if (refusal) return refusal;
          }
          return null;
        case 'deleted':
          return refuse('append-only', 'CONV1', 'messages: entries are never deleted');
        case 'type':
          return refuse('unexpected-type', 'CONV7', 'messages: an entry must be a plain value, not a shared type');
        default:
          return refuse('unexpected-type', 'CONV7', `messages: unexpected ${content.kind === 'other' ? content.name : content.kind}`);
      }
    }
    if (loc.root === CONV_ROOTS.state) {
      if (loc.key !== null && !loc.nested && !Object.hasOwn(STATE_KEYS, loc.key)) {
        return refuse('read-only', 'CONV6', `state.${loc.key}: written only by the server`);
      }
      return mapEntry(loc, content, 'CONV6', () => true, (v) => STATE_KEYS[loc.key ?? '']?.safeParse(v).success === true);
    }
    return refuse('unexpected-type', 'CONV7', `${loc.root}: not a conversation root`);
  },
  delete(loc) {
    const serverRule = SERVER_ONLY_CONV[loc.root];
    if (serverRule) return refuse('read-only', serverRule, `${loc.root}: written only by the server`);
    if (loc.root === CONV_ROOTS.messages) return refuse('append-only', 'CONV1', 'messages: entries are never edited or deleted');
    if (loc.root === CONV_ROOTS.state) {
      if (loc.key !== null && !loc.nested && Object.hasOwn(STATE_KEYS, loc.key)) return null;
      return refuse('read-only', 'CONV6', `${where(loc)}: written only by the server`);
    }
    return refuse('unexpected-type', 'CONV7', `${loc.root}: not a conversation root`);
  },
};

// ---- agent document -------------------------------------------------------------------------

const ScrollPositionSchema = z.object({
  anchor: z.nullable(z.string().check(z.regex(ID_PATTERN))),
  offset: z.number(),
});

const isDraftRoot = (root: string) => root.startsWith(DRAFT_PREFIX) && isId(root.slice(DRAFT_PREFIX.length));
const isReadMark = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isScroll = (v: unknown) => isPlainJson(v) && ScrollPositionSchema.safeParse(v).success;
const isPrefKey = (k: string) => k.length > 0 && k.length <= 100;

/**
 * AGT1: `draft:<conversationId>` texts and `read`, `scroll`, `prefs`, `draftMeta` maps of plain values;
 * NTF2: `prefs.notifications` matches the preferences schema; NTF1: the `notifications` feed is
 * written only by the server.
 */
const agentRules: DocRules = {
  rule: 'AGT1',
  mayWrite: () => null,
  insert(loc, content) {
    if (loc.root === NOTIFICATION_FEED_ROOT) return refuse('read-only', 'NTF1', `${loc.root}: written only by the server`);
    if (loc.root === AGENT_ROOTS.prefs && loc.key === NOTIFICATION_PREFS_KEY) return notificationPrefs(loc, content, 'NTF2');
    if (isDraftRoot(loc.root)) {
      if (loc.nested || loc.key !== null) return refuse('unexpected-type', 'AGT1', `${loc.root}: a draft is a plain Y.Text`);
      if (content.kind === 'string' || content.kind === 'deleted') return null;
      return refuse('unexpected-type', 'AGT1', `${loc.root}: a draft holds only characters`);
    }
    switch (loc.root) {
      case AGENT_ROOTS.read:
        return mapEntry(loc, content, 'AGT1', isId, isReadMark);
      case AGENT_ROOTS.scroll:
        return mapEntry(loc, content, 'AGT1', isId, isScroll);
      case AGENT_ROOTS.prefs:
        return mapEntry(loc, content, 'AGT1', isPrefKey, (v) => isPlainJson(v));
      case AGENT_ROOTS.draftMeta:
        return mapEntry(loc, content, 'AGT1', isId, (v) => isPlainJson(v) && isDraftMeta(v));
      default:
        return refuse('unexpected-type', 'AGT1', `${loc.root}: not an agent document root`);
    }
  },
  delete(loc) {
    if (loc.root === NOTIFICATION_FEED_ROOT) return refuse('read-only', 'NTF1', `${loc.root}: written only by the server`);
    if (loc.nested) return refuse('unexpected-type', 'AGT1', `${loc.root}: nested shared type`);
    if (isDraftRoot(loc.root)) return null;
    if (loc.key !== null && (loc.root === AGENT_ROOTS.read || loc.root === AGENT_ROOTS.scroll || loc.root === AGENT_ROOTS.prefs || loc.root === AGENT_ROOTS.draftMeta)) return null;
    return refuse('unexpected-type', 'AGT1', `${loc.root}: not an agent document root`);
  },
  maxLength: (root) => (isDraftRoot(root) ? MAX_DRAFT_LENGTH : undefined),
};

/** The rules of each document kind. */
export const DOC_RULES: Record<DocKind, DocRules> = {
  index: indexRules,
  settings: settingsRules,
  conversation: conversationRules,
  agent: agentRules,
};
