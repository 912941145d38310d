import { For, Match, Show, Switch } from 'solid-js';
import { splitMentions } from '../../shared/notifications/mentions.ts';
import type { Channel } from '../../shared/channels/capabilities.ts';
import type { MessageEntry } from '../../shared/schema/message.ts';
import { clockTime, fullDateTime } from '../lib/formatTime.ts';
import { DeliveryStatus, type ShownDelivery } from './DeliveryStatus.tsx';
import { AutomatedTag, EmailAttachments, EmailHtml, EmailSubject, EmailText } from './EmailParts.tsx';
import { NoteIcon } from './icons.tsx';

export interface MessageBubbleProps {
  entry: MessageEntry;
  receipt: ShownDelivery | undefined;
  authorName: string;
  /** Written by the signed-in agent. */
  mine: boolean;
  now: number;
  /** The conversation's channel (what its receipts can say). */
  channel?: Channel | undefined;
  /** Email: show this entry's subject (it starts the thread or changes its subject). */
  showSubject?: boolean;
}

/** One entry of the thread: a contact or agent message, an internal note (yellow), or an event line. */
export function MessageBubble(props: MessageBubbleProps) {
  const time = () => (
    // The day separator above says which day: the bubble shows the clock time only (the full
    // date is in the tooltip).
    <time class="bubble__time" datetime={new Date(props.entry.createdAt).toISOString()} title={fullDateTime(props.entry.createdAt)}>
      {clockTime(new Date(props.entry.createdAt))}
    </time>
  );
  return (
    <Switch>
      <Match when={props.entry.kind === 'event'}>
        <li class="event-line" data-message-id={props.entry.id}>
          <span class="event-line__text">{props.entry.text}</span>
          <span aria-hidden="true"> · </span>
          {time()}
        </li>
      </Match>
      <Match when={props.entry.kind === 'note'}>
        <li class="bubble-row bubble-row--agent" data-message-id={props.entry.id}>
          <div class="bubble bubble--note">
            <div class="bubble__meta">
              <span class="bubble__note-label">
                <NoteIcon size={13} />
                Internal note
              </span>
              <span class="bubble__author">{props.authorName}</span>
              {time()}
            </div>
            <p class="bubble__text">
              <For each={splitMentions(props.entry.text, props.entry.mentions)}>
                {(part) => (part.kind === 'mention' ? <span class="mention-chip" data-agent-id={part.agentId}>{part.text}</span> : part.text)}
              </For>
            </p>
          </div>
        </li>
      </Match>
      <Match when={props.entry.kind === 'message'}>
        <li
          class="bubble-row"
          classList={{ 'bubble-row--agent': props.entry.author.type !== 'contact', 'bubble-row--contact': props.entry.author.type === 'contact' }}
          data-message-id={props.entry.id}
        >
          <div
            class="bubble"
            classList={{ 'bubble--agent': props.entry.author.type !== 'contact', 'bubble--contact': props.entry.author.type === 'contact', 'bubble--mine': props.mine }}
          >
            <div class="bubble__meta">
              <span class="bubble__author">{props.authorName}</span>
              {time()}
              <Show when={props.entry.email?.automated}>{(reason) => <AutomatedTag reason={reason()} />}</Show>
            </div>
            <Show when={props.showSubject && props.entry.email?.subject}>{(subject) => <EmailSubject subject={subject()} />}</Show>
            <Switch fallback={<p class="bubble__text">{props.entry.text}</p>}>
              <Match when={props.entry.author.type === 'contact' && props.entry.email?.html}>{(html) => <EmailHtml html={html()} />}</Match>
              <Match when={props.entry.author.type === 'contact' && props.entry.email}>
                <EmailText text={props.entry.text} />
              </Match>
            </Switch>
            <Show when={props.entry.email?.attachments?.length ? props.entry.email.attachments : null}>{(list) => <EmailAttachments attachments={list()} />}</Show>
            <Show when={props.entry.author.type === 'agent'}>
              <div class="bubble__status">
                <DeliveryStatus receipt={props.receipt} channel={props.channel} />
              </div>
            </Show>
          </div>
        </li>
      </Match>
    </Switch>
  );
}
