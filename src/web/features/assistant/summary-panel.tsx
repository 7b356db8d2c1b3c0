// "Summarise" panels: the team's standups of one day (standups page) and a project's recent work (project page).
// One LLM call on request; the server caches the text until its inputs change, and says so.
import { useRef, useState } from "preact/hooks";
import { SelectField } from "@/components/form-field";
import { Time } from "@/components/time";
import { projectSummary, type Summary, standupSummary } from "@/features/assistant/api";
import { AssistantError } from "@/features/assistant/assistant-error";
import { LlmText } from "@/features/assistant/llm-text";
import { useProjects } from "@/features/assistant/sitrep-form";
import "@/features/assistant/assistant.css";
import { formatDay } from "@/lib/dates";

type Props = { kind: "standups"; day: string } | { kind: "project"; projectId: number };

const PROJECT_DAYS = [7, 14, 30, 90] as const;

export function SummaryPanel(props: Props) {
  const [summary, setSummary] = useState<Summary | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [project, setProject] = useState("");
  const [days, setDays] = useState("7");
  const result = useRef<HTMLDivElement>(null);
  const prefix = props.kind === "standups" ? `summary-${props.day}` : `summary-project-${props.projectId}`;

  async function run(refresh: boolean) {
    setBusy(true);
    setFailure(null);
    try {
      const answer =
        props.kind === "standups"
          ? await standupSummary({ date: props.day, project_id: project ? Number(project) : null, refresh })
          : await projectSummary({ project_id: props.projectId, days: Number(days), refresh });
      setSummary(answer);
      result.current?.focus();
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  }

  const heading = props.kind === "standups" ? `Summary of ${formatDay(props.day)}` : "Summary";
  return (
    <section class="card summary-panel" aria-labelledby={`${prefix}-title`}>
      <h2 id={`${prefix}-title`}>{heading}</h2>
      <div class="summary-panel__controls">
        {props.kind === "standups" ? (
          <StandupScope
            id={`${prefix}-project`}
            value={project}
            onChange={(next) => {
              setProject(next);
              setSummary(null);
            }}
          />
        ) : (
          <SelectField
            id={`${prefix}-days`}
            label="Period"
            value={days}
            onChange={(next) => {
              setDays(next);
              setSummary(null);
            }}
            options={PROJECT_DAYS.map((n) => ({ value: String(n), label: `Last ${n} days` }))}
          />
        )}
        <button type="button" class="button button--primary" disabled={busy} onClick={() => void run(false)}>
          Summarise
        </button>
        {summary && (
          <button type="button" class="button" disabled={busy} onClick={() => void run(true)}>
            Regenerate
          </button>
        )}
      </div>
      <p class="summary-panel__status" role="status">
        {busy ? "Summarising… this can take a minute." : ""}
      </p>
      {failure !== null && !busy && <AssistantError failure={failure} />}
      {summary && (
        <div class="summary-panel__result" ref={result} tabIndex={-1}>
          <p class="muted summary-panel__meta">
            {summary.cached ? <span class="badge badge--muted">Cached</span> : null} Generated{" "}
            <Time value={summary.generated_at} relative />
            {summary.model ? ` by ${summary.model}` : ""}
          </p>
          <LlmText
            markdown={summary.markdown}
            sources={summary.sources}
            omitted={summary.omitted}
            warnings={summary.warnings}
            idPrefix={prefix}
            level={3}
          />
        </div>
      )}
    </section>
  );
}

function StandupScope({ id, value, onChange }: { id: string; value: string; onChange: (value: string) => void }) {
  const projects = useProjects();
  const options = [
    { value: "", label: "Whole team" },
    ...projects.map((p) => ({ value: String(p.id), label: p.name })),
  ];
  return <SelectField id={id} label="Standups of" value={value} onChange={onChange} options={options} />;
}
