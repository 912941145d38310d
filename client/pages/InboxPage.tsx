import { canManage } from '../../shared/schema/roles.ts';
import { createMemo, For, lazy, onMount, Show } from 'solid-js';
import { ConversationList } from '../components/ConversationList.tsx';
import { InboxIcon } from '../components/icons.tsx';
import { Sidebar } from '../components/Sidebar.tsx';
import { whenIdle } from '../lib/afterPaint.ts';
import { formatCount } from '../lib/formatCount.ts';
import { prepareThreadFormats } from '../lib/formatTime.ts';
import { type AssigneeFilter, isListSort, LIST_SORTS } from '../stores/conversationOrder.ts';
import { useWorkspace } from '../stores/createWorkspace.ts';

/**
 * The conversation pane (thread, composer, contact panel) is its own chunk: the first paint of
 * the list does not wait to compile it. It is fetched once the list is idle, before a first click.
 */
const ConversationPane = lazy(() => import('./ConversationPane.tsx').then((m) => ({ default: m.ConversationPane })));

const TITLES: Record<AssigneeFilter, string> = { mine: 'Mine', unassigned: 'Unassigned', all: 'All conversations' };
const LIST_ID = 'conversation-list-panel';

/** The inbox: sidebar, conversation list and (when one is selected) the conversation. */
export function InboxPage(props: { selectedId: string | null; onSignOut: () => void }) {
  const w = useWorkspace();
  // The first conversation opened should not wait for Intl's locale data.
  onMount(() =>
    whenIdle(
      () => {
        prepareThreadFormats();
        void ConversationPane.preload();
      },
      0,
      1000,
    ),
  );
  const ids = w.inbox.ids;
  const total = () => w.inbox.total();
  const sortDescription = () => LIST_SORTS.find((s) => s.value === w.listSort())?.description ?? 'newest activity first';
  const emptyText = createMemo(() => {
    if (!w.index.loaded() || w.inbox.partial()) return 'Loading conversations…';
    if (w.search.matches()) return 'No conversations match your search.';
    if (w.inbox.assignee() === 'mine') return 'Nothing assigned to you.';
    if (w.inbox.assignee() === 'unassigned') return 'No unassigned conversations.';
    return w.index.synced() ? 'No conversations yet.' : 'Waiting for the server…';
  });

  return (
    <div class="inbox" classList={{ 'inbox--thread-open': props.selectedId !== null }}>
      <Sidebar
        workspaceName={w.workspaceName()}
        agent={{ name: w.session.agent.name, email: w.session.agent.email, role: w.index.members[w.session.agent.id]?.role ?? w.session.agent.role }}
        filter={w.inbox.assignee()}
        counts={w.inbox.counts()}
        onFilter={w.inbox.setAssignee}
        status={w.inbox.status()}
        onStatus={w.inbox.setStatus}
        query={w.search.query()}
        onQuery={w.search.setQuery}
        connection={w.connection()}
        onReload={() => location.reload()}
        onSignOut={props.onSignOut}
        listId={LIST_ID}
        me={w.session.agent.id}
        members={Object.values(w.index.members).filter((m) => m.active).sort((a, b) => a.name.localeCompare(b.name))}
        presence={(id) => w.availability.of(id)}
        canManage={canManage(w.index.members[w.session.agent.id]?.role ?? w.session.agent.role)}
        onChooseStatus={(status) => void w.availability.setMine(status)}
        onSetOffline={(id) => void w.availability.setOffline(id)}
      />
      <section class="list-pane" id={LIST_ID} role="tabpanel" aria-labelledby={`filter-tab-${w.inbox.assignee()}`}>
        <header class="list-pane__header">
          <h1 class="list-pane__title">{TITLES[w.inbox.assignee()]}</h1>
          <span class="list-pane__count" aria-live="polite">
            {formatCount(total())} {total() === 1 ? 'conversation' : 'conversations'}
          </span>
          <label class="list-pane__sort">
            <span class="list-pane__sort-label">Sort</span>
            <span class="visually-hidden"> conversations</span>
            <select
              class="list-pane__sort-select"
              value={w.listSort()}
              onChange={(event) => {
                const value = event.currentTarget.value;
                if (isListSort(value)) w.setListSort(value);
              }}
            >
              <For each={LIST_SORTS}>{(option) => <option value={option.value}>{option.label}</option>}</For>
            </select>
          </label>
        </header>
        <ConversationList
          ids={ids()}
          total={total()}
          summary={(id) => w.index.conversations.get(id)}
          unread={w.unread}
          assigneeName={(id) => w.memberName(w.index.conversations.get(id)?.assigneeId)}
          assigneePresence={(id) => w.availability.of(w.index.conversations.get(id)?.assigneeId)}
          hasDraft={w.hasDraft}
          contactTyping={w.contactTyping}
          unsynced={w.unsynced}
          selectedId={props.selectedId}
          now={w.now()}
          emptyText={emptyText()}
          label={`${TITLES[w.inbox.assignee()]}, ${total()} conversations, ${sortDescription()}`}
        />
      </section>
      <main class="thread-pane" id="main">
        <Show
          when={props.selectedId}
          keyed
          fallback={
            <div class="thread-empty">
              <InboxIcon size={40} />
              <p>Select a conversation to read and reply.</p>
              <p class="thread-empty__hint">Use the arrow keys in the list to move between conversations.</p>
            </div>
          }
        >
          {(id) => <ConversationPane id={id} />}
        </Show>
      </main>
    </div>
  );
}
