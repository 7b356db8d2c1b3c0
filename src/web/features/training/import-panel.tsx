// Importing a roadmap: paste it, pick a file or load the shipped sample; the server turns it into units (JSON
// directly, anything else through the LLM); the units are previewed and edited here, then stored as a plan.
import { useState } from "preact/hooks";
import { Field, FormField, SelectField, TextAreaField } from "@/components/form-field";
import {
  createPlan,
  FORMAT_OPTIONS,
  formatOfFile,
  getSample,
  type Plan,
  type RoadmapFormat,
  suggestTitle,
  type TransformResult,
  transformRoadmap,
  unitProblems,
} from "@/features/training/api";
import { Problem } from "@/features/training/problem";
import { type Row, toRows, UnitsEditor } from "@/features/training/units-editor";
import { ApiError } from "@/lib/api";
import type { Project } from "@/lib/projects";

const MAX_TEXT = 50_000;

type Props = {
  projects: Project[];
  initialProject: number | null;
  onStored: (plan: Plan) => void;
  onCancel: () => void;
};

export function ImportPanel({ projects, initialProject, onStored, onCancel }: Props) {
  const first = initialProject ?? projects[0]?.id ?? null;
  const [projectId, setProjectId] = useState(first === null ? "" : String(first));
  const [text, setText] = useState("");
  const [format, setFormat] = useState<RoadmapFormat>("auto");
  const [notes, setNotes] = useState("");
  const [source, setSource] = useState("");
  const [busy, setBusy] = useState<"" | "sample" | "transform" | "store">("");
  const [problem, setProblem] = useState<unknown>(null);
  const [preview, setPreview] = useState<TransformResult | null>(null);
  const [rows, setRows] = useState<Row[]>([]);
  const [title, setTitle] = useState("");

  if (projects.length === 0) {
    return (
      <section class="card" aria-labelledby="import-heading">
        <h2 id="import-heading">Import a roadmap</h2>
        <p class="muted">
          A plan belongs to a project where you are a member. <a href="/projects">Create a project</a> or ask its owner
          to add you.
        </p>
      </section>
    );
  }

  async function loadSample() {
    setBusy("sample");
    setProblem(null);
    try {
      const sample = await getSample();
      setText(sample.text);
      setFormat("markdown");
      setSource(`The sample roadmap “${sample.title}”`);
    } catch (error) {
      setProblem(error);
    } finally {
      setBusy("");
    }
  }

  async function readFile(file: File | undefined) {
    if (!file) return;
    setProblem(null);
    const content = await file.text();
    if (content.length > MAX_TEXT) {
      const size = content.length.toLocaleString();
      setProblem(new ApiError(413, "roadmap_too_large", `${file.name} has ${size} characters; at most 50,000 fit.`));
      return;
    }
    setText(content);
    setFormat(formatOfFile(file.name));
    setSource(`The file ${file.name}`);
  }

  async function transform(event: Event) {
    event.preventDefault();
    setBusy("transform");
    setProblem(null);
    try {
      const result = await transformRoadmap({ text, format, project_id: Number(projectId), notes });
      setPreview(result);
      setRows(toRows(result.units));
      setTitle(suggestTitle(text, source.replace(/^The (file|sample roadmap) /, "").replace(/[“”]/g, "")));
    } catch (error) {
      setProblem(error);
    } finally {
      setBusy("");
    }
  }

  async function store() {
    setBusy("store");
    setProblem(null);
    try {
      const cleaned = rows.map(({ unit }) => ({
        ...unit,
        title: unit.title.trim(),
        description: unit.description.trim(),
      }));
      onStored(await createPlan({ project_id: Number(projectId), title: title.trim(), units: cleaned }));
    } catch (error) {
      setProblem(error);
      setBusy("");
    }
  }

  const invalid = rows.some(({ unit }) => Object.keys(unitProblems(unit)).length > 0);
  const projectName = projects.find((p) => String(p.id) === projectId)?.name ?? "the project";

  if (preview) {
    return (
      <section class="card" aria-labelledby="import-heading">
        <h2 id="import-heading">Preview: {rows.length} units</h2>
        <p class="muted">
          {preview.source === "llm"
            ? "The LLM turned the roadmap into these units. Check and edit them before storing; nothing is saved yet."
            : "Read from your JSON. Edit the units if needed; nothing is saved yet."}
        </p>
        {preview.warnings.length > 0 && (
          <div class="notice notice--warn" role="status">
            {preview.warnings.map((warning) => (
              <p key={warning}>{warning}</p>
            ))}
          </div>
        )}
        <FormField id="plan-title" label="Plan title" value={title} onInput={setTitle} maxLength={120} required />
        <UnitsEditor rows={rows} onChange={setRows} />
        {problem !== null && <Problem error={problem} />}
        <div class="form-actions">
          <button
            type="button"
            class="button button--primary"
            disabled={busy !== "" || invalid || rows.length === 0 || !title.trim()}
            onClick={store}
          >
            {busy === "store" ? "Storing…" : `Store plan in ${projectName}`}
          </button>
          <button type="button" class="button" onClick={() => setPreview(null)}>
            Back to the roadmap
          </button>
        </div>
        {invalid && <p class="field__error">Fix the marked units first.</p>}
      </section>
    );
  }

  return (
    <section class="card" aria-labelledby="import-heading">
      <h2 id="import-heading">Import a roadmap</h2>
      <form onSubmit={transform} aria-label="Import a roadmap">
        <SelectField
          id="import-project"
          label="Project"
          value={projectId}
          options={projects.map((project) => ({ value: String(project.id), label: project.name }))}
          onChange={setProjectId}
          hint="The plan and the tasks seeded from it belong to this project."
        />
        <div class="button-row training-import__sources">
          <button type="button" class="button" onClick={loadSample} disabled={busy !== ""}>
            {busy === "sample" ? "Loading…" : "Load the sample"}
          </button>
          <Field id="import-file" label="Or choose a file (.md, .txt, .json)" noOptionalMark>
            <input
              id="import-file"
              type="file"
              accept=".md,.markdown,.txt,.json,text/markdown,text/plain,application/json"
              onChange={(event) => readFile(event.currentTarget.files?.[0])}
            />
          </Field>
        </div>
        {source && <p class="muted">{source}</p>}
        <TextAreaField
          id="import-text"
          label="Roadmap"
          value={text}
          onInput={(value) => {
            setText(value);
            setSource("");
          }}
          rows={12}
          maxLength={MAX_TEXT}
          required
          hint="Markdown or plain text (turned into units by the LLM), or JSON units (read directly, no LLM)."
        />
        <SelectField
          id="import-format"
          label="Format"
          value={format}
          options={FORMAT_OPTIONS}
          onChange={(value) => setFormat(value as RoadmapFormat)}
        />
        <TextAreaField
          id="import-notes"
          label="Notes for the LLM"
          value={notes}
          onInput={setNotes}
          rows={2}
          maxLength={2000}
          hint="For example: the team has two Raspberry Pis; keep it to four units a week."
        />
        {problem !== null && <Problem error={problem} />}
        <div class="form-actions">
          <button type="submit" class="button button--primary" disabled={busy !== "" || !text.trim() || !projectId}>
            {busy === "transform" ? "Turning it into units…" : "Preview units"}
          </button>
          <button type="button" class="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
        {busy === "transform" && (
          <p class="muted" role="status">
            Working on it; a local model can take a minute for a long roadmap.
          </p>
        )}
      </form>
    </section>
  );
}
