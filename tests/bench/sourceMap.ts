import { existsSync, readFileSync } from 'node:fs';

/** One decoded mapping segment: generated column → original source, line and column (0-based). */
type Segment = [genCol: number, source: number, line: number, col: number];

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Map([...B64].map((c, i) => [c, i]));

/** Decodes one base64 VLQ field list ("AAgBC") into numbers. */
function decodeVlq(text: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of text) {
    const digit = B64_INDEX.get(ch) ?? 0;
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

/**
 * A source map (v3) reader, enough to name the original file and line of a position in a built
 * bundle: used to make CPU profiles of the built PWA readable.
 */
export class SourceMap {
  private constructor(
    private readonly sources: string[],
    private readonly lines: Segment[][],
  ) {}

  /** Reads `<file>.map` if it exists. */
  static forFile(file: string): SourceMap | null {
    const path = `${file}.map`;
    if (!existsSync(path)) return null;
    const map = JSON.parse(readFileSync(path, 'utf8')) as { sources: string[]; mappings: string };
    const lines: Segment[][] = [];
    let source = 0;
    let line = 0;
    let col = 0;
    for (const lineText of map.mappings.split(';')) {
      const segments: Segment[] = [];
      let genCol = 0;
      for (const seg of lineText.split(',')) {
        if (!seg) continue;
        const f = decodeVlq(seg);
        genCol += f[0] ?? 0;
        if (f.length >= 4) {
          source += f[1] ?? 0;
          line += f[2] ?? 0;
          col += f[3] ?? 0;
          segments.push([genCol, source, line, col]);
        }
      }
      lines.push(segments);
    }
    return new SourceMap(map.sources, lines);
  }

  /** Original `source:line` (1-based line) of a generated position (0-based), or null. */
  lookup(line: number, column: number): string | null {
    const segments = this.lines[line];
    if (!segments || segments.length === 0) return null;
    let lo = 0;
    let hi = segments.length - 1;
    let found: Segment | null = null;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const seg = segments[mid] as Segment;
      if (seg[0] <= column) {
        found = seg;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (!found) return null;
    const source = (this.sources[found[1]] ?? '?').replace(/^(\.\.\/)+/, '').replace(/.*node_modules\//, 'nm/');
    return `${source}:${found[2] + 1}`;
  }
}
