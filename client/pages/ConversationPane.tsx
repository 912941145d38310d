import { AssignControl } from '../components/AssignControl.tsx';
import { createEffect, createMemo, createSignal, Match, onCleanup, Show, Switch, untrack } from 'solid-js';
import { type ContactProfile, templateContact } from '../../shared/schema/contact.ts';
import { canManage } from '../../shared/schema/roles.ts';
import { ContactPanel } from '../components/ContactPanel.tsx';
import { createContactEditor } from '../stores/createContactEditor.ts';
import { CAPABILITIES } from '../../shared/channels/capabilities.ts';
import type { Contact, ConversationStatus } from '../../shared/schema/conversation.ts';
import type { TemplateContact, TemplateContext } from '../../shared/templates/templateVariables.ts';
import { Composer } from '../components/Composer.tsx';
import { MessageList } from '../components/MessageList.tsx';
import { ThreadHeader } from '../components/ThreadHeader.tsx';
import { TypingIndicator } from '../components/TypingIndicator.tsx';
import { lastContactMessageAt, readReceiptsSeemOff } from '../lib/channelHints.ts';
import { createConversation } from '../stores/createConversation.ts';
import { createPageVisible } from '../stores/createPageVisible.ts';
import { createPresence } from '../stores/createPresence.ts';
import { useWorkspace } from '../stores/createWorkspace.ts';

/**
 * One open conversation: loads its document (local copy first, then sync), marks it read while
 * visible, keeps its scroll position and draft in the agent document, and shows who else is here.
 */
