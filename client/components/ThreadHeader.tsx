import { For, type JSX, Show } from 'solid-js';
import type { AgentPresence } from '../../shared/schema/presence.ts';
import { PresenceDot } from './PresenceDot.tsx';
import { CAPABILITIES, type Channel } from '../../shared/channels/capabilities.ts';
import type { ConversationStatus } from '../../shared/schema/conversation.ts';
import type { Peer } from '../stores/createPresence.ts';
import { Link } from '../router/Link.tsx';
import { Avatar } from './Avatar.tsx';
import { BackIcon, ChannelIcon } from './icons.tsx';

export interface ThreadHeaderProps {
  contactName: string;
  contactDetail: string | null;
  channel: Channel | undefined;
  /** The business number / inbox it came in on, when the channel has several ("Sales"). */
  inboxName?: string | null;
  status: ConversationStatus;
  assigneeName: string | null;
  assigneePresence?: AgentPresence | undefined;
  /** The assign control (AssignControl), shown with the actions. */
  assign?: JSX.Element;
  peers: Peer[];
  disabled: boolean;
  /** Where read tracking is unavailable (channel, or this contact), shown under the name. */
  readHint?: string | null;
  /** Email: the thread's subject (from its first mail). */
  subject?: string | null;
  onToggleStatus: () => void;
  /** Whether the contact panel is open (the button says so: aria-expanded). */
  contactOpen?: boolean;
  onToggleContact?: () => void;
  contactButtonRef?: (el: HTMLButtonElement) => void;
}

/** Contact, channel, status and assignee of the open conversation, with Resolve / Reopen. */
export function ThreadHeader(props: ThreadHeaderProps) {
  const channel = () => (props.channel ? CAPABILITIES[props.channel]?.label : undefined);
  return (
    <header class="thread-header">
      <Link href="/" class="icon-button thread-header__back" aria-label="Back to conversations">
        <BackIcon />
      </Link>
      <div class="thread-header__who">
        <h2 class="thread-header__name" id="thread-title">
          {props.contactName}
        </h2>
        <div class="thread-header__meta">
          <Show when={props.channel}>
            {(c) => (
              <span class={`channel-tag channel-tag--${c()}`}>
                <ChannelIcon channel={c()} size={13} />
                {channel()}
              </span>
            )}
          </Show>
          <Show when={props.inboxName}>
            <span class="inbox-tag" title="The number this conversation came in on; replies go out from it">
              {props.inboxName}
              <span class="visually-hidden"> inbox</span>
            </span>
          </Show>
          <Show when={props.contactDetail}>
            <span class="thread-header__detail">{props.contactDetail}</span>
          </Show>
          <span class={`status-pill status-pill--${props.status}`}>
            <span class="visually-hidden">Status: </span>
            {props.status === 'resolved' ? 'Resolved' : 'Open'}
          </span>
          <span class="thread-header__assignee">
            <Show when={props.assigneeName}>
              <PresenceDot presence={props.assigneePresence} />
            </Show>
            {props.assigneeName ? `Assigned to ${props.assigneeName}` : 'Unassigned'}
          </span>
        </div>
        <Show when={props.subject}>
          {(subject) => (
            <p class="thread-header__subject">
              <span class="visually-hidden">Subject: </span>
              {subject()}
            </p>
          )}
        </Show>
        <Show when={props.readHint}>
          <p class="thread-header__read-hint">{props.readHint}</p>
        </Show>
      </div>
      <div class="thread-header__actions">
        <Show when={props.peers.length > 0}>
          <div class="presence" aria-label={`Also viewing: ${props.peers.map((p) => p.name).join(', ')}`} role="group">
            <For each={props.peers}>
              {(peer) => (
                <span class="presence__peer" title={`${peer.name}${peer.typing ? ' is typing' : ' is viewing'}`}>
                  <Avatar name={peer.name} size="small" />
                </span>
              )}
            </For>
            <span class="presence__text" classList={{ 'presence__text--typing': props.peers.some((p) => p.typing) }}>
              {peersText(props.peers)}
            </span>
          </div>
        </Show>
        {props.assign}
        <Show when={props.onToggleContact}>
          <button
            ref={(el) => props.contactButtonRef?.(el)}
            type="button"
            class="button"
            aria-expanded={props.contactOpen ? 'true' : 'false'}
            aria-controls="contact-panel"
            onClick={() => props.onToggleContact?.()}
          >
            Contact details
          </button>
        </Show>
        <button
          type="button"
          class="button"
          classList={{ 'button--success': props.status !== 'resolved' }}
          disabled={props.disabled}
          onClick={() => props.onToggleStatus()}
        >
          {props.status === 'resolved' ? 'Reopen' : 'Resolve'}
        </button>
      </div>
    </header>
  );
}

/** "Lee is viewing", "Lee is typing…", "Lee and Sam are viewing": first names, typing first. */
function peersText(peers: readonly Peer[]): string {
  const first = (name: string) => name.split(/\s+/)[0] || name;
  const typing = peers.filter((p) => p.typing);
  if (peers.length === 1) return `${first(peers[0]!.name)} is ${typing.length ? 'typing…' : 'viewing'}`;
  if (typing.length === 1) return `${first(typing[0]!.name)} is typing… · ${peers.length} viewing`;
  if (typing.length > 1) return `${typing.length} typing… · ${peers.length} viewing`;
  return `${peers.length} viewing`;
}
