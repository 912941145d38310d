import { createMemo, createSignal, For, onMount, Show } from 'solid-js';
import type { CannedResponse } from '../../shared/schema/settings.ts';
import { renderRichPlain } from '../../shared/templates/renderRich.ts';
import type { TemplateContext } from '../../shared/templates/templateVariables.ts';
import { fuzzyRank, type RankField } from '../lib/fuzzyRank.ts';

export interface CannedResponseDialogProps {
  responses: readonly CannedResponse[];
  fields: (response: CannedResponse) => readonly RankField[];
  context: TemplateContext;
  onPick: (response: CannedResponse) => void;
  onClose: () => void;
}

/**
 * The canned-response browser: a modal dialog with keyword search over title and body and a
 * category filter; clicking a response (or Enter on it) inserts it into the composer for review.
 */
export function CannedResponseDialog(props: CannedResponseDialogProps) {
  let dialog: HTMLDialogElement | undefined;
  let search: HTMLInputElement | undefined;
  const [query, setQuery] = createSignal('');
  const [category, setCategory] = createSignal<string | null>(null);
  const categories = createMemo(() => [...new Set(props.responses.map((r) => r.category || 'Uncategorised'))].sort());
  const shown = createMemo(() => {
    const c = category();
    const inCategory = c === null ? props.responses : props.responses.filter((r) => (r.category || 'Uncategorised') === c);
    return fuzzyRank(inCategory, query(), props.fields, 200);
  });
  const groups = createMemo(() => {
    const by = new Map<string, CannedResponse[]>();
    for (const r of shown()) {
      const key = r.category || 'Uncategorised';
      by.set(key, [...(by.get(key) ?? []), r]);
    }
    return [...by.entries()];
  });

  onMount(() => {
    dialog?.showModal();
    search?.focus();
  });

  return (
    <dialog
      ref={dialog}
      class="canned"
      aria-labelledby="canned-title"
      onClose={() => props.onClose()}
      onClick={(e) => {
        if (e.target === dialog) dialog?.close();
      }}
    >
      <header class="canned__head">
        <h2 id="canned-title">Canned responses</h2>
        <button type="button" class="icon-button" aria-label="Close" onClick={() => dialog?.close()}>
          ✕
        </button>
      </header>
      <input
        ref={search}
        class="canned__search"
        type="search"
        aria-label="Search canned responses"
        placeholder="Search by keyword"
        value={query()}
        onInput={(e) => setQuery(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            dialog?.querySelector<HTMLButtonElement>('.canned__item')?.focus();
          } else if (e.key === 'Enter') {
            e.preventDefault();
            const first = shown()[0];
            if (first) props.onPick(first);
          }
        }}
      />
      <div class="canned__body">
        <div class="canned__categories" role="group" aria-label="Categories">
          <button type="button" class="chip" aria-pressed={category() === null} onClick={() => setCategory(null)}>
            All
          </button>
          <For each={categories()}>
            {(c) => (
              <button type="button" class="chip" aria-pressed={category() === c} onClick={() => setCategory(c)}>
                {c}
              </button>
            )}
          </For>
        </div>
        <div class="canned__list">
          <Show when={shown().length > 0} fallback={<p class="canned__empty">No canned response matches.</p>}>
            <For each={groups()}>
              {([name, items]) => (
                <section class="canned__group" aria-label={name}>
                  <h3 class="canned__group-title">{name}</h3>
                  <For each={items}>
                    {(r) => (
                      <button
                        type="button"
                        class="canned__item"
                        onClick={() => props.onPick(r)}
                        onKeyDown={(e) => {
                          const all = [...(dialog?.querySelectorAll<HTMLButtonElement>('.canned__item') ?? [])];
                          const i = all.indexOf(e.currentTarget);
                          if (e.key === 'ArrowDown') {
                            e.preventDefault();
                            all[i + 1]?.focus();
                          } else if (e.key === 'ArrowUp') {
                            e.preventDefault();
                            (all[i - 1] ?? search)?.focus();
                          }
                        }}
                      >
                        <span class="canned__title">{r.title}</span>
                        <span class="canned__snippet">{renderRichPlain(r.body, props.context).slice(0, 220)}</span>
                      </button>
                    )}
                  </For>
                </section>
              )}
            </For>
          </Show>
        </div>
      </div>
    </dialog>
  );
}
