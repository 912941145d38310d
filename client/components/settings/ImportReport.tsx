import { For, Show } from 'solid-js';
import type { ImportResult } from '../../stores/createLibrary.ts';

const SHOWN_PROBLEMS = 50;

/**
 * What an import did: how many entries were added and replaced, or why nothing was imported,
 * entry by entry (an import is all or nothing).
 */
export function ImportReport(props: { result: ImportResult; plural: string; onDismiss: () => void }) {
  return (
    <Show
      when={!props.result.ok && props.result}
      fallback={
        <div class="import-report import-report--ok" role="status">
          <p>
            {props.result.ok
              ? `Imported ${props.result.added + props.result.updated} ${props.plural}: ${props.result.added} new, ${props.result.updated} replaced.`
              : ''}
          </p>
          <button type="button" class="link-button" onClick={() => props.onDismiss()}>
            Dismiss
          </button>
        </div>
      }
    >
      {(failed) => (
        <div class="import-report import-report--failed" role="alert">
          <div class="import-report__body">
            <p class="import-report__title">{failed().message}</p>
            <Show when={failed().problems.length > 0}>
              <ul class="import-report__problems">
                <For each={failed().problems.slice(0, SHOWN_PROBLEMS)}>
                  {(p) => (
                    <li>
                      <Show when={p.entry !== null}>
                        <strong>
                          Entry {p.entry}
                          {p.label ? ` (“${p.label}”)` : ''}:
                        </strong>{' '}
                      </Show>
                      {p.message}
                    </li>
                  )}
                </For>
                <Show when={failed().problems.length > SHOWN_PROBLEMS}>
                  <li>…and {failed().problems.length - SHOWN_PROBLEMS} more.</li>
                </Show>
              </ul>
            </Show>
          </div>
          <button type="button" class="link-button" onClick={() => props.onDismiss()}>
            Dismiss
          </button>
        </div>
      )}
    </Show>
  );
}
