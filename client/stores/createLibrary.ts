import { type Accessor, createMemo } from 'solid-js';
import type * as Y from 'yjs';
import type { z } from '../../shared/zod.ts';
import { newId } from '../../shared/ids.ts';
import { canManage, type Role } from '../../shared/schema/roles.ts';
import {
  type CannedResponse,
  CannedResponseSchema,
  firstIssue,
  type LibraryKind,
  MAX_LIBRARY_SIZE,
  type QuickReply,
  QuickReplySchema,
  SETTINGS_ROOTS,
  type UsageCount,
  usageKey,
} from '../../shared/schema/settings.ts';
import type { RankField } from '../lib/fuzzyRank.ts';
import type { DocHandle } from '../sync/SyncClient.ts';
import { createYMapValues } from './yjsBridge.ts';

export type { LibraryKind };
export type LibraryEntry<K extends LibraryKind = LibraryKind> = K extends 'quickReplies' ? QuickReply : CannedResponse;
export type SaveResult = { ok: true } | { ok: false; message: string };

/** One problem of an imported file: `entry` is 1-based (null: the file as a whole). */
export interface ImportProblem {
  entry: number | null;
  /** The entry's name or title, when it has one. */
  label: string | null;
  message: string;
}
export type ImportResult = { ok: true; added: number; updated: number } | { ok: false; message: string; problems: ImportProblem[] };

/**
 * Largest import, in characters of JSON: an import is one Yjs update (all or nothing), and one
 * update must fit in one sync frame (SIZE1, 4 MiB).
 */
export const MAX_IMPORT_CHARS = 2_000_000;

const SCHEMAS = { quickReplies: QuickReplySchema, cannedResponses: CannedResponseSchema } as const;

/** Display name of an entry (a quick reply's name, a canned response's title). */
export const entryLabel = (entry: QuickReply | CannedResponse): string => ('name' in entry ? entry.name : entry.title);

const byOrder = (a: QuickReply | CannedResponse, b: QuickReply | CannedResponse) =>
  a.order - b.order || entryLabel(a).localeCompare(entryLabel(b)) || a.id.localeCompare(b.id);

/** Every issue of a failed parse, one line each (`text: unknown variable "x"`). */
const allIssues = (error: z.core.$ZodError): string[] => error.issues.map((i) => `${i.path.join('.') || 'entry'}: ${i.message}`);

export interface LibraryStore {
  /** Whether this agent may change the library (admins and leads; the server enforces SET1). */
  canEdit: boolean;
  quickReplies: Accessor<readonly QuickReply[]>;
  cannedResponses: Accessor<readonly CannedResponse[]>;
  /** The entries of one library, in their order. */
  list<K extends LibraryKind>(kind: K): readonly LibraryEntry<K>[];
  /** How often an entry was sent (server-counted, SET3); undefined when never. */
  usage(kind: LibraryKind, id: string): UsageCount | undefined;
  /** Pre-lower-cased search fields of a quick reply (shortcut, name, category, text). */
  quickReplyFields(reply: QuickReply): readonly RankField[];
  cannedFields(response: CannedResponse): readonly RankField[];
  /** Validates (schema and templates, as the server will: SET2) and saves a new or changed entry. */
  save<K extends LibraryKind>(kind: K, entry: LibraryEntry<K>): SaveResult;
  remove(kind: LibraryKind, id: string): void;
  /** The order a new entry gets: after every other. */
  nextOrder(kind: LibraryKind): number;
  /**
   * Moves an entry one place up (-1) or down (+1), past its neighbour among `within` (the ids
   * shown, e.g. one category) or the whole list. False when it is already first or last.
   */
  move(kind: LibraryKind, id: string, direction: -1 | 1, within?: readonly string[]): boolean;
  /** The entries as JSON for export. */
  exportJson(kind: LibraryKind): string;
  /**
   * Imports a JSON array of entries: an entry with the id of an existing one replaces it, one
   * without an id is added. Everything is checked first and every problem reported; nothing is
   * saved unless every entry is valid (one transaction: all or nothing).
   */
  importJson(kind: LibraryKind, json: string): ImportResult;
}

