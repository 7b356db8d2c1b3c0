// Citation markers "[n]" in LLM Markdown become links to the source they name (a standup, task, project, document).
import type { SourceRef } from "@/features/assistant/api";

// "[3]" not followed by "(" (already a link), "[" (reference link) or ":" (a link definition).
const MARKER = /\[(\d{1,3})\](?![([:])/g;
const FENCE = /^(```|~~~)/;

/** The Markdown with each "[n]" that names a known source turned into a link; code blocks are left alone. */
export function linkCitations(markdown: string, sources: readonly SourceRef[]): string {
  if (sources.length === 0) return markdown;
  const urls = new Map(sources.map((source) => [source.number, source.url]));
  let inCode = false;
  return markdown
    .split("\n")
    .map((line) => {
      if (FENCE.test(line.trim())) {
        inCode = !inCode;
        return line;
      }
      if (inCode) return line;
      return line.replace(MARKER, (whole, digits: string) => {
        const url = urls.get(Number(digits));
        return url ? `[\\[${digits}\\]](${encodeURI(decodeSafe(url))})` : whole;
      });
    })
    .join("\n");
}

// encodeURI keeps "?", "=", "#" and "/", and escapes spaces or brackets that would end the link early.
function decodeSafe(url: string): string {
  try {
    return decodeURI(url);
  } catch {
    return url;
  }
}

export const KIND_LABELS: Record<SourceRef["kind"], string> = {
  standup: "Standup",
  task: "Task",
  project: "Project",
  document: "Document",
};
