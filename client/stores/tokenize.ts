/** Lower-case words without accents: "Zoë's order #123" → ["zoe", "s", "order", "123"]. */
export function tokenize(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

/** Distinct words worth indexing (at most `max`, newest text last wins). */
export function indexWords(texts: readonly string[], max = 4000): string[] {
  const words = new Set<string>();
  for (let i = texts.length - 1; i >= 0 && words.size < max; i--) {
    for (const word of tokenize(texts[i] ?? '')) {
      if (word.length > 1 || /\p{N}/u.test(word)) words.add(word.slice(0, 40));
    }
  }
  return [...words];
}
