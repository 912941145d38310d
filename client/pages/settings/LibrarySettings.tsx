import { For, Show } from 'solid-js';
import type { LibraryKind } from '../../../shared/schema/settings.ts';
import type { TemplateContext } from '../../../shared/templates/templateVariables.ts';
import { PlusIcon } from '../../components/icons.tsx';
import { ConfirmDialog } from '../../components/settings/ConfirmDialog.tsx';
import { ImportReport } from '../../components/settings/ImportReport.tsx';
import { LibraryEntryDialog } from '../../components/settings/LibraryEntryDialog.tsx';
import { LibraryEntryRow } from '../../components/settings/LibraryEntryRow.tsx';
import { downloadFile } from '../../lib/downloadFile.ts';
import { entryLabel } from '../../stores/createLibrary.ts';
import { createLibraryPage } from '../../stores/createLibraryPage.ts';
import { useWorkspace } from '../../stores/createWorkspace.ts';
import { FORMS } from '../../stores/libraryForm.ts';

const INTRO: Record<LibraryKind, string> = {
  quickReplies: 'Short answers agents insert by typing / in the reply box. Variables are filled in from the contact’s profile when the reply is sent.',
  cannedResponses: 'Longer answers with formatting, inserted for review from the bookmark button beside the reply box. Sent as HTML on email, with each channel’s own formatting elsewhere.',
};

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * Settings > Quick replies / Canned responses: the list in its order, with usage counts, live
 * (Yjs). Admins and leads create, edit, delete, reorder, import and export; agents read.
 */
