import { type Accessor, createMemo } from 'solid-js';
import type * as Y from 'yjs';
import { newId } from '../../shared/ids.ts';
import { canManage, type Role } from '../../shared/schema/roles.ts';
import {
  type CannedResponse,
  CannedResponseSchema,
  firstIssue,
  MAX_LIBRARY_SIZE,
  type QuickReply,
  QuickReplySchema,
  SETTINGS_ROOTS,
} from '../../shared/schema/settings.ts';
import type { RankField } from '../lib/fuzzyRank.ts';
import type { DocHandle } from '../sync/SyncClient.ts';
import { createYMapValues } from './yjsBridge.ts';

export type LibraryKind = 'quickReplies' | 'cannedResponses';
export type LibraryEntry<K extends LibraryKind> = K extends 'quickReplies' ? QuickReply : CannedResponse;
export type SaveResult = { ok: true } | { ok: false; message: string };

const SCHEMAS = { quickReplies: QuickReplySchema, cannedResponses: CannedResponseSchema } as const;

const byOrder = (a: { order: number; id: string }, b: { order: number; id: string }, nameA: string, nameB: string) =>
  a.order - b.order || nameA.localeCompare(nameB) || a.id.localeCompare(b.id);

export interface LibraryStore {
  /** Whether this agent may change the library (admins and leads; the server enforces SET1). */
  canEdit: boolean;
  quickReplies: Accessor<readonly QuickReply[]>;
  cannedResponses: Accessor<readonly CannedResponse[]>;
  /** Pre-lower-cased search fields of a quick reply (shortcut, name, category, text). */
  quickReplyFields(reply: QuickReply): readonly RankField[];
  cannedFields(response: CannedResponse): readonly RankField[];
  /** Validates (schema and templates, as the server will: SET2) and saves a new or changed entry. */
  save<K extends LibraryKind>(kind: K, entry: LibraryEntry<K>): SaveResult;
  remove(kind: LibraryKind, id: string): void;
  /** Moves an entry one place up (-1) or down (+1) in its list. */
  move(kind: LibraryKind, id: string, direction: -1 | 1): void;
  /** The entries as JSON for export. */
  exportJson(kind: LibraryKind): string;
  /** Imports a JSON array: every entry is validated first, nothing is saved if one is invalid. */
  importJson(kind: LibraryKind, json: string): SaveResult & { count?: number };
}

/** The quick replies and canned responses of the workspace settings document. */
export function createLibrary(handle: DocHandle, role: Role): LibraryStore {
  const map = <T,>(kind: LibraryKind) => () => handle.doc().getMap<T>(SETTINGS_ROOTS[kind]) as Y.Map<T>;
  const replies = createYMapValues<QuickReply>(map<QuickReply>('quickReplies'));
  const canned = createYMapValues<CannedResponse>(map<CannedResponse>('cannedResponses'));
  const validReply = (v: unknown): v is QuickReply => typeof v === 'object' && v !== null && typeof (v as QuickReply).text === 'string';
  const validCanned = (v: unknown): v is CannedResponse => typeof v === 'object' && v !== null && typeof (v as CannedResponse).body === 'string';
  const quickReplies = createMemo(() => replies.values().filter(validReply).sort((a, b) => byOrder(a, b, a.name, b.name)));
  const cannedResponses = createMemo(() => canned.values().filter(validCanned).sort((a, b) => byOrder(a, b, a.title, b.title)));

  const fieldCache = new WeakMap<object, readonly RankField[]>();
  const cached = (key: object, make: () => RankField[]) => {
    let f = fieldCache.get(key);
    if (!f) {
      f = make();
      fieldCache.set(key, f);
    }
    return f;
  };
  const list = (kind: LibraryKind): readonly (QuickReply | CannedResponse)[] => (kind === 'quickReplies' ? quickReplies() : cannedResponses());

  const store: LibraryStore = {
    canEdit: canManage(role),
    quickReplies,
    cannedResponses,
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
      const m = handle.doc().getMap(SETTINGS_ROOTS[kind]);
      if (!m.has(entry.id) && m.size >= MAX_LIBRARY_SIZE) return { ok: false, message: `A workspace keeps at most ${MAX_LIBRARY_SIZE} entries.` };
      m.set(entry.id, parsed.data);
      return { ok: true };
    },
    remove(kind, id) {
      handle.doc().getMap(SETTINGS_ROOTS[kind]).delete(id);
    },
    move(kind, id, direction) {
      const entries = list(kind);
      const i = entries.findIndex((e) => e.id === id);
      const j = i + direction;
      const a = entries[i];
      const b = entries[j];
      if (!a || !b) return;
      const m = handle.doc().getMap(SETTINGS_ROOTS[kind]);
      // Renumber the whole list when orders tie; otherwise swap the two orders.
      handle.doc().transact(() => {
        if (a.order === b.order) {
          const next = entries.slice();
          next[i] = b;
          next[j] = a;
          next.forEach((e, n) => {
            if (e.order !== n + 1) m.set(e.id, { ...e, order: n + 1 });
          });
        } else {
          m.set(a.id, { ...a, order: b.order });
          m.set(b.id, { ...b, order: a.order });
        }
      });
    },
    exportJson(kind) {
      return JSON.stringify(list(kind), null, 2);
    },
    importJson(kind, json) {
      let data: unknown;
      try {
        data = JSON.parse(json);
      } catch {
        return { ok: false, message: 'The file is not valid JSON.' };
      }
      if (!Array.isArray(data)) return { ok: false, message: 'Expected a JSON array of entries.' };
      const existing = list(kind);
      let order = existing.reduce((max, e) => Math.max(max, e.order), 0);
      const valid: (QuickReply | CannedResponse)[] = [];
      for (const [i, raw] of data.entries()) {
        const candidate = { ...(raw as object), id: typeof (raw as { id?: unknown })?.id === 'string' ? (raw as { id: string }).id : newId() } as Record<string, unknown>;
        if (typeof candidate.order !== 'number') candidate.order = ++order;
        const parsed = SCHEMAS[kind].safeParse(candidate);
        if (!parsed.success) return { ok: false, message: `Entry ${i + 1}: ${firstIssue(parsed.error)}` };
        valid.push(parsed.data);
      }
      const m = handle.doc().getMap(SETTINGS_ROOTS[kind]);
      handle.doc().transact(() => {
        for (const e of valid) m.set(e.id, e);
      });
      return { ok: true, count: valid.length };
    },
  };
  return store;
}
