// LLM Markdown with its citation markers linked, the note about left-out inputs, and the numbered sources.

import { useMemo } from "preact/hooks";
import { Markdown } from "@/components/markdown";
import type { SourceRef } from "@/features/assistant/api";
import { linkCitations } from "@/features/assistant/citations";
import { SourceList } from "@/features/assistant/sources";

type Props = {
  markdown: string;
  sources: readonly SourceRef[];
  omitted: string | null;
  /** Unique per page: the sources heading's id. */
  idPrefix: string;
  /** Heading level of the sources list. */
  level?: 2 | 3 | 4;
};

export function LlmText({ markdown, sources, omitted, idPrefix, level }: Props) {
  const text = useMemo(() => linkCitations(markdown, sources), [markdown, sources]);
  return (
    <>
      <Markdown text={text} class="llm-text" />
      {omitted && <p class="notice notice--warn">{omitted}</p>}
      <SourceList sources={sources} headingId={`${idPrefix}-sources`} level={level} />
    </>
  );
}
