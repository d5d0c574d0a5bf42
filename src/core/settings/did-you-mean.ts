/** Suggests the closest known name for a misspelled setting key or option value (Levenshtein distance). */

export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * The closest candidate, compared case-insensitively, if it is within a third of the word's length (at least
 * 2 edits): close enough for a typo, far enough to stay quiet about unrelated names. A word of 4 letters or more is
 * also compared with the start of each candidate, so an abbreviation with a typo (`slow-zom`) finds `slow-zoom-2d`;
 * between equally close candidates the one closer as a whole word wins (`strenght` → `strength`, not
 * `strength_schedule`, whose start is as close).
 */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const typed = word.toLowerCase();
  const limit = Math.max(2, Math.floor(word.length / 3));
  let best: { candidate: string; distance: number; whole: number } | undefined;
  for (const candidate of candidates) {
    const known = candidate.toLowerCase();
    const whole = editDistance(typed, known);
    const distance = typed.length >= 4 ? Math.min(whole, editDistance(typed, known.slice(0, typed.length))) : whole;
    const closer = best === undefined || distance < best.distance || (distance === best.distance && whole < best.whole);
    if (distance <= limit && closer) best = { candidate, distance, whole };
  }
  return best?.candidate;
}
