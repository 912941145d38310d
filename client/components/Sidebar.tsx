import type { Role } from '../../shared/schema/roles.ts';
import type { AssigneeFilter, StatusFilter } from '../stores/conversationOrder.ts';
import type { ConnectionState } from '../sync/SyncClient.ts';
import type { AgentPresence, Availability } from '../../shared/schema/presence.ts';
import type { MemberSummary } from '../../shared/schema/workspaceIndex.ts';
import { StatusMenu } from './StatusMenu.tsx';
import { TeamPanel } from './TeamPanel.tsx';
import { ConnectionIndicator } from './ConnectionIndicator.tsx';
import { FilterTabs } from './FilterTabs.tsx';
import { Link } from '../router/Link.tsx';
import { InboxIcon, SearchIcon, SettingsIcon, SignOutIcon } from './icons.tsx';

export interface SidebarProps {
  workspaceName: string;
  agent: { name: string; email: string; role: Role };
  filter: AssigneeFilter;
  counts: Record<AssigneeFilter, number>;
  onFilter: (value: AssigneeFilter) => void;
  status: StatusFilter;
  onStatus: (value: StatusFilter) => void;
  query: string;
  onQuery: (value: string) => void;
  connection: ConnectionState;
  onReload: () => void;
  onSignOut: () => void;
  /** Id of the list panel the filter tabs control. */
  listId: string;
  me: string;
  /** Active members, for the team panel. */
  members: MemberSummary[];
  presence: (agentId: string) => AgentPresence | undefined;
  canManage: boolean;
  onChooseStatus: (status: Availability) => void;
  onSetOffline: (agentId: string) => void;
}

const ROLE_LABEL: Record<Role, string> = { admin: 'Admin', lead: 'Team lead', agent: 'Agent' };

/** Left sidebar: workspace, search, filters, connection state, and the agent with sign-out at the bottom. */
export function Sidebar(props: SidebarProps) {
  return (
    <nav class="sidebar" aria-label="Inbox">
      <div class="sidebar__brand">
        <span class="sidebar__logo" aria-hidden="true">
          <InboxIcon size={18} />
        </span>
        <div class="sidebar__titles">
          <span class="sidebar__product">Switchboard</span>
          <span class="sidebar__workspace">{props.workspaceName}</span>
        </div>
      </div>

      <form role="search" class="search" onSubmit={(e) => e.preventDefault()}>
        <label for="conversation-search" class="visually-hidden">
          Search conversations
        </label>
        <SearchIcon class="search__icon" />
        <input
          id="conversation-search"
          class="search__input"
          type="search"
          placeholder="Search"
          autocomplete="off"
          spellcheck={false}
          value={props.query}
          onInput={(e) => props.onQuery(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape' && props.query) {
              e.preventDefault();
              props.onQuery('');
            }
          }}
        />
      </form>

      <FilterTabs value={props.filter} counts={props.counts} controls={props.listId} onChange={props.onFilter} />

      <div class="sidebar__field">
        <label for="status-filter" class="sidebar__label">
          Status
        </label>
        <select
          id="status-filter"
          class="select"
          value={props.status}
          onChange={(e) => props.onStatus(e.currentTarget.value as StatusFilter)}
        >
          <option value="all">All statuses</option>
          <option value="open">Open</option>
          <option value="resolved">Resolved</option>
        </select>
      </div>

      <div class="sidebar__spacer" />

      <TeamPanel members={props.members} presence={props.presence} me={props.me} canManage={props.canManage} onSetOffline={props.onSetOffline} />

      <Link href="/settings/quick-replies" class="sidebar__link">
        <SettingsIcon />
        Settings
      </Link>

      <ConnectionIndicator state={props.connection} onReload={props.onReload} />

      <div class="sidebar__agent">
        <StatusMenu name={props.agent.name} presence={props.presence(props.me)} onChoose={props.onChooseStatus} />
        <div class="sidebar__agent-text">
          <span class="sidebar__agent-name">{props.agent.name}</span>
          <span class="sidebar__agent-role">{ROLE_LABEL[props.agent.role] ?? props.agent.role}</span>
        </div>
        <button type="button" class="icon-button" aria-label="Sign out" title="Sign out" onClick={() => props.onSignOut()}>
          <SignOutIcon />
        </button>
      </div>
    </nav>
  );
}
