import type { AgentPresence } from '../../shared/schema/presence.ts';
import { PresenceDot } from './PresenceDot.tsx';
import { Show } from 'solid-js';
import { CAPABILITIES } from '../../shared/channels/capabilities.ts';
import type { ConversationSummary } from '../../shared/schema/workspaceIndex.ts';
import { longRelativeTime, shortRelativeTime } from '../lib/formatTime.ts';
import { Link } from '../router/Link.tsx';
import { ChannelIcon, ClockIcon } from './icons.tsx';

export interface ConversationRowProps {
  summary: ConversationSummary;
  unread: number;
  assigneeName: string | null;
  assigneePresence?: AgentPresence | undefined;
  hasDraft: boolean;
  /** The contact is composing: "typing…" replaces the preview while it lasts. */
  contactTyping?: boolean;
  /** This device has changes to the conversation the server has not had yet (sent offline, say). */
  unsynced?: boolean;
  selected: boolean;
  now: number;
  tabIndex: number;
}

/**
 * One conversation in the list: a link to /c/<id> whose accessible name starts with the contact's
 * name, then unread count, channel, status, assignee, draft, changes waiting to sync and the last
 * message. The preview is the server's summary: a reply sent offline shows as "Waiting to sync"
 * until the server has it, then as the preview.
 */
export function ConversationRow(props: ConversationRowProps) {
  const channel = () => CAPABILITIES[props.summary.channel]?.label ?? props.summary.channel;
  const preview = () => props.summary.lastMessage?.text ?? 'No messages yet';
  const previewPrefix = () => (props.summary.lastMessage?.authorType === 'agent' ? 'Agent: ' : '');
  const time = () => props.summary.lastMessage?.at ?? props.summary.lastActivityAt;
  const label = () =>
    [
      props.summary.contactName,
      props.unread > 0 ? `${props.unread} unread` : null,
      channel(),
      props.summary.inbox ? `${props.summary.inbox.name} inbox` : null,
      props.summary.status === 'resolved' ? 'resolved' : 'open',
      props.assigneeName ? `assigned to ${props.assigneeName}` : 'unassigned',
      props.hasDraft ? 'draft' : null,
      props.unsynced ? 'changes waiting to sync' : null,
      props.contactTyping ? 'typing' : null,
      `last message ${longRelativeTime(time(), props.now)}: ${previewPrefix()}${preview()}`,
    ]
      .filter(Boolean)
      .join(', ');

  return (
    <Link
      href={`/c/${props.summary.id}`}
      class="row"
      classList={{ 'row--selected': props.selected, 'row--unread': props.unread > 0 }}
      aria-current={props.selected ? 'page' : undefined}
      aria-label={label()}
      data-conversation-id={props.summary.id}
      tabIndex={props.tabIndex}
    >
      <div class="row__top">
        <span class="row__name">{props.summary.contactName}</span>
        <time class="row__time" datetime={new Date(time()).toISOString()}>
          {shortRelativeTime(time(), props.now)}
        </time>
      </div>
      <div class="row__middle">
        <Show
          when={props.contactTyping}
          fallback={
            <span class="row__preview">
              <Show when={props.hasDraft}>
                <span class="row__draft">Draft · </span>
              </Show>
              {previewPrefix()}
              {preview()}
            </span>
          }
        >
          <span class="row__preview row__typing">typing…</span>
        </Show>
        <Show when={props.unread > 0}>
          <span class="unread-badge">{props.unread > 99 ? '99+' : props.unread}</span>
        </Show>
      </div>
      <div class="row__meta">
        <span class={`channel-tag channel-tag--${props.summary.channel}`}>
          <ChannelIcon channel={props.summary.channel} size={13} />
          {channel()}
        </span>
        <Show when={props.summary.inbox}>{(inbox) => <span class="inbox-tag">{inbox().name}</span>}</Show>
        <span class="row__assignee">
          <Show when={props.assigneeName}>
            <PresenceDot presence={props.assigneePresence} />
          </Show>
          {props.assigneeName ?? 'Unassigned'}
        </span>
        <Show when={props.unsynced}>
          <span class="row__unsynced" title="Changes made on this device are not on the server yet: they go out when it is connected">
            <ClockIcon size={12} />
            Waiting to sync
          </span>
        </Show>
        <Show when={props.summary.status === 'resolved'}>
          <span class="status-pill status-pill--resolved">Resolved</span>
        </Show>
      </div>
    </Link>
  );
}
