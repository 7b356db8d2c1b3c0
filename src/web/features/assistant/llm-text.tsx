// LLM Markdown with its citation markers linked, its warnings (cut off, unchecked), the note about left-out inputs,
// and the numbered sources it cites.

import { useMemo } from "preact/hooks";
import { Markdown } from "@/components/markdown";
import type { SourceRef } from "@/features/assistant/api";
import { linkCitations } from "@/features/assistant/citations";
import { SourceList } from "@/features/assistant/sources";

type Props = {
  markdown: string;
  sources: readonly SourceRef[];
  omitted: string | null;
  /** What the reader must know before relying on it: cut off, or checks it failed. */
  warnings?: readonly string[];
  /** Unique per page: the sources heading's id. */
  idPrefix: string;
  /** Heading level of the sources list. */
  level?: 2 | 3 | 4;
};

export function LlmText({ markdown, sources, omitted, warnings = [], idPrefix, level }: Props) {
  const text = useMemo(() => linkCitations(markdown, sources), [markdown, sources]);
  return (
    <>
      {warnings.map((warning) => (
        <p key={warning} class="notice notice--warn" role="note">
          {warning}
        </p>
      ))}
      <Markdown text={text} class="llm-text" />
      {omitted && <p class="notice notice--warn">{omitted}</p>}
      <SourceList sources={sources} headingId={`${idPrefix}-sources`} level={level} />
    </>
  );
}
