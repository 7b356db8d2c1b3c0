// The document viewer (rendered Markdown, text, or a PDF's facts with the original to download) and the note editor.
import { useEffect, useRef, useState } from "preact/hooks";
import { Dialog } from "@/components/dialog";
import { FormField, SelectField } from "@/components/form-field";
import { Markdown } from "@/components/markdown";
import { MarkdownEditor } from "@/components/markdown-editor";
import { Time } from "@/components/time";
import {
  contentPath,
  createNote,
  type DocumentDetail,
  getDocument,
  getPassage,
  KIND_LABELS,
  type KnowledgeDocument,
  STATUS_BADGE,
  STATUS_LABELS,
  updateDocument,
  updateNote,
} from "@/features/knowledge/api";
import { HIT_CLASS, markPassage, shownText } from "@/features/knowledge/highlight";
import { errorMessage } from "@/lib/api";
import { projectChoices } from "@/lib/projects";

/** The passage a citation points at: its chunk and text (the Ask page has both; a link has only the chunk id). */
export type CitedPassage = { chunk_id: number; text: string };

export function DocumentViewer({
  id,
  passage,
  onClose,
  onChanged,
}: {
  id: number;
  /** Mark this passage in the shown text and scroll to it (a chunk id is fetched first). */
  passage?: CitedPassage | number | null;
  onClose: () => void;
  onChanged?: (doc: KnowledgeDocument) => void;
}) {
  const [doc, setDoc] = useState<DocumentDetail | null>(null);
  const [problem, setProblem] = useState("");
  const [cited, setCited] = useState<CitedPassage | null>(typeof passage === "object" ? passage : null);
  const [citedProblem, setCitedProblem] = useState("");
  // Whether the passage was found in the shown text (null: not looked for yet); if not, it is shown on top.
  const [found, setFound] = useState<boolean | null>(null);
  const body = useRef<HTMLDivElement>(null);
  useEffect(() => {
    getDocument(id).then(setDoc, (error: unknown) => setProblem(errorMessage(error)));
  }, [id]);
  useEffect(() => {
    setCitedProblem("");
    if (typeof passage !== "number") {
      setCited(passage ?? null);
      return;
    }
    let live = true;
    getPassage(passage).then(
      (got) => {
        if (!live) return;
        if (got.document_id === id) setCited(got);
        else setCitedProblem("That passage is not part of this document.");
      },
      (error: unknown) => live && setCitedProblem(errorMessage(error)),
    );
    return () => {
      live = false;
    };
  }, [id, passage]);
  const text = doc?.text ?? null;
  const kind = doc?.kind;
  useEffect(() => {
    const container = body.current;
    if (!container) return;
    unmark(container);
    if (!cited || text === null) {
      setFound(cited ? false : null);
      return;
    }
    const marks = markPassage(container, kind === "md" ? shownText(cited.text) : cited.text);
    setFound(marks.length > 0);
    marks[0]?.scrollIntoView({ block: "center" });
  }, [cited, text, kind]);
  return (
    <Dialog title={doc?.title ?? "Document"} onClose={onClose} wide>
      {problem && <p class="form-error">{problem}</p>}
      {!doc && !problem && <p class="muted">Loading…</p>}
      {doc && (
        <div class="kb-viewer">
          <p class="kb-viewer__meta">
            <span class={STATUS_BADGE[doc.status]}>{STATUS_LABELS[doc.status]}</span> {KIND_LABELS[doc.kind]}
            {doc.pages ? ` · ${doc.pages} pages` : ""} · {doc.project ? doc.project.name : "Everyone"} · updated{" "}
            <Time value={doc.updated_at} relative /> ·{" "}
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
          {citedProblem && <p class="notice notice--warn">{citedProblem}</p>}
          {cited && found === false && (
            // Not found in the shown text (a PDF, or text that differs from what was indexed): shown on its own.
            <blockquote class="kb-viewer__passage" aria-label="The cited passage">
              {doc.kind === "md" ? <Markdown text={cited.text} /> : cited.text}
            </blockquote>
          )}
          <div ref={body}>
            {doc.text !== null && doc.kind === "md" && <Markdown text={doc.text} />}
            {doc.text !== null && doc.kind === "txt" && <pre class="kb-viewer__text">{doc.text}</pre>}
          </div>
          {doc.kind === "pdf" && <p class="muted">PDFs are shown by your browser: download the original to read it.</p>}
        </div>
      )}
    </Dialog>
  );
}

/** Takes earlier marks out again (another passage, or the same text shown anew). */
function unmark(container: HTMLElement) {
  for (const mark of container.querySelectorAll(`mark.${HIT_CLASS}`)) mark.replaceWith(...mark.childNodes);
  container.normalize();
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
        : await createNote({ title: title.trim() || undefined, text, project_id: scope ? Number(scope) : null });
      onSaved(saved);
    } catch (error) {
      setProblem(errorMessage(error));
      setSaving(false);
    }
  }

  return (
    <Dialog title={note ? `Edit ${note.title}` : "New note"} onClose={onClose} wide>
      <form onSubmit={save}>
        <FormField
          id="note-title"
          label="Title"
          value={title}
          onInput={setTitle}
          required={note !== null}
          maxLength={200}
          hint={note ? undefined : "Leave it empty to use the note's first heading."}
        />
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
        <MarkdownEditor
          id="note-text"
          label="Text"
          value={text}
          onInput={setText}
          rows={14}
          required
          mentions={note ? { kind: "note", id: note.id } : { kind: "note", projectId: scope ? Number(scope) : null }}
        />
        {problem && <p class="form-error">{problem}</p>}
        <div class="form-actions">
          <button
            type="submit"
            class="button button--primary"
            disabled={saving || (note !== null && !title.trim()) || !text.trim()}
          >
            {saving ? "Saving…" : "Save note"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
