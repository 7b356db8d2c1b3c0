// The document viewer (rendered Markdown, text, or a PDF's facts with the original to download) and the note editor.
import { useEffect, useState } from "preact/hooks";
import { Dialog } from "@/components/dialog";
import { FormField, SelectField } from "@/components/form-field";
import { Markdown } from "@/components/markdown";
import { MarkdownEditor } from "@/components/markdown-editor";
import {
  contentPath,
  createNote,
  type DocumentDetail,
  getDocument,
  KIND_LABELS,
  type KnowledgeDocument,
  STATUS_BADGE,
  STATUS_LABELS,
  updateDocument,
  updateNote,
} from "@/features/knowledge/api";
import { errorMessage } from "@/lib/api";
import { formatDateTime } from "@/lib/format";
import { projectChoices } from "@/lib/projects";

export function DocumentViewer({
  id,
  highlight,
  onClose,
  onChanged,
}: {
  id: number;
  highlight?: string;
  onClose: () => void;
  onChanged?: (doc: KnowledgeDocument) => void;
}) {
  const [doc, setDoc] = useState<DocumentDetail | null>(null);
  const [problem, setProblem] = useState("");
  useEffect(() => {
    getDocument(id).then(setDoc, (error: unknown) => setProblem(errorMessage(error)));
  }, [id]);
  return (
    <Dialog title={doc?.title ?? "Document"} onClose={onClose} wide>
      {problem && <p class="form-error">{problem}</p>}
      {!doc && !problem && <p class="muted">Loading…</p>}
      {doc && (
        <div class="kb-viewer">
          <p class="kb-viewer__meta">
            <span class={STATUS_BADGE[doc.status]}>{STATUS_LABELS[doc.status]}</span> {KIND_LABELS[doc.kind]}
            {doc.pages ? ` · ${doc.pages} pages` : ""} · {doc.project ? doc.project.name : "Everyone"} · updated{" "}
            {formatDateTime(doc.updated_at)} ·{" "}
            <a href={contentPath(doc.id)} download>
              Download the original
            </a>
          </p>
          {doc.reason && <p class="field__error">{doc.reason}</p>}
          {doc.can_delete && (
            <ScopeForm
              doc={doc}
              onMoved={(moved) => {
                setDoc({ ...doc, ...moved });
                onChanged?.(moved);
              }}
            />
          )}
          {highlight && (
            <blockquote class="kb-viewer__passage" aria-label="The cited passage">
              {highlight}
            </blockquote>
          )}
          {doc.text !== null && doc.kind === "md" && <Markdown text={doc.text} />}
          {doc.text !== null && doc.kind === "txt" && <pre class="kb-viewer__text">{doc.text}</pre>}
          {doc.kind === "pdf" && <p class="muted">PDFs are shown by your browser: download the original to read it.</p>}
        </div>
      )}
    </Dialog>
  );
}

/** Who can see a document: everyone, or the members of one project. Changing it moves its passages too. */
function ScopeForm({ doc, onMoved }: { doc: DocumentDetail; onMoved: (doc: KnowledgeDocument) => void }) {
  const current = doc.project ? String(doc.project.id) : "";
  const [scope, setScope] = useState(current);
  const [saving, setSaving] = useState(false);
  const [message, setMessage] = useState("");
  const known = useScopes();
  // An admin may look at a document of a project they are not a member of: keep its project selectable.
  const scopes =
    doc.project && !known.some((s) => s.value === current)
      ? [...known, { value: current, label: `Project: ${doc.project.name}` }]
      : known;
  useEffect(() => setScope(current), [current]);

  async function save(event: Event) {
    event.preventDefault();
    setSaving(true);
    setMessage("");
    try {
      const moved = await updateDocument(doc.id, { project_id: scope ? Number(scope) : null });
      setMessage(moved.project ? `Now only members of ${moved.project.name} find it.` : "Now everyone finds it.");
      onMoved(moved);
    } catch (error) {
      setMessage(errorMessage(error));
    } finally {
      setSaving(false);
    }
  }

  return (
    <form class="kb-viewer__scope" onSubmit={save}>
      <SelectField id="doc-scope" label="Who can see it" value={scope} options={scopes} onChange={setScope} />
      <button type="submit" class="button button--small" disabled={saving || scope === current}>
        {saving ? "Moving…" : "Move"}
      </button>
      <p class="muted" role="status">
        {message}
      </p>
    </form>
  );
}

type Scope = { value: string; label: string };

export function useScopes(): Scope[] {
  const [scopes, setScopes] = useState<Scope[]>([{ value: "", label: "Everyone" }]);
  useEffect(() => {
    projectChoices().then(
      (projects) =>
        setScopes([
          { value: "", label: "Everyone" },
          ...projects.map((p) => ({ value: String(p.id), label: `Project: ${p.name}` })),
        ]),
      () => undefined,
    );
  }, []);
  return scopes;
}

export function NoteEditor({
  note,
  onSaved,
  onClose,
}: {
  note: DocumentDetail | null;
  onSaved: (doc: KnowledgeDocument) => void;
  onClose: () => void;
}) {
  const [title, setTitle] = useState(note?.title ?? "");
  const [text, setText] = useState(note?.text ?? "");
  const [scope, setScope] = useState("");
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState("");
  const scopes = useScopes();

  async function save(event: Event) {
    event.preventDefault();
    setSaving(true);
    setProblem("");
    try {
      const saved = note
        ? await updateNote(note.id, { title, text })
        : await createNote({ title, text, project_id: scope ? Number(scope) : null });
      onSaved(saved);
    } catch (error) {
      setProblem(errorMessage(error));
      setSaving(false);
    }
  }

  return (
    <Dialog title={note ? `Edit ${note.title}` : "New note"} onClose={onClose} wide>
      <form onSubmit={save}>
        <FormField id="note-title" label="Title" value={title} onInput={setTitle} required maxLength={200} />
        {!note && (
          <SelectField
            id="note-scope"
            label="Who can see it"
            value={scope}
            options={scopes}
            onChange={setScope}
            hint="A project's notes are found only by its members."
          />
        )}
        <MarkdownEditor id="note-text" label="Text" value={text} onInput={setText} rows={14} required />
        {problem && <p class="form-error">{problem}</p>}
        <div class="form-actions">
          <button type="submit" class="button button--primary" disabled={saving || !title.trim() || !text.trim()}>
            {saving ? "Saving…" : "Save note"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
