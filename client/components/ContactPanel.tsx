import { createMemo, createSignal, For, onMount, Show } from 'solid-js';
import type { ContactProfile } from '../../shared/schema/contact.ts';
import { resolveVariable } from '../../shared/templates/templateVariables.ts';
import { type ContactEditor, FIELDS } from '../stores/createContactEditor.ts';
import { Avatar } from './Avatar.tsx';
import { PlusIcon, TrashIcon } from './icons.tsx';
import { ConfirmDialog } from './settings/ConfirmDialog.tsx';

export interface ContactPanelProps {
  profile: ContactProfile | null;
  /** Every live contact of the workspace (to pick one to merge). */
  contacts: () => ContactProfile[];
  canMerge: boolean;
  editor: ContactEditor;
  onClose: () => void;
}

const IDENTITY_LABEL = { phone: 'Phone', email: 'Email', id: 'Earlier id' } as const;
const detailOf = (p: ContactProfile) => p.email ?? p.phone ?? '';

const NAME_PART = { firstName: 'first_name', lastName: 'last_name' } as const;

/**
 * A field the profile does not set. First and last name then show what `{{first_name}}` and
 * `{{last_name}}` give instead (the full name split at its first space), marked as such, so an
 * agent sees what a quick reply will say before sending it.
 */
function FromName(props: { profile: ContactProfile; field: (typeof FIELDS)[number]['key'] }) {
  const derived = () => {
    const variable = props.field === 'firstName' || props.field === 'lastName' ? NAME_PART[props.field] : null;
    return variable ? resolveVariable(variable, { contact: props.profile }) : '';
  };
  return (
    <Show when={derived()} fallback={<span class="contact-panel__missing">Not set</span>}>
      {derived()} <span class="contact-panel__missing">(from the name)</span>
    </Show>
  );
}

/**
 * The thread's contact panel: the profile (live for everyone), an edit form (any member), and a
 * merge picker (admins and leads). Escape closes it; focus starts on its heading.
 */
