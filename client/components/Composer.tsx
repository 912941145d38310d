import { createEffect, createSignal, onCleanup, Show } from 'solid-js';
import type * as Y from 'yjs';
import { CAPABILITIES, type Channel } from '../../shared/channels/capabilities.ts';
import { MAX_TEXT_LENGTH } from '../../shared/schema/message.ts';
import { bindTextareaToYText } from '../lib/bindTextareaToYText.ts';
import { SendIcon } from './icons.tsx';

export type ComposerMode = 'message' | 'note';

export interface ComposerProps {
  conversationId: string;
  contactName: string;
  channel: Channel | undefined;
  /** The conversation's draft (a root Y.Text of the agent document). */
  draft: Y.Text;
  disabled: boolean;
  /** Appends the message or note; true when it was appended (the draft is then cleared). */
  onSend: (mode: ComposerMode, text: string) => boolean;
  onTyping: (typing: boolean) => void;
  /** Other agents typing in this conversation. */
  othersTyping: string[];
}

const TYPING_IDLE_MS = 3000;

/**
 * The reply box: a textarea bound to the conversation's draft (kept per conversation, across
 * reloads, offline and devices), a Reply / Internal note switch, Enter to send and Shift+Enter
 * for a new line.
 */
export function Composer(props: ComposerProps) {
  let textarea: HTMLTextAreaElement | undefined;
  const [mode, setMode] = createSignal<ComposerMode>('message');
  const [empty, setEmpty] = createSignal(true);
  const [error, setError] = createSignal<string | null>(null);
  let typingTimer: ReturnType<typeof setTimeout> | null = null;

  const refreshEmpty = () => setEmpty(!textarea || textarea.value.trim().length === 0);

  createEffect(() => {
    const draft = props.draft;
    if (!textarea) return;
    const unbind = bindTextareaToYText(textarea, draft);
    refreshEmpty();
    textarea.addEventListener('draftchange', refreshEmpty);
    onCleanup(() => {
      unbind();
      textarea?.removeEventListener('draftchange', refreshEmpty);
    });
  });

  // A new conversation starts as a reply.
  createEffect(() => {
    void props.conversationId;
    setMode('message');
    setError(null);
  });

  const stopTyping = () => {
    if (typingTimer) clearTimeout(typingTimer);
    typingTimer = null;
    props.onTyping(false);
  };
  onCleanup(stopTyping);

  const send = () => {
    if (!textarea || props.disabled) return;
    const text = textarea.value;
    if (!text.trim()) return;
    if (text.length > MAX_TEXT_LENGTH) {
      setError(`Messages are limited to ${MAX_TEXT_LENGTH.toLocaleString('en-US')} characters.`);
      return;
    }
    if (!props.onSend(mode(), text)) return;
    setError(null);
    const draft = props.draft;
    draft.doc?.transact(() => draft.delete(0, draft.length));
    textarea.value = '';
    refreshEmpty();
    stopTyping();
    textarea.focus();
  };

  const hint = () => (props.channel ? CAPABILITIES[props.channel]?.typingHint : undefined);
  const hintId = () => `composer-hint-${props.conversationId}`;

  return (
    <form
      class="composer"
      classList={{ 'composer--note': mode() === 'note' }}
      aria-label="Compose"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      <fieldset class="composer__modes">
        <legend class="visually-hidden">Message type</legend>
        <label class="segmented" classList={{ 'segmented--active': mode() === 'message' }}>
          <input type="radio" name={`mode-${props.conversationId}`} value="message" checked={mode() === 'message'} onChange={() => setMode('message')} />
          Reply
        </label>
        <label class="segmented segmented--note" classList={{ 'segmented--active': mode() === 'note' }}>
          <input type="radio" name={`mode-${props.conversationId}`} value="note" checked={mode() === 'note'} onChange={() => setMode('note')} />
          Internal note
        </label>
      </fieldset>
      <Show when={props.othersTyping.length > 0}>
        <p class="composer__others" aria-live="polite">
          {props.othersTyping.join(', ')} {props.othersTyping.length === 1 ? 'is' : 'are'} typing…
        </p>
      </Show>
      <div class="composer__box">
        <textarea
          ref={textarea}
          class="composer__input"
          rows={3}
          maxLength={MAX_TEXT_LENGTH}
          aria-label={`Reply to ${props.contactName}`}
          aria-describedby={`${hintId()}`}
          placeholder={mode() === 'note' ? 'Write an internal note — only your team sees it' : `Reply to ${props.contactName}`}
          disabled={props.disabled}
          onInput={() => {
            refreshEmpty();
            setError(null);
            if (!empty()) {
              props.onTyping(true);
              if (typingTimer) clearTimeout(typingTimer);
              typingTimer = setTimeout(stopTyping, TYPING_IDLE_MS);
            } else stopTyping();
          }}
          onBlur={stopTyping}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && !event.altKey && !event.ctrlKey && !event.metaKey) {
              event.preventDefault();
              send();
            }
          }}
        />
        <div class="composer__bar">
          <p id={hintId()} class="composer__hint">
            {mode() === 'note' ? 'Internal note: only agents see it. ' : ''}
            Enter to send, Shift+Enter for a new line.
            <Show when={hint() && mode() === 'message'}> {hint()}.</Show>
          </p>
          <button type="submit" class="button button--primary composer__send" disabled={props.disabled || empty()}>
            <SendIcon size={15} />
            Send
          </button>
        </div>
      </div>
      <Show when={error()}>
        <p class="composer__error" role="alert">
          {error()}
        </p>
      </Show>
    </form>
  );
}
