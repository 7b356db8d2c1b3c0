// The convert dialog offers each line of a standup section as a task: list items ("- ", "* ", "+ ", "1. ",
// "1) ", with or without a "[ ]" checkbox) or plain non-empty lines. Headings, rules and fences are skipped.

import type { Section } from "@/features/standups/api";
import type { TaskStatus } from "@/lib/tasks";

export const TITLE_MAX = 200;

const LIST_MARKER = /^(?:[-*+]|\d{1,9}[.)])(?:\s+|$)/;
const CHECKBOX = /^\[[ xX]\]\s+/;
const SKIP = /^(?:#{1,6}\s|#{1,6}$|[-*_]{3,}$|```|~~~)/;

/** The candidate task titles in one section's Markdown, in order. */
export function splitLines(markdown: string): string[] {
  const lines: string[] = [];
  for (const raw of markdown.split(/\r?\n/)) {
    let line = raw.trim();
    if (!line || SKIP.test(line)) continue;
    line = line.replace(LIST_MARKER, "").replace(CHECKBOX, "").trim();
    if (!line) continue;
    lines.push(line.length > TITLE_MAX ? `${line.slice(0, TITLE_MAX - 1)}…` : line);
  }
  return lines;
}

/** Blockers become blocked tasks; the rest start as to do. */
export function defaultStatus(section: Section): TaskStatus {
  return section === "blockers" ? "blocked" : "todo";
}

const FENCE = /^(?:```|~~~)/;

/**
 * A section's Markdown with every plain line as a list item: the form says "one item per line", so lines must not
 * run together into one paragraph. List items, indented lines (nested items, continuations) and fenced blocks stay
 * as they are; blank lines go. The Markdown export does the same (src/devcell/standups/_export.py, as_list).
 */
export function asList(markdown: string): string {
  const lines: string[] = [];
  let fenced = false;
  for (const raw of markdown.split(/\r?\n/)) {
    const line = raw.trimEnd();
    if (FENCE.test(line.trimStart())) {
      fenced = !fenced;
      lines.push(line);
    } else if (fenced) {
      lines.push(line);
    } else if (!line.trim()) {
    } else if (/^\s/.test(line) && lines.length > 0) {
      lines.push(line);
    } else if (LIST_MARKER.test(line.trim())) {
      lines.push(line.trim());
    } else {
      lines.push(`- ${line.trim()}`);
    }
  }
  return lines.join("\n");
}
