/** Initials in a colored circle (decorative: the name is always written next to it). */
export function Avatar(props: { name: string; size?: 'small' | 'medium' }) {
  return (
    <span class={`avatar avatar--${props.size ?? 'medium'}`} style={{ 'background-color': colorFor(props.name) }} aria-hidden="true">
      {initials(props.name)}
    </span>
  );
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const first = parts[0]?.[0] ?? '?';
  const last = parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '';
  return (first + last).toUpperCase();
}

/** Dark enough for white text (WCAG AA at this size). */
const COLORS = ['#1d4ed8', '#047857', '#b45309', '#7c3aed', '#be123c', '#0e7490', '#4d7c0f', '#9333ea'];

function colorFor(name: string): string {
  let h = 0;
  for (const c of name) h = (h * 31 + (c.codePointAt(0) ?? 0)) >>> 0;
  return COLORS[h % COLORS.length] ?? '#1d4ed8';
}
