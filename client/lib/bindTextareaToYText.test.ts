import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { bindTextareaToYText } from './bindTextareaToYText.ts';

describe('bindTextareaToYText', () => {
  it('writes typing into the Y.Text and remote edits into the textarea, keeping the caret', () => {
    const doc = new Y.Doc();
    const text = doc.getText('draft:c1');
    text.insert(0, 'world');
    const el = document.createElement('textarea');
    document.body.append(el);
    const unbind = bindTextareaToYText(el, text);
    expect(el.value).toBe('world');

    el.focus();
    el.value = 'world!';
    el.setSelectionRange(6, 6);
    el.dispatchEvent(new Event('input'));
    expect(text.toString()).toBe('world!');

    // Another device types at the start: the caret moves with the text.
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
    other.getText('draft:c1').insert(0, 'Hello ');
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other));
    expect(el.value).toBe('Hello world!');
    expect(el.selectionStart).toBe(12);

    unbind();
    text.insert(0, '>');
    expect(el.value).toBe('Hello world!');
    el.remove();
  });
});
