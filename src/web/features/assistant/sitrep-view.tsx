// One SITREP: live job progress while it is generated, then its Markdown with sources, or why it failed.
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { JobProgress } from "@/components/job-progress";
import { Time } from "@/components/time";
import { type Sitrep, sitrepExportPath } from "@/features/assistant/api";
import { AssistantError } from "@/features/assistant/assistant-error";
import { LlmText } from "@/features/assistant/llm-text";

type Props = {
  sitrep: Sitrep;
  level?: 2 | 3;
  /** Called when the generation job has finished: the owner reads the SITREP again. */
  onFinished: () => void;
  /** Extra actions beside Export (e.g. Delete on the SITREPs page). */
  actions?: ComponentChildren;
  /** Move focus to the title when this SITREP becomes ready (after the user asked for it). */
  focusWhenDone?: boolean;
};

export function SitrepView({ sitrep, level = 3, onFinished, actions, focusWhenDone }: Props) {
  const Heading = level === 2 ? "h2" : "h3";
  const title = useRef<HTMLHeadingElement>(null);
  const status = sitrep.status;

  useEffect(() => {
    if (focusWhenDone && status !== "generating") title.current?.focus();
  }, [focusWhenDone, status]);

  return (
    <article class="sitrep" aria-busy={status === "generating"} aria-labelledby={`sitrep-${sitrep.id}-title`}>
      <div class="sitrep__head">
        <Heading id={`sitrep-${sitrep.id}-title`} class="sitrep__title" ref={title} tabIndex={-1}>
          {sitrep.title || `SITREP ${sitrep.id}`}
        </Heading>
        <StatusBadge sitrep={sitrep} />
      </div>
      <p class="muted sitrep__meta">
        <Time value={sitrep.created_at} relative /> · last {sitrep.days === 1 ? "day" : `${sitrep.days} days`}
        {sitrep.use_knowledge ? " · with the knowledgebase" : ""}
      </p>
      {sitrep.instructions && <p class="sitrep__instructions">Instructions: {sitrep.instructions}</p>}
      {status === "generating" &&
        (sitrep.job_id ? (
          <JobProgress
            key={sitrep.job_id}
            jobId={sitrep.job_id}
            label="Generating the SITREP"
            onFinished={onFinished}
          />
        ) : (
          <p role="status">Generating…</p>
        ))}
      {status === "failed" && <AssistantError failure={sitrep.error ?? { code: "", message: "The SITREP failed." }} />}
      {status === "ready" && (
        <LlmText
          markdown={sitrep.markdown}
          sources={sitrep.sources}
          omitted={sitrep.omitted}
          warnings={sitrep.warnings}
          idPrefix={`sitrep-${sitrep.id}`}
          level={level === 2 ? 3 : 4}
        />
      )}
      <div class="button-row">
        {status === "ready" && (
          <a class="button" href={sitrepExportPath(sitrep.id)} download>
            Export as Markdown
          </a>
        )}
        {actions}
      </div>
    </article>
  );
}

const BADGES: Record<Sitrep["status"], [string, string]> = {
  generating: ["badge badge--accent", "Generating"],
  ready: ["badge badge--ok", "Ready"],
  failed: ["badge badge--fail", "Failed"],
};

export function StatusBadge({ sitrep }: { sitrep: Pick<Sitrep, "status"> }) {
  const [css, text] = BADGES[sitrep.status] ?? ["badge badge--muted", sitrep.status];
  return <span class={css}>{text}</span>;
}
