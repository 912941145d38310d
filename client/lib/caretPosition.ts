const COPIED = [
  'boxSizing', 'width', 'borderTopWidth', 'borderRightWidth', 'borderBottomWidth', 'borderLeftWidth',
  'paddingTop', 'paddingRight', 'paddingBottom', 'paddingLeft', 'fontStyle', 'fontVariant', 'fontWeight',
  'fontSize', 'lineHeight', 'fontFamily', 'textAlign', 'textTransform', 'textIndent', 'letterSpacing', 'wordSpacing', 'tabSize',
] as const;

/**
 * Where character `index` of a textarea is drawn, relative to the textarea's top-left corner
 * (scroll included): a hidden mirror element with the same box and font lays out the text up to
 * the caret and measures a marker placed there.
 */
export function caretPosition(el: HTMLTextAreaElement, index: number): { left: number; top: number; height: number } {
  const mirror = document.createElement('div');
  const style = getComputedStyle(el);
  for (const prop of COPIED) mirror.style[prop] = style[prop];
  mirror.style.position = 'absolute';
  mirror.style.visibility = 'hidden';
  mirror.style.whiteSpace = 'pre-wrap';
  mirror.style.overflowWrap = 'break-word';
  mirror.style.top = '0';
  mirror.style.left = '-9999px';
  mirror.textContent = el.value.slice(0, index);
  const marker = document.createElement('span');
  marker.textContent = el.value.slice(index) || '.';
  mirror.appendChild(marker);
  document.body.appendChild(mirror);
  const lineHeight = Number.parseFloat(style.lineHeight) || Number.parseFloat(style.fontSize) * 1.3 || 18;
  const position = { left: marker.offsetLeft - el.scrollLeft, top: marker.offsetTop - el.scrollTop, height: lineHeight };
  mirror.remove();
  return position;
}

/**
 * The `/` command being typed before the caret: a slash at the start or after whitespace, then
 * the query (one line, at most 40 characters). Null when the caret is not in one.
 */
export function slashQuery(value: string, caret: number): { start: number; query: string } | null {
  const lineStart = value.lastIndexOf('\n', caret - 1) + 1;
  const before = value.slice(lineStart, caret);
  for (let i = before.length - 1; i >= 0 && before.length - i <= 41; i--) {
    if (before[i] !== '/') continue;
    if (i === 0 || /\s/.test(before[i - 1] ?? '')) return { start: lineStart + i, query: before.slice(i + 1) };
  }
  return null;
}
