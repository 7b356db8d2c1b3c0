// Which of a plan's list items look like tasks: the "Create tasks" list ticks only those at first, so filler a
// model writes as bullets ("None", "Keep going", "TBD") is there to tick by hand but not created by default.

const FILLER = /^(none|nothing|n\/a|na|tbd|todo|etc|misc|other|same|ok|done|keep going|continue|see above|as above)\b/i;

/** True for a title that reads as a piece of work: at least two words, and not filler. */
export function looksLikeTask(title: string): boolean {
  const words = title.trim().split(/\s+/).filter(Boolean);
  return words.length >= 2 && !FILLER.test(title.trim());
}

/** The indexes to tick at first: the titles that look like tasks, at most `limit` of them. */
export function initiallyTicked(titles: readonly string[], limit: number): Set<number> {
  const ticked = titles.flatMap((title, index) => (looksLikeTask(title) ? [index] : []));
  return new Set(ticked.slice(0, limit));
}
