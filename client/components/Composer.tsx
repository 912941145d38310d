import { createEffect, createMemo, createSignal, For, onCleanup, Show } from 'solid-js';
import type * as Y from 'yjs';
import { CAPABILITIES, type Channel } from '../../shared/channels/capabilities.ts';
import { AGENT_ROOTS, type DraftMeta, isDraftMeta, MAX_DRAFT_USES } from '../../shared/schema/agentDoc.ts';
import { MAX_TEXT_LENGTH } from '../../shared/schema/message.ts';
import type { CannedResponse, LibraryUse, QuickReply } from '../../shared/schema/settings.ts';
import { renderRichHtml, renderRichPlain, renderRichWhatsApp } from '../../shared/templates/renderRich.ts';
import { hasVariables, type RenderedTemplate, renderTemplate } from '../../shared/templates/renderTemplate.ts';
import { suggestVariable, type TemplateContext } from '../../shared/templates/templateVariables.ts';
import { bindTextareaToYText } from '../lib/bindTextareaToYText.ts';
import { segmentLabel, whatsappWindow } from '../lib/channelHints.ts';
import { caretPosition, slashQuery } from '../lib/caretPosition.ts';
import { fuzzyRank, type RankField } from '../lib/fuzzyRank.ts';
import { CannedResponseDialog } from './CannedResponseDialog.tsx';
import { BookmarkIcon, SendIcon } from './icons.tsx';
import { optionId, QuickReplyMenu } from './QuickReplyMenu.tsx';
import { type MentionCandidate, MentionMenu, mentionOptionId } from './MentionMenu.tsx';
import { mentionQuery } from '../../shared/notifications/mentions.ts';
import { TemplatePreview } from './TemplatePreview.tsx';

export type ComposerMode = 'message' | 'note';

export interface ComposerProps {
  conversationId: string;
  contactName: string;
  channel: Channel | undefined;
  /** The conversation's draft (a root Y.Text of the agent document). */
  draft: Y.Text;
  disabled: boolean;
  /**
   * Appends the message or note; true when it was appended (the draft is then cleared). `uses`:
   * the quick replies and canned responses inserted since the draft was last empty (counted).
   */
  onSend: (
    mode: ComposerMode,
    text: string,
    uses: readonly LibraryUse[],
    html?: string,
    mentions?: ReadonlyArray<{ agentId: string; name: string }>,
  ) => boolean;
  /** Teammates an internal note can @mention (the `@` menu); none: no menu. */
  mentionable?: () => readonly MentionCandidate[];
  /** The agent started or stopped typing (and whether a reply or an internal note). */
  onTyping: (typing: boolean, composing?: 'reply' | 'note') => void;
  /** Other agents typing in this conversation. */
  othersTyping: Array<{ name: string; composing: 'reply' | 'note' }>;
  /** Quick replies and canned responses of the workspace, and what their variables read. */
  library?: ComposerLibrary;
  /** When the contact last wrote (WhatsApp's 24-hour window counts from it); null: never. */
  lastInboundAt?: number | null;
  /** The current time (refreshed by the workspace), for the window timer. */
  now?: number;
}

export interface ComposerLibrary {
  quickReplies: () => readonly QuickReply[];
  quickReplyFields: (reply: QuickReply) => readonly RankField[];
  cannedResponses: () => readonly CannedResponse[];
  cannedFields: (response: CannedResponse) => readonly RankField[];
  /** The conversation's contact profile, the agent, the conversation: what variables read. */
  context: () => TemplateContext;
}

/**
 * What a reply becomes when sent: variables filled in from the contact's profile (resolved at
 * send time); text with a canned response's rich format is rendered as the channel's own
 * formatting or plain text. Internal notes are sent as typed.
 */
export function finalText(text: string, mode: ComposerMode, rich: boolean, channel: Channel | undefined, context: TemplateContext): string {
  if (mode !== 'message') return text;
  if (rich) return channel === 'whatsapp' ? renderRichWhatsApp(text, context) : renderRichPlain(text, context);
  return hasVariables(text) ? renderTemplate(text, context).text : text;
}

