// The numbered sources under an LLM text, each a link that opens the standup, task, project or document it names.

import type { SourceRef } from "@/features/assistant/api";
import { KIND_LABELS } from "@/features/assistant/citations";

type Props = { sources: readonly SourceRef[]; headingId: string; level?: 2 | 3 | 4 };

export function SourceList({ sources, headingId, level = 3 }: Props) {
  if (sources.length === 0) return null;
  const Heading = `h${level}` as "h2" | "h3" | "h4";
  return (
    <section class="sources" aria-labelledby={headingId}>
      <Heading id={headingId} class="sources__title">
        Sources
      </Heading>
      <ol class="sources__list">
        {sources.map((source) => (
          <li key={`${source.kind}-${source.id}-${source.number}`}>
            <span class="sources__number">[{source.number}]</span>{" "}
            <span class="badge badge--muted">{KIND_LABELS[source.kind] ?? source.kind}</span>{" "}
            <a href={source.url}>{source.title || `${KIND_LABELS[source.kind] ?? source.kind} ${source.id}`}</a>
          </li>
        ))}
      </ol>
    </section>
  );
}
