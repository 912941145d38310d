/**
 * Ranks library entries against what was typed after `/`: every word of the query must match
 * one of the fields (shortcut, name, text…), as a prefix, a substring or a subsequence, and the
 * best match of each word counts, weighted by field. Linear in the number of entries and fast
 * enough to run on every keystroke over 5,000 of them (see fuzzyRank.test.ts).
 */

export interface RankField {
  /** Lower-cased text of the field. */
  text: string;
  weight: number;
  /** Allow subsequence matches (short fields: shortcut, name). Long text matches substrings only. */
  fuzzy?: boolean;
}

/** How well `word` (lower case) matches `s`: 0 when it does not. */
export function matchScore(word: string, s: string, fuzzy = true): number {
  if (!word) return 1;
  const at = s.indexOf(word);
  if (at === 0) return word.length === s.length ? 120 : 100;
  if (at > 0) {
    const prev = s.charCodeAt(at - 1);
    const wordStart = !((prev >= 97 && prev <= 122) || (prev >= 48 && prev <= 57));
    return wordStart ? 80 : 60 - Math.min(at, 40) / 4;
  }
  if (!fuzzy) return 0;
  // Subsequence, with a penalty for gaps: "rtpl" matches "return policy".
  let j = 0;
  let gaps = 0;
  let last = -1;
  for (let i = 0; i < s.length && j < word.length; i++) {
    if (s.charCodeAt(i) === word.charCodeAt(j)) {
      if (last !== -1 && i !== last + 1) gaps++;
      last = i;
      j++;
    }
  }
  if (j < word.length) return 0;
  return Math.max(1, 30 - gaps * 4);
}

/** The score of one entry for the query words; 0 when some word matches nothing. */
export function scoreEntry(words: readonly string[], fields: readonly RankField[]): number {
  let total = 0;
  for (const word of words) {
    let best = 0;
    for (const f of fields) {
      const score = matchScore(word, f.text, f.fuzzy !== false) * f.weight;
      if (score > best) best = score;
    }
    if (best === 0) return 0;
    total += best;
  }
  return total;
}

export const queryWords = (query: string) => query.toLowerCase().split(/\s+/).filter(Boolean);

/**
 * The entries matching `query`, best first (ties keep the input order), at most `limit`.
 * `fields` should return pre-lower-cased text (cache it per entry).
 */
export function fuzzyRank<T>(entries: readonly T[], query: string, fields: (entry: T) => readonly RankField[], limit = 50): T[] {
  const words = queryWords(query);
  if (words.length === 0) return entries.slice(0, limit);
  const scored: { entry: T; score: number; index: number }[] = [];
  entries.forEach((entry, index) => {
    const score = scoreEntry(words, fields(entry));
    if (score > 0) scored.push({ entry, score, index });
  });
  scored.sort((a, b) => b.score - a.score || a.index - b.index);
  return scored.slice(0, limit).map((s) => s.entry);
}
