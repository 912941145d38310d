import { createEffect, For, Show } from 'solid-js';
import type { EmailAttachment } from '../../shared/schema/message.ts';
import { formatBytes } from '../lib/formatBytes.ts';
import { foldQuotedHtml, splitQuotedText } from '../lib/emailQuotes.ts';
import { safeEmailHtml } from '../lib/safeEmailHtml.ts';

/**
 * An email's HTML body, sanitised by the server and shown through the client's own allow-list
 * (never innerHTML), its trailing quoted history folded.
 */
export function EmailHtml(props: { html: string }) {
  let el: HTMLDivElement | undefined;
  createEffect(() => {
    const html = props.html;
    if (!el) return;
    const body = safeEmailHtml(html);
    foldQuotedHtml(body);
    el.replaceChildren(body);
  });
  return <div class="email-body" ref={el} />;
}

/** A plain-text email: what the sender wrote, its trailing quoted history folded. */
export function EmailText(props: { text: string }) {
  const parts = () => splitQuotedText(props.text);
  return (
    <>
      <p class="bubble__text">{parts().body}</p>
      <Show when={parts().quoted}>
        {(quoted) => (
          <details class="email-quote">
            <summary>Show quoted text</summary>
            <p class="bubble__text email-quote__text">{quoted()}</p>
          </details>
        )}
      </Show>
    </>
  );
}

/** The attachments of an inbound email, listed by name, type and size (their bytes are not kept). */
export function EmailAttachments(props: { attachments: readonly EmailAttachment[] }) {
  return (
    <ul class="email-attachments" aria-label="Attachments">
      <For each={props.attachments}>
        {(a) => (
          <li class="email-attachments__item">
            <span class="email-attachments__name">{a.name}</span>
            <span class="email-attachments__meta">
              {a.type} · {formatBytes(a.size)}
            </span>
          </li>
        )}
      </For>
    </ul>
  );
}

/** The subject line of an email message, when it starts or changes the thread's subject. */
export function EmailSubject(props: { subject: string }) {
  return (
    <p class="email-subject">
      <span class="visually-hidden">Subject: </span>
      {props.subject}
    </p>
  );
}

export function AutomatedTag(props: { reason: string }) {
  return (
    <Show when={props.reason}>
      <span class="email-automated" title={`Sent automatically (${props.reason}); never answered automatically`}>
        Automatic reply
      </span>
    </Show>
  );
}
