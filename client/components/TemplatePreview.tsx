import { For, Match, Switch } from 'solid-js';
import type { RenderedSegment } from '../../shared/templates/renderTemplate.ts';

/**
 * What the contact will receive: filled-in values marked, fallbacks marked as such, and variables
 * that render empty (the spec's "variables not filling" pitfall) highlighted. Text only: values
 * are rendered as text nodes, never as markup.
 */
export function TemplatePreview(props: { segments: readonly RenderedSegment[] }) {
  return (
    <For each={props.segments}>
      {(s) => (
        <Switch fallback={<>{s.text}</>}>
          <Match when={s.kind === 'value' && s}>{(v) => <mark class="tpl tpl--value" title={`{{${v().name}}}`}>{v().text}</mark>}</Match>
          <Match when={s.kind === 'fallback' && s}>
            {(v) => (
              <mark class="tpl tpl--fallback" title={`{{${v().name}}} is missing: fallback used`}>
                {v().text}
              </mark>
            )}
          </Match>
          <Match when={s.kind === 'empty' && s}>
            {(v) => (
              <mark class="tpl tpl--empty" title={`{{${v().name}}} is empty for this contact`}>
                <span class="visually-hidden">empty: </span>
                {`{{${v().name}}}`}
              </mark>
            )}
          </Match>
          <Match when={s.kind === 'unknown' && s}>{(v) => <mark class="tpl tpl--unknown" title="Unknown variable: sent as typed">{v().text}</mark>}</Match>
        </Switch>
      )}
    </For>
  );
}