export function LibrarySettings(props: { kind: LibraryKind }) {
  const w = useWorkspace();
  const page = createLibraryPage(w.library, props.kind);
  const spec = FORMS[props.kind];
  const me = w.session.agent.id;
  let fileInput: HTMLInputElement | undefined;
  let list: HTMLOListElement | undefined;
  /** What had focus when a dialog opened: that element, or (re-rendered) the same action of its entry. */
  let opener: { element: HTMLElement; entryId: string | null; action: string | null } | null = null;

  const sample = (): TemplateContext => ({
    contact: { name: 'Jordan Smith', company: 'Northwind', email: 'jordan@example.com' },
    agent: { name: w.memberName(me) ?? w.session.agent.name, email: w.session.agent.email },
    conversation: { id: 'sample', channel: 'webchat' },
    workspace: { name: w.workspaceName() },
  });

  /** Returns focus where it was before a dialog opened (a saved row is re-rendered; a deleted one is gone). */
  const restoreFocus = () => {
    const target = opener;
    if (!target) return;
    opener = null;
    queueMicrotask(() => {
      const again =
        target.entryId && target.action
          ? list?.querySelector<HTMLElement>(`[data-entry-id="${CSS.escape(target.entryId)}"] [data-action="${target.action}"]`)
          : null;
      const element = target.element.isConnected ? target.element : again;
      (element ?? list?.querySelector<HTMLElement>('button:not(:disabled)') ?? document.getElementById('lib-new'))?.focus();
    });
  };
  const remember = () => {
    const element = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    opener = element
      ? { element, entryId: element.closest<HTMLElement>('[data-entry-id]')?.dataset.entryId ?? null, action: element.dataset.action ?? null }
      : null;
  };

  const move = (id: string, direction: -1 | 1) => {
    const entry = page.all().find((e) => e.id === id);
    if (!entry || !page.move(entry, direction)) return;
    // The row was re-rendered in its new place: keep focus on its move button.
    const row = list?.querySelector(`[data-entry-id="${CSS.escape(id)}"]`);
    const same = row?.querySelector<HTMLButtonElement>(`[data-move="${direction === -1 ? 'up' : 'down'}"]`);
    const other = row?.querySelector<HTMLButtonElement>(`[data-move="${direction === -1 ? 'down' : 'up'}"]`);
    (same && !same.disabled ? same : other)?.focus();
  };

  const importFile = async (file: File) => {
    const text = await file.text();
    page.importText(text);
  };

  return (
    <section class="settings-section" aria-labelledby="settings-title">
      <header class="settings-section__head">
        <div class="settings-section__titles">
          <h1 id="settings-title" class="settings-section__title">
            {capitalize(spec.plural)}
          </h1>
          <p class="settings-section__intro">{INTRO[props.kind]}</p>
        </div>
        <div class="settings-section__actions">
          <Show when={page.canEdit}>
            <button
              id="lib-new"
              type="button"
              class="button button--primary"
              onClick={() => {
                remember();
                page.startNew();
              }}
            >
              <PlusIcon size={15} />
              New {spec.singular}
            </button>
            <button type="button" class="button" onClick={() => fileInput?.click()}>
              Import JSON…
            </button>
            <input
              ref={fileInput}
              type="file"
              accept="application/json,.json"
              class="visually-hidden"
              tabIndex={-1}
              aria-hidden="true"
              data-testid="library-import-file"
              onChange={(e) => {
                const file = e.currentTarget.files?.[0];
                e.currentTarget.value = '';
                if (file) void importFile(file);
              }}
            />
          </Show>
          <button
            type="button"
            class="button"
            disabled={page.all().length === 0}
            onClick={() => {
              const { filename, json } = page.exportFile();
              downloadFile(filename, json);
            }}
          >
            Export JSON
          </button>
        </div>
      </header>

      <Show when={!page.canEdit}>
        <p class="settings-section__note" role="note">
          Only admins and team leads can change {spec.plural}. You can use them in any conversation
          {props.kind === 'quickReplies' ? ' by typing / in the reply box.' : ' from the bookmark button beside the reply box.'}
        </p>
      </Show>

      <Show when={page.importResult()}>
        {(result) => <ImportReport result={result()} plural={spec.plural} onDismiss={page.dismissImport} />}
      </Show>

      <div class="settings-section__toolbar">
        <label class="settings-section__filter">
          <span>Category</span>
          <select class="select" value={page.category()} onChange={(e) => page.setCategory(e.currentTarget.value)}>
            <option value="">All categories</option>
            <For each={page.categories()}>{(c) => <option value={c}>{c}</option>}</For>
          </select>
        </label>
        <span class="settings-section__count" aria-live="polite">
          {page.shown().length.toLocaleString('en-US')} {page.shown().length === 1 ? spec.singular : spec.plural}
          {page.category() ? ` in ${page.category()}` : ''}
        </span>
      </div>

      <Show
        when={page.shown().length > 0}
        fallback={
          <p class="settings-section__empty">
            {page.all().length === 0 ? `No ${spec.plural} yet.` : `No ${spec.plural} in this category.`}
            {page.canEdit && page.all().length === 0 ? ` Create one with “New ${spec.singular}”, or import a JSON file.` : ''}
          </p>
        }
      >
        <ol ref={list} class="lib-list" aria-label={`${capitalize(spec.plural)}, in menu order`}>
          <For each={page.shown()}>
            {(entry, i) => (
              <LibraryEntryRow
                entry={entry}
                index={i()}
                count={page.shown().length}
                canEdit={page.canEdit}
                usage={w.library.usage(props.kind, entry.id)}
                me={me}
                now={w.now()}
                onEdit={() => {
                  remember();
                  page.startEdit(entry);
                }}
                onDelete={() => {
                  remember();
                  page.askDelete(entry);
                }}
                onMove={(direction) => move(entry.id, direction)}
              />
            )}
          </For>
        </ol>
      </Show>

      <p class="visually-hidden" role="status" aria-live="polite">
        {page.announcement()}
      </p>

      <Show when={page.editor()}>
        {(editor) => (
          <LibraryEntryDialog
            kind={props.kind}
            editor={editor()}
            errors={page.errors()}
            conflict={page.conflict()}
            categories={page.categories()}
            sample={sample()}
            onField={page.setField}
            onSave={() => {
              const result = page.save();
              if (result.ok) restoreFocus();
              return result;
            }}
            onCancel={() => {
              page.cancel();
              restoreFocus();
            }}
          />
        )}
      </Show>
      <Show when={page.deleting()}>
        {(entry) => (
          <ConfirmDialog
            title={`Delete ${spec.singular}?`}
            message={`“${entryLabel(entry())}” will be removed for everyone in the workspace. This cannot be undone, except by creating it again.`}
            confirmLabel="Delete"
            onConfirm={() => {
              page.confirmDelete();
              restoreFocus();
            }}
            onCancel={() => {
              page.cancelDelete();
              restoreFocus();
            }}
          />
        )}
      </Show>
    </section>
  );
}
