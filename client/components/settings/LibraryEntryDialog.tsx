import { createMemo, createSignal, For, onMount, Show } from 'solid-js';
import type { LibraryKind } from '../../../shared/schema/settings.ts';
import { renderTemplate } from '../../../shared/templates/renderTemplate.ts';
import { TEMPLATE_VARIABLES, type TemplateContext } from '../../../shared/templates/templateVariables.ts';
import type { EditorState } from '../../stores/createLibraryPage.ts';
import { type FieldName, type FieldSpec, FORMS, type FormErrors } from '../../stores/libraryForm.ts';
import { TemplatePreview } from '../TemplatePreview.tsx';

export interface LibraryEntryDialogProps {
  kind: LibraryKind;
  editor: EditorState;
  errors: FormErrors;
  conflict: 'changed' | 'deleted' | null;
  /** Categories already in use (suggested as you type). */
  categories: readonly string[];
  /** Who the preview pretends to send to. */
  sample: TemplateContext;
  onField: (name: FieldName, value: string) => void;
  onSave: () => { ok: true } | { ok: false; fields: FieldName[]; message?: string };
  onCancel: () => void;
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The form that creates or edits a quick reply or canned response, in a modal dialog. Saving is
 * refused while anything is wrong: each field shows its problem (linked with aria-describedby),
 * a template lists its problems by line and column (each selects the offending text), and focus
 * goes to the first field to fix.
 */
export function LibraryEntryDialog(props: LibraryEntryDialogProps) {
  let dialog: HTMLDialogElement | undefined;
  const controls = new Map<FieldName, HTMLInputElement | HTMLTextAreaElement>();
  const [formMessage, setFormMessage] = createSignal<{ text: string; fromStore: boolean } | null>(null);
  /** The save refusal, while it still applies (field errors disappear as they are fixed). */
  const shownMessage = () => {
    const m = formMessage();
    return m && (m.fromStore || Object.keys(props.errors).length > 0) ? m.text : null;
  };
  const spec = () => FORMS[props.kind];
  const title = () => `${props.editor.mode === 'new' ? 'New' : 'Edit'} ${spec().singular}`;
  const fieldId = (name: FieldName) => `lib-field-${name}`;
  const errorId = (name: FieldName) => `lib-field-${name}-error`;
  const hintId = (name: FieldName) => `lib-field-${name}-hint`;

  onMount(() => {
    dialog?.showModal();
    controls.get(spec().fields[0]?.name ?? 'name')?.focus();
  });

  /** Focuses a template field with the given range selected (a problem the author clicked). */
  const select = (name: FieldName, start: number, end: number) => {
    const control = controls.get(name);
    if (!control) return;
    control.focus();
    control.setSelectionRange(start, Math.max(end, start + 1));
  };

  const save = () => {
    const result = props.onSave();
    if (result.ok) return;
    const first = result.fields[0];
    setFormMessage(
      result.message
        ? { text: `Not saved: ${result.message}`, fromStore: true }
        : { text: `Not saved: fix ${result.fields.length === 1 ? 'the field marked above' : `the ${result.fields.length} fields marked above`}.`, fromStore: false },
    );
    if (!first) return;
    const problem = props.errors[first]?.problems?.[0];
    if (problem) select(first, problem.start, problem.end);
    else controls.get(first)?.focus();
  };

  const template = createMemo(() => props.editor.values[spec().templateField] ?? '');
  const preview = createMemo(() => (template().trim() ? renderTemplate(template(), props.sample) : null));

  const describedBy = (field: FieldSpec) =>
    [field.hint ? hintId(field.name) : null, props.errors[field.name] ? errorId(field.name) : null].filter(Boolean).join(' ') || undefined;

  return (
    <dialog
      ref={dialog}
      class="lib-editor"
      aria-labelledby="lib-editor-title"
      onClose={() => props.onCancel()}
    >
      <form
        class="lib-editor__form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          save();
        }}
      >
        <header class="lib-editor__head">
          <h2 id="lib-editor-title">{title()}</h2>
          <button type="button" class="icon-button" aria-label="Close" onClick={() => dialog?.close()}>
            ✕
          </button>
        </header>
        <Show when={props.conflict}>
          {(c) => (
            <p class="lib-editor__conflict" role="status">
              {c() === 'deleted'
                ? `Someone deleted this ${spec().singular} while you were editing: saving creates it again.`
                : `Someone else changed this ${spec().singular} while you were editing: saving replaces their change.`}
            </p>
          )}
        </Show>
        <div class="lib-editor__fields">
          <For each={spec().fields}>
            {(field) => (
              <div class="field" classList={{ 'field--invalid': props.errors[field.name] !== undefined, 'field--template': field.control === 'template' }}>
                <label class="field__label" for={fieldId(field.name)}>
                  {field.label}
                  <Show when={!field.required}>
                    <span class="field__optional"> (optional)</span>
                  </Show>
                </label>
                {field.control === 'template' ? (
                  <textarea
                    ref={(el) => controls.set(field.name, el)}
                    id={fieldId(field.name)}
                    class="field__control field__control--template"
                    rows={props.kind === 'cannedResponses' ? 9 : 4}
                    spellcheck={true}
                    value={props.editor.values[field.name] ?? ''}
                    aria-invalid={props.errors[field.name] ? 'true' : undefined}
                    aria-describedby={describedBy(field)}
                    aria-required={field.required ? 'true' : undefined}
                    onInput={(e) => props.onField(field.name, e.currentTarget.value)}
                  />
                ) : (
                  <input
                    ref={(el) => controls.set(field.name, el)}
                    id={fieldId(field.name)}
                    class="field__control"
                    type="text"
                    autocomplete="off"
                    spellcheck={field.name !== 'shortcut'}
                    list={field.name === 'category' ? 'lib-categories' : undefined}
                    value={props.editor.values[field.name] ?? ''}
                    aria-invalid={props.errors[field.name] ? 'true' : undefined}
                    aria-describedby={describedBy(field)}
                    aria-required={field.required ? 'true' : undefined}
                    onInput={(e) => props.onField(field.name, e.currentTarget.value)}
                  />
                )}
                <Show when={field.hint}>
                  <p id={hintId(field.name)} class="field__hint">
                    {field.hint}
                  </p>
                </Show>
                <Show when={props.errors[field.name]}>
                  {(error) => (
                    <div id={errorId(field.name)} class="field__error">
                      <p>{error().message}</p>
                      <Show when={error().problems}>
                        {(problems) => (
                          <ul class="field__problems">
                            <For each={problems()}>
                              {(p) => (
                                <li>
                                  <button type="button" class="field__problem" onClick={() => select(field.name, p.start, p.end)}>
                                    <code>{p.excerpt}</code> {capitalize(p.message)}
                                  </button>
                                </li>
                              )}
                            </For>
                          </ul>
                        )}
                      </Show>
                    </div>
                  )}
                </Show>
                <Show when={field.control === 'template'}>
                  <details class="field__variables">
                    <summary>Variables you can use</summary>
                    <ul>
                      <For each={Object.entries(TEMPLATE_VARIABLES)}>
                        {([name, description]) => (
                          <li>
                            <code>{`{{${name}}}`}</code> {description}
                          </li>
                        )}
                      </For>
                      <li>
                        <code>{'{{attributes.<key>}}'}</code> any custom contact attribute
                      </li>
                      <li>
                        <code>{'{{name|fallback}}'}</code> the fallback text when the value is missing
                      </li>
                    </ul>
                  </details>
                </Show>
              </div>
            )}
          </For>
          <datalist id="lib-categories">
            <For each={props.categories}>{(c) => <option value={c} />}</For>
          </datalist>
          <Show when={preview()}>
            {(p) => (
              <section class="lib-editor__preview" aria-labelledby="lib-editor-preview">
                <h3 id="lib-editor-preview" class="lib-editor__preview-title">
                  Preview for a sample contact ({props.sample.contact?.name})
                </h3>
                <p class="lib-editor__preview-text">
                  <TemplatePreview segments={p().segments} />
                </p>
              </section>
            )}
          </Show>
        </div>
        <footer class="lib-editor__foot">
          <Show when={shownMessage()}>
            {(text) => (
              <p class="lib-editor__message" role="alert">
                {text()}
              </p>
            )}
          </Show>
          <div class="lib-editor__actions">
            <button type="button" class="button" onClick={() => dialog?.close()}>
              Cancel
            </button>
            <button type="submit" class="button button--primary">
              {props.editor.mode === 'new' ? `Create ${spec().singular}` : 'Save changes'}
            </button>
          </div>
        </footer>
      </form>
    </dialog>
  );
}
