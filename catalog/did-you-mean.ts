// "Did you mean" suggestions for a misspelt name (a catalog field, a provider id, a command).

/** Edit distance (insertions, deletions, substitutions), for "did you mean". */
export function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/** The candidates nearest to `word`, best first; only plausible ones (distance <= max(2, len/3)). */
export function closest(word: string, candidates: readonly string[], limit = 3): string[] {
  const w = word.toLowerCase();
  const budget = Math.max(2, Math.floor(w.length / 3));
  return candidates
    .map((c) => ({ c, d: c.toLowerCase().startsWith(w) || c.toLowerCase().includes(w) ? 0.5 : levenshtein(w, c.toLowerCase()) }))
    .filter((x) => x.d <= budget)
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c))
    .slice(0, limit)
    .map((x) => x.c);
}

