// The numbered sources under an LLM text, each a link that opens the standup, task, project or document it names
// (the shared citation list of components/citations).

import { SourceList as CitedSourceList } from "@/components/citations";
import type { SourceRef } from "@/features/assistant/api";
import { KIND_LABELS } from "@/features/assistant/citations";

type Props = { sources: readonly SourceRef[]; headingId: string; level?: 2 | 3 | 4 };

export function SourceList({ sources, headingId, level = 3 }: Props) {
  const cited = sources.map((source) => {
    const kind = KIND_LABELS[source.kind] ?? source.kind;
    return { number: source.number, url: source.url, title: source.title || `${kind} ${source.id}`, kind };
  });
  return <CitedSourceList sources={cited} headingId={headingId} level={level} />;
}
