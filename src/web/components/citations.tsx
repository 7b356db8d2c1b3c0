// Citations, one way everywhere an answer cites (Ask, Chat, SITREPs, summaries, review): each "[n]" in the text is a
// link to its source, and the numbered sources follow under their own heading, set apart from the answer so they
// never read as its last list.
import { Markdown } from "@/components/markdown";
import { type CitedSource, linkMarkers, sourceUrls } from "@/lib/citations";
import "@/components/answers.css";

export type { CitedSource } from "@/lib/citations";

type TextProps = { markdown: string; sources: readonly CitedSource[]; class?: string };

/** An answer's Markdown with its "[n]" markers linked to their sources. */
export function CitedMarkdown({ markdown, sources, class: className }: TextProps) {
  return <Markdown text={linkMarkers(markdown, sourceUrls(sources))} class={className} />;
}

type ListProps = {
  sources: readonly CitedSource[];
  /** Unique on the page: the heading's id, which names the list's region. */
  headingId: string;
  level?: 2 | 3 | 4;
  title?: string;
};

/** The numbered sources under an answer: a region of its own, each number with its linked title. */
export function SourceList({ sources, headingId, level = 3, title = "Sources" }: ListProps) {
  if (sources.length === 0) return null;
  const Heading = `h${level}` as "h2" | "h3" | "h4";
  return (
    <section class="sources" aria-labelledby={headingId}>
      <Heading id={headingId} class="sources__title">
        {title}
      </Heading>
      <ol class="sources__list">
        {sources.map((source) => (
          <li key={`${source.number}-${source.url}`}>
            <span class="sources__number">[{source.number}]</span>{" "}
            {source.kind && (
              <>
                <span class="badge badge--muted">{source.kind}</span>{" "}
              </>
            )}
            <a href={source.url}>{source.title}</a>
            {source.detail && <span class="muted"> · {source.detail}</span>}
          </li>
        ))}
      </ol>
    </section>
  );
}