/**
 * The heading of the composer's preview. A name that is not a variable is sent as typed, braces
 * and all, so it is named first, with the variable the agent probably meant.
 */
export function previewLabel(rendered: Pick<RenderedTemplate, 'empty' | 'unknown'>): string {
  if (rendered.unknown.length > 0) {
    const parts = rendered.unknown.map((name) => {
      const suggestion = suggestVariable(name);
      return suggestion ? `{{${name}}} (did you mean {{${suggestion}}}?)` : `{{${name}}}`;
    });
    const one = rendered.unknown.length === 1;
    return `Not ${one ? 'a variable' : 'variables'}: ${parts.join(', ')}. The contact will see ${one ? 'it' : 'them'} as typed`;
  }
  const n = rendered.empty.length;
  if (n > 0) return `Preview: ${n} ${n === 1 ? 'variable is' : 'variables are'} empty for this contact`;
  return 'Preview: what the contact will receive';
}

const TYPING_IDLE_MS = 3000;

/** "Dana is typing…", "Dana is writing an internal note…", "Dana and Lee are typing…". */
export function othersTypingText(others: ReadonlyArray<{ name: string; composing: 'reply' | 'note' }>): string {
  const first = (name: string) => name.split(/\s+/)[0] || name;
  if (others.length === 1) {
    const [one] = others;
    return `${first(one!.name)} is ${one!.composing === 'note' ? 'writing an internal note' : 'typing'}…`;
  }
  const names = others.map((o) => first(o.name));
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)} are typing…`;
}

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
  const [value, setValue] = createSignal('');
  // What the draft's text alone does not say (a canned response's rich format is rendered at
  // send; the library entries inserted are counted) lives beside it in the agent document
  // (`draftMeta`), so it survives a reload and follows the draft to the agent's other devices.
  const metaMap = () => props.draft.doc?.getMap<DraftMeta>(AGENT_ROOTS.draftMeta) ?? null;
  const readMeta = (): DraftMeta => {
    const m = metaMap()?.get(props.conversationId);
    return isDraftMeta(m) ? m : { rich: false, uses: [] };
  };
  const writeMeta = (next: DraftMeta | null) => {
    const map = metaMap();
    if (!map) return;
    if (next === null) {
      if (map.has(props.conversationId)) map.delete(props.conversationId);
    } else map.set(props.conversationId, next);
  };
  const [menu, setMenu] = createSignal<{ start: number; query: string; left: number; top: number } | null>(null);
  const [active, setActive] = createSignal(0);
  const [cannedOpen, setCannedOpen] = createSignal(false);
  let dismissedAt: number | null = null;
  /** Notes a library entry inserted into this draft (forgotten when it is sent or emptied). */
  const addUse = (use: LibraryUse, rich = false) => {
    const meta = readMeta();
    const known = meta.uses.some((u) => u.kind === use.kind && u.id === use.id);
    const uses = known || meta.uses.length >= MAX_DRAFT_USES ? meta.uses : [...meta.uses, use];
    writeMeta({ rich: meta.rich || rich, uses });
  };
  const menuId = () => `quick-replies-${props.conversationId}`;
  // ---- @mentions (internal notes) ----
  const [mention, setMention] = createSignal<{ start: number; query: string; left: number; top: number } | null>(null);
  const [mentionActive, setMentionActive] = createSignal(0);
  /** Members picked from the `@` menu since the draft was last empty; kept if their @Name stays. */
  let picked: Array<{ agentId: string; name: string }> = [];
  const mentionMenuId = () => `mentions-${props.conversationId}`;
  const mentionMatches = createMemo(() => {
    const m = mention();
    if (!m || !props.mentionable) return [];
    const q = m.query.toLowerCase();
    return props
      .mentionable()
      .filter((c) => !q || c.name.toLowerCase().includes(q) || c.email.toLowerCase().startsWith(q))
      .slice(0, 8);
  });
  const updateMention = () => {
    if (!textarea || !props.mentionable || mode() !== 'note') return setMention(null);
    const caret = textarea.selectionStart;
    const found = textarea.selectionEnd === caret ? mentionQuery(textarea.value, caret) : null;
    if (!found) return setMention(null);
    const previous = mention();
    const at = caretPosition(textarea, found.start);
    setMention({ ...found, left: Math.max(0, Math.min(at.left, textarea.clientWidth - 300)), top: at.top + textarea.offsetTop });
    if (!previous || previous.query !== found.query) setMentionActive(0);
  };
  const pickMention = (member: MentionCandidate) => {
    const m = mention();
    setMention(null);
    if (!picked.some((p) => p.agentId === member.id)) picked = [...picked, { agentId: member.id, name: member.name }];
    insertText(`@${member.name} `, m?.start);
  };
  const context = () => props.library?.context() ?? {};

  const refreshEmpty = () => {
    setEmpty(!textarea || textarea.value.trim().length === 0);
    setValue(textarea?.value ?? '');
    if (!textarea?.value) {
      writeMeta(null);
      picked = [];
    }
  };

  const matches = createMemo(() => {
    const m = menu();
    const lib = props.library;
    if (!m || !lib) return [];
    return fuzzyRank(lib.quickReplies(), m.query, lib.quickReplyFields, 50);
  });

  /** Opens, updates or closes the `/` menu from the text before the caret. */
  const updateMenu = () => {
    if (!textarea || !props.library) return;
    const caret = textarea.selectionStart;
    const found = textarea.selectionEnd === caret ? slashQuery(textarea.value, caret) : null;
    if (!found || found.start === dismissedAt) {
      if (!found) dismissedAt = null;
      setMenu(null);
      return;
    }
    const previous = menu();
    const at = caretPosition(textarea, found.start);
    const left = Math.max(0, Math.min(at.left, textarea.clientWidth - 340));
    setMenu({ ...found, left, top: at.top + textarea.offsetTop });
    if (!previous || previous.query !== found.query) setActive(0);
  };
  const closeMenu = () => {
    const m = menu();
    if (m) dismissedAt = m.start;
    setMenu(null);
  };

  /** Replaces `start`..caret (or the selection) with `text`, as typing would. */
  const insertText = (text: string, start?: number) => {
    if (!textarea) return;
    const from = start ?? textarea.selectionStart;
    textarea.focus();
    textarea.setRangeText(text, from, textarea.selectionEnd, 'end');
    textarea.dispatchEvent(new Event('input', { bubbles: true }));
  };
  const pickReply = (reply: QuickReply) => {
    const m = menu();
    setMenu(null);
    dismissedAt = null;
    insertText(reply.text, m?.start);
    addUse({ kind: 'quickReplies', id: reply.id });
  };
  const pickCanned = (response: CannedResponse) => {
    setCannedOpen(false);
    insertText(response.body);
    addUse({ kind: 'cannedResponses', id: response.id }, true);
  };

  const preview = createMemo(() => {
    if (mode() !== 'message' || !props.library || !hasVariables(value())) return null;
    return renderTemplate(value(), context());
  });

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
  // Switching Reply / Internal note while typing: the contact's dots follow (never for a note).
  createEffect(() => {
    const m = mode();
    if (typingTimer) props.onTyping(true, m === 'note' ? 'note' : 'reply');
  });

  const stopTyping = () => {
    if (typingTimer) clearTimeout(typingTimer);
    typingTimer = null;
    props.onTyping(false);
  };
  onCleanup(stopTyping);

  /** WhatsApp only: whether a free-form reply may be sent now (the server refuses it otherwise). */
  const waWindow = createMemo(() => (props.channel === 'whatsapp' ? whatsappWindow(props.lastInboundAt ?? null, props.now ?? Date.now()) : null));
  const refused = () => {
    const w = waWindow();
    return mode() === 'message' && w && !w.open ? w.reason : null;
  };
  const segments = () => (props.channel === 'sms' && mode() === 'message' ? segmentLabel(value()) : null);

  const send = () => {
    if (!textarea || props.disabled) return;
    const text = textarea.value;
    if (!text.trim()) return;
    const closed = refused();
    if (closed) {
      setError(`Not sent. ${closed}`);
      return;
    }
    const meta = readMeta();
    const outgoing = finalText(text, mode(), meta.rich, props.channel, context());
    if (!outgoing.trim()) {
      setError('This reply is empty once its variables are filled in.');
      return;
    }
    if (outgoing.length > MAX_TEXT_LENGTH) {
      setError(`Messages are limited to ${MAX_TEXT_LENGTH.toLocaleString('en-US')} characters.`);
      return;
    }
    // Email gets the rich formatting as an HTML alternative beside the plain text.
    const html = mode() === 'message' && meta.rich && props.channel === 'email' ? renderRichHtml(text, context()) : undefined;
    if (!props.onSend(mode(), outgoing, mode() === 'message' ? meta.uses : [], html, mode() === 'note' ? picked : [])) return;
    picked = [];
    setMention(null);
    setError(null);
    setMenu(null);
    const draft = props.draft;
    draft.doc?.transact(() => {
      draft.delete(0, draft.length);
      writeMeta(null);
    });
    textarea.value = '';
    refreshEmpty();
    stopTyping();
    textarea.focus();
  };

  const caps = () => (props.channel ? CAPABILITIES[props.channel] : undefined);
  const hintId = () => `composer-hint-${props.conversationId}`;
  const channelId = () => `composer-channel-${props.conversationId}`;
  /** What the channel cannot carry, from the capability table (read tracking is in the header). */
  const channelHints = () => {
    const c = caps();
    if (!c || mode() !== 'message') return [];
    return c.typingHint ? [c.typingHint] : [];
  };
  const showChannelLine = () => channelHints().length > 0 || !!segments() || !!waWindow();

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
          {othersTypingText(props.othersTyping)}
        </p>
      </Show>
      <Show when={showChannelLine()}>
        <div id={channelId()} class="composer__channel" classList={{ 'composer__channel--refused': !!refused() }} data-testid="channel-hints">
          <Show when={waWindow()}>
            {(w) => (
              <Show
                when={w().open ? (w() as { closesAt: number; label: string }) : null}
                fallback={
                  <span class="composer__window composer__window--closed" role="status">
                    {(w() as { reason: string }).reason}
                  </span>
                }
              >
                {(open) => (
                  <span class="composer__window" title={`WhatsApp allows free-form replies until ${new Date(open().closesAt).toLocaleString('en-US')}`}>
                    {open().label}
                  </span>
                )}
              </Show>
            )}
          </Show>
          <Show when={segments()}>
            {(label) => <span class="composer__segments">{label()}</span>}
          </Show>
          <For each={channelHints()}>{(h) => <span class="composer__channel-hint">{h}</span>}</For>
        </div>
      </Show>
      <div class="composer__box">
        <textarea
          ref={textarea}
          class="composer__input"
          rows={3}
          maxLength={MAX_TEXT_LENGTH}
          aria-label={`Reply to ${props.contactName}`}
          aria-describedby={showChannelLine() ? `${channelId()} ${hintId()}` : hintId()}
          aria-autocomplete={props.library ? 'list' : undefined}
          aria-controls={menu() ? menuId() : mention() ? mentionMenuId() : undefined}
          aria-activedescendant={
            menu() && matches().length > 0
              ? optionId(menuId(), active())
              : mention() && mentionMatches().length > 0
                ? mentionOptionId(mentionMenuId(), mentionActive())
                : undefined
          }
          placeholder={mode() === 'note' ? 'Write an internal note — only your team sees it' : `Reply to ${props.contactName}`}
          disabled={props.disabled}
          onInput={() => {
            refreshEmpty();
            updateMenu();
            updateMention();
            setError(null);
            if (!empty()) {
              props.onTyping(true, mode() === 'note' ? 'note' : 'reply');
              if (typingTimer) clearTimeout(typingTimer);
              typingTimer = setTimeout(stopTyping, TYPING_IDLE_MS);
            } else stopTyping();
          }}
          onBlur={() => {
            stopTyping();
            setMenu(null);
            setMention(null);
          }}
          onClick={() => {
            updateMenu();
            updateMention();
          }}
          onKeyUp={(event) => {
            if (event.key === 'ArrowLeft' || event.key === 'ArrowRight' || event.key === 'Home' || event.key === 'End') {
              updateMenu();
              updateMention();
            }
          }}
          onKeyDown={(event) => {
            if (mention() && !menu()) {
              const count = mentionMatches().length;
              if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
                event.preventDefault();
                if (count) setMentionActive((i) => (i + (event.key === 'ArrowDown' ? 1 : count - 1)) % count);
                return;
              }
              if ((event.key === 'Enter' || event.key === 'Tab') && !event.shiftKey && !event.isComposing) {
                const member = mentionMatches()[mentionActive()];
                if (member) {
                  event.preventDefault();
                  pickMention(member);
                  return;
                }
              }
              if (event.key === 'Escape') {
                event.preventDefault();
                event.stopPropagation();
                setMention(null);
                return;
              }
            }
            if (menu()) {
              const count = matches().length;
              if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
                event.preventDefault();
                if (count) setActive((i) => (i + (event.key === 'ArrowDown' ? 1 : count - 1)) % count);
                return;
              }
              if ((event.key === 'Enter' || event.key === 'Tab') && !event.shiftKey && !event.isComposing) {
                const reply = matches()[active()];
                if (reply) {
                  event.preventDefault();
                  pickReply(reply);
                  return;
                }
              }
              if (event.key === 'Escape') {
                event.preventDefault();
                event.stopPropagation();
                closeMenu();
                return;
              }
            }
            if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && !event.altKey && !event.ctrlKey && !event.metaKey) {
              event.preventDefault();
              send();
            }
          }}
        />
        <Show when={mention()}>
          {(m) => (
            <MentionMenu
              id={mentionMenuId()}
              items={mentionMatches()}
              active={mentionActive()}
              query={m().query}
              position={{ left: m().left, top: m().top }}
              onPick={pickMention}
              onHover={setMentionActive}
            />
          )}
        </Show>
        <Show when={menu()}>
          {(m) => (
            <QuickReplyMenu
              id={menuId()}
              items={matches()}
              active={active()}
              query={m().query}
              position={{ left: m().left, top: m().top }}
              preview={(reply) => renderTemplate(reply.text, context())}
              onPick={pickReply}
              onHover={setActive}
            />
          )}
        </Show>
        <Show when={preview()}>
          {(p) => (
            <div class="composer__preview" aria-label="Preview: what the contact will receive" role="region">
              <span class="composer__preview-label" classList={{ 'composer__preview-label--warn': p().unknown.length > 0 }}>
                {previewLabel(p())}
              </span>
              <p class="composer__preview-text">
                <TemplatePreview segments={p().segments} />
              </p>
            </div>
          )}
        </Show>
        <div class="composer__bar">
          <Show when={props.library}>
            <button
              type="button"
              class="icon-button composer__canned"
              aria-label="Canned responses"
              title="Canned responses"
              aria-haspopup="dialog"
              disabled={props.disabled}
              onClick={() => setCannedOpen(true)}
            >
              <BookmarkIcon />
            </button>
          </Show>
          <p id={hintId()} class="composer__hint">
            {mode() === 'note' ? 'Internal note: only agents see it. ' : ''}
            Enter to send, Shift+Enter for a new line{props.library ? ', / for quick replies' : ''}
            {mode() === 'note' && props.mentionable ? ', @ to mention a teammate' : ''}.
          </p>
          <button type="submit" class="button button--primary composer__send" disabled={props.disabled || empty() || !!refused()}>
            <SendIcon size={15} />
            Send
          </button>
        </div>
      </div>
      <Show when={cannedOpen() && props.library}>
        {(lib) => (
          <CannedResponseDialog
            responses={lib().cannedResponses()}
            fields={lib().cannedFields}
            context={context()}
            onPick={pickCanned}
            onClose={() => {
              setCannedOpen(false);
              textarea?.focus();
            }}
          />
        )}
      </Show>
      <Show when={error()}>
        <p class="composer__error" role="alert">
          {error()}
        </p>
      </Show>
    </form>
  );
}
