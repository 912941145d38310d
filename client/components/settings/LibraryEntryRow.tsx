import { Show } from 'solid-js';
import type { CannedResponse, QuickReply, UsageCount } from '../../../shared/schema/settings.ts';
import { longRelativeTime } from '../../lib/formatTime.ts';
import { entryLabel } from '../../stores/createLibrary.ts';
import { ArrowDownIcon, ArrowUpIcon, PencilIcon, TrashIcon } from '../icons.tsx';
import { TemplateSource } from './TemplateSource.tsx';

export interface LibraryEntryRowProps {
  entry: QuickReply | CannedResponse;
  /** Position among the entries shown (0-based) and how many are shown. */
  index: number;
  count: number;
  canEdit: boolean;
  usage: UsageCount | undefined;
  me: string;
  now: number;
  onEdit: () => void;
  onDelete: () => void;
  onMove: (direction: -1 | 1) => void;
}

/** "Used 12 times (3 by you), last used 2 hours ago" / "Not used yet". */
export function usageText(usage: UsageCount | undefined, me: string, now: number): string {
  if (!usage || usage.total <= 0) return 'Not used yet';
  const mine = usage.byAgent[me] ?? 0;
  const times = usage.total === 1 ? 'once' : `${usage.total.toLocaleString('en-US')} times`;
  const last = usage.lastUsedAt > 0 ? `, last used ${longRelativeTime(usage.lastUsedAt, now)}` : '';
  return `Used ${times}${mine > 0 ? ` (${mine.toLocaleString('en-US')} by you)` : ''}${last}`;
}

/** One quick reply or canned response in the settings list, with its actions for editors. */
export function LibraryEntryRow(props: LibraryEntryRowProps) {
  const label = () => entryLabel(props.entry);
  const source = () => ('text' in props.entry ? props.entry.text : props.entry.body);
  const shortcut = () => ('shortcut' in props.entry ? props.entry.shortcut : '');
  return (
    <li class="lib-row" data-entry-id={props.entry.id}>
      <div class="lib-row__main">
        <div class="lib-row__head">
          <span class="lib-row__name">{label()}</span>
          <Show when={shortcut()}>
            <code class="lib-row__shortcut" aria-label={`shortcut /${shortcut()}`}>
              /{shortcut()}
            </code>
          </Show>
          <Show when={props.entry.category}>
            <span class="lib-row__category">
              <span class="visually-hidden">category </span>
              {props.entry.category}
            </span>
          </Show>
        </div>
        <p class="lib-row__text">
          <TemplateSource source={source()} />
        </p>
        <p class="lib-row__usage" classList={{ 'lib-row__usage--none': !props.usage?.total }}>
          {usageText(props.usage, props.me, props.now)}
        </p>
      </div>
      <Show when={props.canEdit}>
        <div class="lib-row__actions">
          <button
            type="button"
            class="icon-button"
            data-move="up"
            aria-label={`Move “${label()}” up`}
            title="Move up"
            disabled={props.index === 0}
            onClick={() => props.onMove(-1)}
          >
            <ArrowUpIcon />
          </button>
          <button
            type="button"
            class="icon-button"
            data-move="down"
            aria-label={`Move “${label()}” down`}
            title="Move down"
            disabled={props.index === props.count - 1}
            onClick={() => props.onMove(1)}
          >
            <ArrowDownIcon />
          </button>
          <button type="button" class="button button--small" data-action="edit" aria-label={`Edit “${label()}”`} onClick={() => props.onEdit()}>
            <PencilIcon size={14} />
            Edit
          </button>
          <button type="button" class="button button--small button--danger-outline" data-action="delete" aria-label={`Delete “${label()}”`} onClick={() => props.onDelete()}>
            <TrashIcon size={14} />
            Delete
          </button>
        </div>
      </Show>
    </li>
  );
}
