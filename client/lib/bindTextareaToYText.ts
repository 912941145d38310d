import type * as Y from 'yjs';
import { replaceText } from '../sync/planReapply.ts';

/**
 * Two-way binding of a textarea to a Y.Text (the draft). Typing rewrites only the changed span
 * of the Y.Text; a change from elsewhere (another device, a reset) rewrites the textarea and moves
 * the caret through the change so it stays where the agent was typing.
 */
export function bindTextareaToYText(el: HTMLTextAreaElement, text: Y.Text): () => void {
  const origin = { kind: 'textarea' };
  if (el.value !== text.toString()) el.value = text.toString();

  const onInput = () => {
    const doc = text.doc;
    if (!doc) return;
    doc.transact(() => replaceText(text, el.value), origin);
  };

  const observer = (event: Y.YTextEvent, transaction: Y.Transaction) => {
    if (transaction.origin === origin) return;
    let start = el.selectionStart;
    let end = el.selectionEnd;
    let index = 0;
    for (const op of event.delta) {
      if (op.retain !== undefined) index += op.retain;
      else if (typeof op.insert === 'string') {
        const n = op.insert.length;
        if (index < start) start += n;
        if (index < end) end += n;
        index += n;
      } else if (op.delete !== undefined) {
        const n = op.delete;
        if (index < start) start -= Math.min(n, start - index);
        if (index < end) end -= Math.min(n, end - index);
      }
    }
    el.value = text.toString();
    if (el.ownerDocument.activeElement === el) el.setSelectionRange(start, end);
    el.dispatchEvent(new Event('draftchange'));
  };

  el.addEventListener('input', onInput);
  text.observe(observer);
  return () => {
    el.removeEventListener('input', onInput);
    text.unobserve(observer);
  };
}