/** The quick replies and canned responses of the workspace settings document. */
export function createLibrary(handle: DocHandle, role: Role | (() => Role)): LibraryStore {
  // The role is live (the index's member entry): a promotion or demotion shows without a reload.
  const currentRole = typeof role === 'function' ? role : () => role;
  const map = <T,>(root: string) => () => handle.doc().getMap<T>(root) as Y.Map<T>;
  const replies = createYMapValues<QuickReply>(map<QuickReply>(SETTINGS_ROOTS.quickReplies));
  const canned = createYMapValues<CannedResponse>(map<CannedResponse>(SETTINGS_ROOTS.cannedResponses));
  const usage = createYMapValues<UsageCount>(map<UsageCount>(SETTINGS_ROOTS.usage));
  const validReply = (v: unknown): v is QuickReply => typeof v === 'object' && v !== null && typeof (v as QuickReply).text === 'string';
  const validCanned = (v: unknown): v is CannedResponse => typeof v === 'object' && v !== null && typeof (v as CannedResponse).body === 'string';
  const quickReplies = createMemo(() => replies.values().filter(validReply).sort(byOrder));
  const cannedResponses = createMemo(() => canned.values().filter(validCanned).sort(byOrder));

  const fieldCache = new WeakMap<object, readonly RankField[]>();
  const cached = (key: object, make: () => RankField[]) => {
    let f = fieldCache.get(key);
    if (!f) {
      f = make();
      fieldCache.set(key, f);
    }
    return f;
  };
  const list = <K extends LibraryKind>(kind: K) =>
    (kind === 'quickReplies' ? quickReplies() : cannedResponses()) as unknown as readonly LibraryEntry<K>[];
  const ymap = (kind: LibraryKind) => handle.doc().getMap<QuickReply | CannedResponse>(SETTINGS_ROOTS[kind]);

  const store: LibraryStore = {
    get canEdit() {
      return canManage(currentRole());
    },
    quickReplies,
    cannedResponses,
    list,
    usage(kind, id) {
      const count = usage.get(usageKey(kind, id));
      return count && typeof count.total === 'number' ? count : undefined;
    },
    quickReplyFields: (r) =>
      cached(r, () => [
        { text: r.shortcut.toLowerCase(), weight: 3 },
        { text: r.name.toLowerCase(), weight: 2 },
        { text: r.category.toLowerCase(), weight: 1 },
        { text: r.text.toLowerCase(), weight: 1, fuzzy: false },
      ]),
    cannedFields: (c) =>
      cached(c, () => [
        { text: c.title.toLowerCase(), weight: 2 },
        { text: c.category.toLowerCase(), weight: 1 },
        { text: c.body.toLowerCase(), weight: 1, fuzzy: false },
      ]),
    save(kind, entry) {
      const parsed = SCHEMAS[kind].safeParse(entry);
      if (!parsed.success) return { ok: false, message: firstIssue(parsed.error) };
      const m = ymap(kind);
      if (!m.has(entry.id) && m.size >= MAX_LIBRARY_SIZE) return { ok: false, message: `A workspace keeps at most ${MAX_LIBRARY_SIZE} entries.` };
      m.set(entry.id, parsed.data);
      return { ok: true };
    },
    remove(kind, id) {
      ymap(kind).delete(id);
    },
    nextOrder(kind) {
      return list(kind).reduce((max, e) => Math.max(max, e.order), 0) + 1;
    },
    move(kind, id, direction, within) {
      const entries: readonly (QuickReply | CannedResponse)[] = list(kind);
      const shown = within ? new Set(within) : null;
      const visible = shown ? entries.filter((e) => shown.has(e.id)) : entries;
      const v = visible.findIndex((e) => e.id === id);
      const a = visible[v];
      const b = visible[v + direction];
      if (!a || !b) return false;
      const m = ymap(kind);
      // Swap the two orders; renumber the whole list when they tie (swapping equal orders does nothing).
      handle.doc().transact(() => {
        if (a.order !== b.order) {
          m.set(a.id, { ...a, order: b.order });
          m.set(b.id, { ...b, order: a.order });
          return;
        }
        const next = entries.slice();
        next[entries.indexOf(a)] = b;
        next[entries.indexOf(b)] = a;
        next.forEach((e, n) => {
          if (e.order !== n + 1) m.set(e.id, { ...e, order: n + 1 });
        });
      });
      return true;
    },
    exportJson(kind) {
      return `${JSON.stringify(list(kind), null, 2)}\n`;
    },
    importJson(kind, json) {
      const fail = (message: string, problems: ImportProblem[] = []): ImportResult => ({ ok: false, message, problems });
      if (json.length > MAX_IMPORT_CHARS) {
        return fail(`The file is too large to import at once (at most ${(MAX_IMPORT_CHARS / 1_000_000).toLocaleString('en-US')} MB): split it into smaller files.`);
      }
      let data: unknown;
      try {
        data = JSON.parse(json);
      } catch {
        return fail('The file is not valid JSON.');
      }
      if (!Array.isArray(data)) return fail('Expected a JSON array of entries, as Export writes.');
      if (data.length === 0) return fail('The file holds no entries.');

      const existing: readonly (QuickReply | CannedResponse)[] = list(kind);
      const existingIds = new Set(existing.map((e) => e.id));
      let order = existing.reduce((max, e) => Math.max(max, e.order), 0);
      const problems: ImportProblem[] = [];
      const valid: (QuickReply | CannedResponse)[] = [];
      const firstWithId = new Map<string, number>();
      const shortcuts = new Map<string, string>();
      for (const e of existing) if ('shortcut' in e && e.shortcut) shortcuts.set(e.shortcut, e.id);

      for (const [i, raw] of data.entries()) {
        const n = i + 1;
        if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
          problems.push({ entry: n, label: null, message: 'not an object' });
          continue;
        }
        const candidate: Record<string, unknown> = { ...raw };
        const label = typeof candidate.name === 'string' ? candidate.name : typeof candidate.title === 'string' ? candidate.title : null;
        if (candidate.id === undefined) candidate.id = newId();
        if (candidate.order === undefined) candidate.order = ++order;
        const parsed = SCHEMAS[kind].safeParse(candidate);
        if (!parsed.success) {
          for (const message of allIssues(parsed.error)) problems.push({ entry: n, label, message });
          continue;
        }
        const entry = parsed.data;
        const earlier = firstWithId.get(entry.id);
        if (earlier !== undefined) {
          problems.push({ entry: n, label, message: `the same id as entry ${earlier}` });
          continue;
        }
        firstWithId.set(entry.id, n);
        if ('shortcut' in entry && entry.shortcut) {
          const owner = shortcuts.get(entry.shortcut);
          if (owner !== undefined && owner !== entry.id) {
            problems.push({ entry: n, label, message: `shortcut "/${entry.shortcut}" is already used by another quick reply` });
            continue;
          }
          shortcuts.set(entry.shortcut, entry.id);
        }
        valid.push(entry);
      }
      if (problems.length > 0) {
        const entries = new Set(problems.map((p) => p.entry)).size;
        return fail(`Nothing was imported: ${entries} ${entries === 1 ? 'entry has' : 'entries have'} problems.`, problems);
      }
      const added = valid.filter((e) => !existingIds.has(e.id)).length;
      if (existing.length + added > MAX_LIBRARY_SIZE) {
        return fail(`Nothing was imported: a workspace keeps at most ${MAX_LIBRARY_SIZE.toLocaleString('en-US')} entries, this would make ${(existing.length + added).toLocaleString('en-US')}.`);
      }
      const m = ymap(kind);
      handle.doc().transact(() => {
        for (const e of valid) m.set(e.id, e);
      });
      return { ok: true, added, updated: valid.length - added };
    },
  };
  return store;
}
