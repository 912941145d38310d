import { type Accessor, batch, createMemo, createSignal } from 'solid-js';
import { newId } from '../../shared/ids.ts';
import type { CannedResponse, LibraryKind, QuickReply } from '../../shared/schema/settings.ts';
import { entryLabel, type ImportResult, type LibraryStore } from './createLibrary.ts';
import { emptyValues, type FieldName, FORMS, type FormErrors, type FormValues, formErrors, invalidFields, toEntry, valuesOf } from './libraryForm.ts';

type Entry = QuickReply | CannedResponse;

/** The entry being created or edited. */
export interface EditorState {
  mode: 'new' | 'edit';
  id: string;
  order: number;
  values: FormValues;
  /** The entry as it was when editing started (null for a new one). */
  original: Entry | null;
  /** A save was tried: errors show (and update as the fields change). */
  attempted: boolean;
}

export interface LibraryPageStore {
  kind: LibraryKind;
  canEdit: boolean;
  /** The entries in their order, within the category filter. */
  shown: Accessor<readonly Entry[]>;
  all: Accessor<readonly Entry[]>;
  categories: Accessor<readonly string[]>;
  /** '' = every category. */
  category: Accessor<string>;
  setCategory(category: string): void;

  editor: Accessor<EditorState | null>;
  /** Errors of the form, once a save was tried. */
  errors: Accessor<FormErrors>;
  /** Someone else changed or deleted the entry being edited since the form opened. */
  conflict: Accessor<'changed' | 'deleted' | null>;
  startNew(): void;
  startEdit(entry: Entry): void;
  setField(name: FieldName, value: string): void;
  /** Saves if the form is valid; otherwise the fields in error, in form order. */
  save(): { ok: true } | { ok: false; fields: FieldName[]; message?: string };
  cancel(): void;

  /** The entry awaiting delete confirmation. */
  deleting: Accessor<Entry | null>;
  askDelete(entry: Entry): void;
  confirmDelete(): void;
  cancelDelete(): void;

  /** Moves within what is shown; the announcement says where it went. */
  move(entry: Entry, direction: -1 | 1): boolean;

  importResult: Accessor<ImportResult | null>;
  importText(json: string): ImportResult;
  dismissImport(): void;
  exportFile(): { filename: string; json: string };

  /** Polite announcement of the last change (saved, deleted, moved). */
  announcement: Accessor<string>;
}

const FILENAMES: Record<LibraryKind, string> = { quickReplies: 'quick-replies.json', cannedResponses: 'canned-responses.json' };
const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** State and actions of a settings page listing one library (quick replies or canned responses). */
export function createLibraryPage(library: LibraryStore, kind: LibraryKind): LibraryPageStore {
  const spec = FORMS[kind];
  const all = createMemo<readonly Entry[]>(() => library.list(kind));
  const [category, setCategory] = createSignal('');
  const categories = createMemo(() => [...new Set(all().map((e) => e.category).filter(Boolean))].sort((a, b) => a.localeCompare(b)));
  const shown = createMemo(() => {
    const c = category();
    return c ? all().filter((e) => e.category === c) : all();
  });
  const [editor, setEditor] = createSignal<EditorState | null>(null);
  const [deleting, setDeleting] = createSignal<Entry | null>(null);
  const [importResult, setImportResult] = createSignal<ImportResult | null>(null);
  const [announcement, setAnnouncement] = createSignal('');

  const current = (id: string) => all().find((e) => e.id === id);
  const computeErrors = (e: EditorState) => formErrors(kind, e.values, e, all());
  const errors = createMemo<FormErrors>(() => {
    const e = editor();
    return e?.attempted ? computeErrors(e) : {};
  });
  const conflict = createMemo(() => {
    const e = editor();
    if (!e?.original) return null;
    const now = current(e.id);
    if (!now) return 'deleted';
    return JSON.stringify(now) === JSON.stringify(e.original) ? null : 'changed';
  });

  return {
    kind,
    get canEdit() {
      return library.canEdit;
    },
    shown,
    all,
    categories,
    category,
    setCategory(c) {
      setCategory(categories().includes(c) ? c : '');
    },
    editor,
    errors,
    conflict,
    startNew() {
      const c = category();
      setEditor({ mode: 'new', id: newId(), order: library.nextOrder(kind), values: { ...emptyValues(kind), category: c }, original: null, attempted: false });
    },
    startEdit(entry) {
      setEditor({ mode: 'edit', id: entry.id, order: entry.order, values: valuesOf(entry), original: entry, attempted: false });
    },
    setField(name, value) {
      setEditor((e) => (e ? { ...e, values: { ...e.values, [name]: value } } : e));
    },
    save() {
      const e = editor();
      if (!e) return { ok: false, fields: [] };
      const found = computeErrors(e);
      const fields = invalidFields(kind, found);
      if (fields.length > 0) {
        setEditor({ ...e, attempted: true });
        return { ok: false, fields };
      }
      // Keep the place it has now (someone may have moved it meanwhile).
      const order = current(e.id)?.order ?? e.order;
      const entry = toEntry(kind, e.values, { id: e.id, order });
      const result = library.save(kind, entry as never);
      if (!result.ok) {
        setEditor({ ...e, attempted: true });
        return { ok: false, fields: [], message: result.message };
      }
      batch(() => {
        setEditor(null);
        setAnnouncement(`${capitalize(spec.singular)} “${entryLabel(entry)}” ${e.mode === 'new' ? 'created' : 'saved'}.`);
      });
      return { ok: true };
    },
    cancel() {
      setEditor(null);
    },
    deleting,
    askDelete(entry) {
      setDeleting(entry);
    },
    confirmDelete() {
      const entry = deleting();
      if (!entry) return;
      library.remove(kind, entry.id);
      batch(() => {
        setDeleting(null);
        setAnnouncement(`${capitalize(spec.singular)} “${entryLabel(entry)}” deleted.`);
      });
    },
    cancelDelete() {
      setDeleting(null);
    },
    move(entry, direction) {
      const within = category() ? shown().map((e) => e.id) : undefined;
      if (!library.move(kind, entry.id, direction, within)) return false;
      const list = shown();
      const position = list.findIndex((e) => e.id === entry.id) + 1;
      setAnnouncement(`“${entryLabel(entry)}” moved to position ${position} of ${list.length}.`);
      return true;
    },
    importResult,
    importText(json) {
      const result = library.importJson(kind, json);
      batch(() => {
        setImportResult(result);
        if (result.ok) setCategory('');
      });
      return result;
    },
    dismissImport() {
      setImportResult(null);
    },
    exportFile() {
      return { filename: FILENAMES[kind], json: library.exportJson(kind) };
    },
    announcement,
  };
}
