// Citation markers "[n]" in LLM Markdown become links to the source they name (a standup, task, project, document),
// the way components/citations links every answer's.

import type { SourceRef } from "@/features/assistant/api";
import { linkMarkers } from "@/lib/citations";

/** The Markdown with each "[n]" that names a known source turned into a link (components/citations). */
export function linkCitations(markdown: string, sources: readonly SourceRef[]): string {
  return linkMarkers(markdown, new Map(sources.map((source) => [source.number, source.url])));
}

export const KIND_LABELS: Record<SourceRef["kind"], string> = {
  standup: "Standup",
  task: "Task",
  project: "Project",
  document: "Document",
};
