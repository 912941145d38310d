import { For } from 'solid-js';
import { parseTemplate } from '../../../shared/templates/parseTemplate.ts';

/** A template as written, with its variables marked (the settings lists). Text only. */
export function TemplateSource(props: { source: string }) {
  const parts = () => parseTemplate(props.source).parts;
  return (
    <For each={parts()}>
      {(part) =>
        part.type === 'text' ? (
          part.text
        ) : (
          <span class="tpl-var">{`{{${part.name}${part.fallback !== null ? `|${part.fallback}` : ''}}}`}</span>
        )
      }
    </For>
  );
}
