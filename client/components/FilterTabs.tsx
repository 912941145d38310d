import { For } from 'solid-js';
import type { AssigneeFilter } from '../stores/conversationOrder.ts';
import { formatCount } from '../lib/formatCount.ts';

const TABS: Array<{ value: AssigneeFilter; label: string }> = [
  { value: 'mine', label: 'Mine' },
  { value: 'unassigned', label: 'Unassigned' },
  { value: 'all', label: 'All' },
];

export interface FilterTabsProps {
  value: AssigneeFilter;
  counts: Record<AssigneeFilter, number>;
  /** Id of the element the tabs control (the conversation list panel). */
  controls: string;
  onChange: (value: AssigneeFilter) => void;
}

/** Mine / Unassigned / All as a tablist (arrow keys move between tabs and select). */
export function FilterTabs(props: FilterTabsProps) {
  const refs: HTMLButtonElement[] = [];
  const move = (from: number, delta: number) => {
    const next = (from + delta + TABS.length) % TABS.length;
    const tab = TABS[next];
    if (!tab) return;
    props.onChange(tab.value);
    refs[next]?.focus();
  };
  return (
    <div role="tablist" aria-label="Conversation filter" aria-orientation="vertical" class="filter-tabs">
      <For each={TABS}>
        {(tab, i) => (
          <button
            ref={(el) => (refs[i()] = el)}
            type="button"
            role="tab"
            id={`filter-tab-${tab.value}`}
            class="filter-tab"
            aria-selected={props.value === tab.value}
            aria-controls={props.controls}
            tabIndex={props.value === tab.value ? 0 : -1}
            onClick={() => props.onChange(tab.value)}
            onKeyDown={(event) => {
              if (event.key === 'ArrowDown' || event.key === 'ArrowRight') move(i(), 1);
              else if (event.key === 'ArrowUp' || event.key === 'ArrowLeft') move(i(), -1);
              else if (event.key === 'Home') move(0, 0);
              else if (event.key === 'End') move(TABS.length - 1, 0);
              else return;
              event.preventDefault();
            }}
          >
            <span class="filter-tab__label">{tab.label}</span>
            <span class="filter-tab__count" aria-hidden="true">
              {formatCount(props.counts[tab.value])}
            </span>
          </button>
        )}
      </For>
    </div>
  );
}