export function ContactPanel(props: ContactPanelProps) {
  let heading: HTMLHeadingElement | undefined;
  const [query, setQuery] = createSignal('');
  const [merging, setMerging] = createSignal<ContactProfile | null>(null);
  onMount(() => heading?.focus());
  const e = props.editor;
  /** The form closed (saved or cancelled): keep focus inside the panel, on its heading. */
  const refocus = () => queueMicrotask(() => heading?.focus());

  const matches = createMemo(() => {
    const q = query().trim().toLowerCase();
    const me = props.profile?.id;
    if (!q) return [];
    return props
      .contacts()
      .filter((c) => c.id !== me && [c.name, c.email, c.phone, c.company].some((v) => v?.toLowerCase().includes(q)))
      .slice(0, 8);
  });

  return (
    <aside
      class="contact-panel"
      aria-labelledby="contact-panel-title"
      onKeyDown={(ev) => {
        if (ev.key === 'Escape' && !merging()) {
          ev.stopPropagation();
          props.onClose();
        }
      }}
    >
      <div class="contact-panel__head">
        <h2 id="contact-panel-title" ref={heading} tabIndex={-1}>
          Contact details
        </h2>
        <button type="button" class="button button--small" onClick={() => props.onClose()}>
          Close
        </button>
      </div>
      <Show when={props.profile} fallback={<p class="contact-panel__empty">No profile for this contact yet.</p>}>
        {(p) => (
          <>
            <div class="contact-panel__who">
              <Avatar name={p().name} />
              <div>
                <p class="contact-panel__name">{p().name}</p>
                <p class="contact-panel__detail">{[p().company, detailOf(p())].filter(Boolean).join(' · ')}</p>
              </div>
            </div>
            <p class="visually-hidden" role="status">
              {e.status()}
            </p>
            <Show
              when={e.form()}
              fallback={
                <>
                  <dl class="contact-panel__fields">
                    <For each={FIELDS.filter((f) => f.key !== 'name')}>
                      {(f) => (
                        <>
                          <dt>{f.label}</dt>
                          <dd>
                            <Show when={p()[f.key]} fallback={<FromName profile={p()} field={f.key} />}>
                              {p()[f.key]}
                            </Show>
                          </dd>
                        </>
                      )}
                    </For>
                    <For each={Object.entries(p().attributes)}>
                      {([key, value]) => (
                        <>
                          <dt>
                            <code>{key}</code>
                          </dt>
                          <dd>{value}</dd>
                        </>
                      )}
                    </For>
                  </dl>
                  <button type="button" class="button" onClick={() => e.start(p())}>
                    Edit profile
                  </button>
                  <Show when={p().identities.some((i) => i.kind !== 'id' || i.value !== p().id)}>
                    <h3 class="contact-panel__subtitle">Recognised by</h3>
                    <ul class="contact-panel__identities">
                      <For each={p().identities.filter((i) => i.kind !== 'id')}>
                        {(i) => (
                          <li>
                            {IDENTITY_LABEL[i.kind]}: {i.value}
                          </li>
                        )}
                      </For>
                      <Show when={p().identities.some((i) => i.kind === 'id' && i.value !== p().id)}>
                        <li>{p().identities.filter((i) => i.kind === 'id' && i.value !== p().id).length} merged or earlier contact record(s)</li>
                      </Show>
                    </ul>
                  </Show>
                </>
              }
            >
              {(form) => (
                <form
                  class="contact-panel__form"
                  aria-label="Edit contact"
                  noValidate
                  onSubmit={(ev) => {
                    ev.preventDefault();
                    void e.save(p()).then((saved) => saved && refocus());
                  }}
                >
                  <For each={FIELDS}>
                    {(f) => (
                      <label class="field">
                        <span class="field__label">{f.label}</span>
                        <input
                          class="field__control"
                          name={f.key}
                          type={f.key === 'email' ? 'email' : f.key === 'phone' ? 'tel' : 'text'}
                          value={form()[f.key]}
                          onInput={(ev) => {
                            const value = ev.currentTarget.value;
                            e.update((x) => ({ ...x, [f.key]: value }));
                          }}
                        />
                      </label>
                    )}
                  </For>
                  <fieldset class="contact-panel__attributes">
                    <legend>Custom attributes</legend>
                    <p class="field__hint">Used in replies as {'{{attributes.key}}'}; keys are lower-case letters, digits and _.</p>
                    <For each={form().attributes}>
                      {(row, i) => (
                        <div class="contact-panel__attribute">
                          <input
                            class="field__control"
                            aria-label={`Attribute ${i() + 1} key`}
                            value={row.key}
                            onInput={(ev) => {
                              const key = ev.currentTarget.value;
                              e.update((x) => ({ ...x, attributes: x.attributes.map((a, j) => (j === i() ? { ...a, key } : a)) }));
                            }}
                          />
                          <input
                            class="field__control"
                            aria-label={`Attribute ${i() + 1} value`}
                            value={row.value}
                            onInput={(ev) => {
                              const value = ev.currentTarget.value;
                              e.update((x) => ({ ...x, attributes: x.attributes.map((a, j) => (j === i() ? { ...a, value } : a)) }));
                            }}
                          />
                          <button
                            type="button"
                            class="icon-button"
                            aria-label={`Remove attribute ${row.key || i() + 1}`}
                            onClick={() => e.update((x) => ({ ...x, attributes: x.attributes.filter((_, j) => j !== i()) }))}
                          >
                            <TrashIcon size={15} />
                          </button>
                        </div>
                      )}
                    </For>
                    <button type="button" class="button button--small" onClick={() => e.update((x) => ({ ...x, attributes: [...x.attributes, { key: '', value: '' }] }))}>
                      <PlusIcon size={13} />
                      Add attribute
                    </button>
                  </fieldset>
                  <Show when={e.error()}>
                    <p class="lib-editor__message" role="alert">
                      {e.error()}
                    </p>
                  </Show>
                  <div class="lib-editor__actions">
                    <button
                      type="button"
                      class="button"
                      onClick={() => {
                        e.cancel();
                        refocus();
                      }}
                    >
                      Cancel
                    </button>
                    <button type="submit" class="button button--primary" disabled={e.busy()}>
                      {e.busy() ? 'Saving…' : 'Save contact'}
                    </button>
                  </div>
                </form>
              )}
            </Show>

            <Show when={props.canMerge && !e.editing()}>
              <section class="contact-panel__merge" aria-labelledby="contact-merge-title">
                <h3 id="contact-merge-title" class="contact-panel__subtitle">
                  Merge a duplicate into this contact
                </h3>
                <p class="field__hint">The same person on another channel or in another chat: their conversations will show this profile.</p>
                <input class="field__control" type="search" aria-label="Find a contact to merge" placeholder="Name, email or phone" value={query()} onInput={(ev) => setQuery(ev.currentTarget.value)} />
                <Show when={e.error() && !e.editing()}>
                  <p class="lib-editor__message" role="alert">
                    {e.error()}
                  </p>
                </Show>
                <ul class="contact-panel__matches">
                  <For each={matches()}>
                    {(c) => (
                      <li>
                        <button type="button" class="button button--small" onClick={() => setMerging(c)} aria-label={`Merge ${c.name}${detailOf(c) ? ` (${detailOf(c)})` : ''} into this contact`}>
                          Merge
                        </button>
                        <span>
                          {c.name}
                          <span class="contact-panel__detail"> {detailOf(c)}</span>
                        </span>
                      </li>
                    )}
                  </For>
                </ul>
              </section>
            </Show>
            <Show when={merging()}>
              {(source) => (
                <ConfirmDialog
                  title={`Merge ${source().name} into ${p().name}?`}
                  message={`${p().name}'s details win where both have one; ${source().name}'s fill the gaps. Their conversations, phone numbers and email addresses all belong to ${p().name} from now on.`}
                  confirmLabel="Merge"
                  onConfirm={() => {
                    const s = source();
                    setMerging(null);
                    setQuery('');
                    void e.merge(p().id, s);
                  }}
                  onCancel={() => setMerging(null)}
                />
              )}
            </Show>
          </>
        )}
      </Show>
    </aside>
  );
}