export function ConversationPane(props: { id: string }) {
  const w = useWorkspace();
  const me = w.session.agent.id;
  const id = props.id;
  const conv = createConversation(w.client, w.session.workspace.id, id, me);
  const presence = createPresence(conv.handle, id, me);
  const visible = createPageVisible();

  const summary = () => w.index.conversations.get(id);
  /** The contact's profile (index `contacts`), live: edits and merges show at once. */
  const contactId = () => summary()?.contactId ?? conv.meta.contact?.id;
  const profile = (): ContactProfile | null => {
    const cid = contactId();
    return (cid && w.index.contacts[cid]) || null;
  };
  const contactName = () => profile()?.name ?? conv.meta.contact?.name ?? summary()?.contactName ?? 'Conversation';
  const contactDetail = () => conv.meta.contact?.email ?? conv.meta.contact?.phone ?? profile()?.email ?? profile()?.phone ?? null;
  const [panelOpen, setPanelOpen] = createSignal(false);
  const editor = createContactEditor(w.session.token);
  let contactButton: HTMLButtonElement | undefined;
  const closePanel = () => {
    setPanelOpen(false);
    editor.cancel();
    contactButton?.focus();
  };
  const channel = () => conv.meta.channel ?? summary()?.channel;
  const status = (): ConversationStatus => conv.status() ?? summary()?.status ?? 'open';
  const lastInboundAt = createMemo(() => lastContactMessageAt(conv.messages()));
  /** The header's note on read tracking: always where the channel has none, for WhatsApp once it shows. */
  const readHint = () => {
    const c = channel();
    if (!c) return null;
    const caps = CAPABILITIES[c];
    if (caps.readReceipts === 'no') return caps.readHint ?? null;
    if (caps.readReceipts === 'recipient' && readReceiptsSeemOff(conv.messages(), conv.receipts)) {
      return 'Read tracking is unavailable for this contact: they seem to have turned read receipts off, so replies stay at Delivered.';
    }
    return null;
  };
  /** Dots only where the channel can report a contact composing (capability table). */
  const contactTyping = () => {
    const c = channel();
    return !!c && CAPABILITIES[c].typingInbound && presence.contactTyping();
  };
  const assigneeId = () => (conv.meta.assigneeId !== undefined ? conv.meta.assigneeId : (summary()?.assigneeId ?? null));

  // Opening (and keeping open) a conversation marks it read: read mark = inboundCount.
  createEffect(() => {
    const s = summary();
    if (!s || !w.agent.loaded() || !visible()) return;
    w.agent.markRead(id, s.inboundCount);
  });

  // Keep this conversation's search entry current while it is open.
  createEffect(() => {
    const doc = conv.handle.doc();
    if (!conv.loaded()) return;
    const reindex = () => w.search.indexConversation(id, doc, contactName());
    reindex();
    doc.on('update', reindex);
    onCleanup(() => doc.off('update', reindex));
  });

  // What quick-reply and canned-response variables read (resolved when the reply is sent).
  const templateContext = (): TemplateContext => {
    const p = profile();
    const contact = conv.meta.contact as (Contact & Partial<TemplateContact>) | undefined;
    return {
      contact: p ? templateContact(p) : contact ? { ...contact } : { name: summary()?.contactName },
      agent: { name: w.memberName(me) ?? w.session.agent.name, email: w.session.agent.email },
      conversation: { id, channel: channel() },
      workspace: { name: w.workspaceName() },
    };
  };

  const offline = () => {
    const s = w.connection().status;
    return s !== 'online' && s !== 'syncing' && s !== 'connecting';
  };
  const ready = () => conv.loaded() && (conv.messages().length > 0 || conv.synced() || offline());
  // In step with the server, yet neither the index nor the document knows it: a wrong link.
  const missing = () =>
    !summary() && w.index.synced() && conv.synced() && conv.meta.channel === undefined && conv.messages().length === 0;
  const unavailable = () => conv.error() !== null || missing();

  return (
    <section class="thread" aria-labelledby="thread-title">
      <ThreadHeader
        contactName={contactName()}
        contactDetail={contactDetail()}
        channel={channel()}
        inboxName={conv.meta.inbox?.name ?? summary()?.inbox?.name ?? null}
        status={status()}
        assigneeName={w.memberName(assigneeId())}
        assigneePresence={w.availability.of(assigneeId())}
        assign={
          <AssignControl
            assigneeId={assigneeId()}
            members={Object.values(w.index.members).filter((m) => m.active).sort((a, b) => a.name.localeCompare(b.name))}
            presence={(agentId) => w.availability.of(agentId)}
            me={me}
            canManage={canManage(w.index.members[me]?.role ?? w.session.agent.role)}
            disabled={!conv.loaded() || unavailable()}
            onAssign={(to) => void w.availability.assign(id, to)}
          />
        }
        peers={presence.peers()}
        readHint={readHint()}
        subject={channel() === 'email' ? (conv.messages().find((m) => m.email?.subject)?.email?.subject ?? null) : null}
        disabled={!conv.loaded() || unavailable()}
        onToggleStatus={() => conv.setStatus(status() === 'resolved' ? 'open' : 'resolved')}
        contactOpen={panelOpen()}
        onToggleContact={() => (panelOpen() ? closePanel() : setPanelOpen(true))}
        contactButtonRef={(el) => (contactButton = el)}
      />
      <Show when={panelOpen()}>
        <div id="contact-panel">
          <ContactPanel
            profile={profile()}
            contacts={() => Object.values(w.index.contacts)}
            canMerge={canManage(w.index.members[me]?.role ?? w.session.agent.role)}
            editor={editor}
            onClose={closePanel}
          />
        </div>
      </Show>
      <Switch>
        <Match when={conv.error() === 'forbidden'}>
          <p class="thread__notice">You do not have access to this conversation.</p>
        </Match>
        <Match when={conv.error() === 'unknown-document' || missing()}>
          <p class="thread__notice">This conversation does not exist.</p>
        </Match>
        <Match when={ready() && conv.messages().length === 0 && offline() && !conv.synced()}>
          <p class="thread__notice">This conversation is not available offline yet. It will load when you are back online.</p>
        </Match>
        <Match when={ready()}>
          <MessageList
            messages={conv.messages()}
            deliveryOf={conv.deliveryOf}
            authorName={(author) => w.authorName(author, contactName())}
            me={me}
            now={w.now()}
            channel={channel()}
            initialScroll={untrack(() => w.agent.scroll[id])}
            onScrollPosition={(position) => w.agent.saveScroll(id, position)}
            label={`Conversation with ${contactName()}`}
          />
        </Match>
        <Match when={!ready()}>
          <p class="thread__notice" role="status">
            Loading conversation…
          </p>
        </Match>
      </Switch>
      <Show when={ready() && contactTyping()}>
        <TypingIndicator name={contactName()} />
      </Show>
      <Show when={!unavailable()}>
        <Composer
          conversationId={id}
          contactName={contactName()}
          channel={channel()}
          draft={w.agent.draft(id)}
          disabled={!conv.loaded() || !w.agent.loaded()}
          onSend={(mode, text, uses, html, mentions) => conv.send(mode, text, { uses, ...(html ? { html } : {}), ...(mentions?.length ? { mentions } : {}) }).ok}
          mentionable={() =>
            Object.values(w.index.members)
              .filter((m) => m.active && m.id !== me)
              .map((m) => ({ id: m.id, name: m.name, email: m.email }))
              .sort((a, b) => a.name.localeCompare(b.name))
          }
          onTyping={(typing, composing) => presence.setTyping(typing, composing)}
          othersTyping={presence.peers().filter((p) => p.typing)}
          lastInboundAt={lastInboundAt()}
          now={w.now()}
          library={{
            quickReplies: w.library.quickReplies,
            quickReplyFields: w.library.quickReplyFields,
            cannedResponses: w.library.cannedResponses,
            cannedFields: w.library.cannedFields,
            context: templateContext,
          }}
        />
      </Show>
    </section>
  );
}
