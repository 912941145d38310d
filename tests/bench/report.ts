/** One line of the printed table. `result` is PASS, MISS, empty (no target) or "skipped: why". */
export interface Row {
  section: string;
  metric: string;
  baseline: string;
  ours: string;
  target: string;
  result: string;
}

/** A number with `digits` decimals, or "—" when missing. */
export function fmt(value: number | null | undefined, digits = 2, unit = ''): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${value.toFixed(digits)}${unit}`;
}

export const verdict = (pass: boolean | null): string => (pass === null ? '' : pass ? 'PASS' : 'MISS');

/** Renders rows as a plain-text table, grouped by section. */
export function renderTable(rows: Row[]): string {
  const headers: Row = { section: '', metric: 'metric', baseline: 'baseline', ours: 'ours', target: 'target', result: 'result' };
  const cols = ['metric', 'baseline', 'ours', 'target', 'result'] as const;
  const width = Object.fromEntries(
    cols.map((c) => [c, Math.max(headers[c].length, ...rows.map((r) => r[c].length))]),
  ) as Record<(typeof cols)[number], number>;
  const line = (r: Row) => cols.map((c) => r[c].padEnd(width[c])).join('  ').trimEnd();
  const out: string[] = [];
  let section = '';
  out.push(line(headers));
  out.push(cols.map((c) => '-'.repeat(width[c])).join('  '));
  for (const r of rows) {
    if (r.section !== section) {
      section = r.section;
      out.push('', `## ${section}`);
    }
    out.push(line(r));
  }
  return out.join('\n');
}
