// Knowledge: the documents I can see with their indexing status and live progress, uploads of several files (dropped
// or chosen) with progress for each (upload-panel.tsx), notes, the viewer (also opened by a link to
// /knowledge?doc=<id>, with &passage=<chunk id> a cited passage marked), and the index's health.

import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { useConfirm } from "@/components/confirm-dialog";
import { FormField, SelectField } from "@/components/form-field";
import { JobProgress } from "@/components/job-progress";
import { LoadState } from "@/components/load-state";
import { Pager } from "@/components/pager";
import { Time } from "@/components/time";
import { useToast } from "@/components/toast";
import {
  contentPath,
  type DocumentDetail,
  deleteDocument,
  getDocument,
  getStatus,
  KIND_LABELS,
  type KnowledgeDocument,
  listDocuments,
  reindexDocument,
  STATUS_BADGE,
  STATUS_LABELS,
} from "@/features/knowledge/api";
import { DocumentViewer, NoteEditor } from "@/features/knowledge/document-dialogs";
import { UploadPanel, useNoStrayDrops } from "@/features/knowledge/upload-panel";
import "@/features/knowledge/knowledge.css";
import { errorMessage } from "@/lib/api";
import { useLoad } from "@/lib/use-load";

const PAGE_SIZE = 25;
const STATUS_FILTER = [
  { value: "", label: "Any status" },
  { value: "indexed", label: "Indexed" },
  { value: "queued", label: "Queued" },
  { value: "indexing", label: "Indexing" },
  { value: "failed", label: "Failed" },
];

export function KnowledgePage() {
  const [search, setSearch] = useState("");
  const [q, setQ] = useState("");
  const [status, setStatus] = useState("");
  const [offset, setOffset] = useState(0);
  const { query, route } = useLocation();
  const [viewing, setViewing] = useState<number | null>(docParam(query.doc));
  const [editing, setEditing] = useState<DocumentDetail | "new" | null>(null);
  const [tick, setTick] = useState(0);
  const toast = useToast();
  const confirm = useConfirm();
  const reload = () => setTick((n) => n + 1);
  useNoStrayDrops();

  useEffect(() => {
    const timer = setTimeout(() => {
      setQ(search.trim());
      setOffset(0);
    }, 300);
    return () => clearTimeout(timer);
  }, [search]);

  // Links from the assistant features (/knowledge?doc=12) open that document, also when this page is open already.
  useEffect(() => setViewing(docParam(query.doc)), [query.doc]);

  function closeViewer() {
    setViewing(null);
    if (query.doc !== undefined) route("/knowledge", true); // Back does not reopen it
  }

  const docs = useLoad(() => listDocuments({ q, status, limit: PAGE_SIZE, offset }), [q, status, offset, tick]);
  const health = useLoad(getStatus, [tick]);

  async function remove(doc: KnowledgeDocument) {
    const ok = await confirm({
      title: `Delete ${doc.title}?`,
      message: "The file, its passages and its vectors are deleted. This cannot be undone.",
      confirmLabel: "Delete",
      danger: true,
    });
    if (!ok) return;
    try {
      await deleteDocument(doc.id);
      toast(`${doc.title} deleted.`, "success");
      reload();
    } catch (error) {
      toast(errorMessage(error), "error");
    }
  }

  async function retry(doc: KnowledgeDocument) {
    try {
      await reindexDocument(doc.id);
      reload();
    } catch (error) {
      toast(errorMessage(error), "error");
    }
  }

  async function edit(doc: KnowledgeDocument) {
    try {
      setEditing(await getDocument(doc.id));
    } catch (error) {
      toast(errorMessage(error), "error");
    }
  }

  const page = docs.data;
  return (
    <section class="page page--wide">
      <div class="page__header">
        <h1>Knowledge</h1>
        <div class="button-row">
          <a class="button" href="/ask">
            Ask a question
          </a>
          <button type="button" class="button button--primary" onClick={() => setEditing("new")}>
            New note
          </button>
        </div>
      </div>
      {health.data && <IndexHealth status={health.data} />}
      <UploadPanel onUploaded={reload} />
      <form class="filters" aria-label="Find documents" onSubmit={(event) => event.preventDefault()}>
        <FormField
          id="kb-search"
          label="Search titles and text"
          type="search"
          value={search}
          onInput={setSearch}
          noOptionalMark
        />
        <SelectField
          id="kb-status"
          label="Status"
          value={status}
          options={STATUS_FILTER}
          onChange={(value) => {
            setStatus(value);
            setOffset(0);
          }}
        />
      </form>
      <LoadState loaded={docs} what="documents" />
      {page && page.items.length === 0 && (
        <p class="muted">{q || status ? "No document matches." : "No documents yet. Upload a file or write a note."}</p>
      )}
      {page && page.items.length > 0 && (
        <div class="table-wrap">
          <table class="table kb-table">
            <caption class="visually-hidden">Documents</caption>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Type</th>
                <th scope="col">Who can see it</th>
                <th scope="col">Status</th>
                <th scope="col">Updated</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((doc) => (
                <tr key={doc.id}>
                  <td>
                    <button type="button" class="link-button" onClick={() => setViewing(doc.id)}>
                      {doc.title}
                    </button>
                  </td>
                  <td>
                    {KIND_LABELS[doc.kind]}
                    {doc.origin === "note" ? " note" : ""}
                  </td>
                  <td>{doc.project ? doc.project.name : "Everyone"}</td>
                  <td class="kb-table__status">
                    <span class={STATUS_BADGE[doc.status]}>{STATUS_LABELS[doc.status]}</span>
                    {doc.status === "indexed" && <span class="muted"> {doc.chunk_count} passages</span>}
                    {doc.status === "failed" && doc.reason && <p class="field__error">{doc.reason}</p>}
                    {(doc.status === "queued" || doc.status === "indexing") && doc.job_id && (
                      <JobProgress jobId={doc.job_id} label={`Indexing ${doc.title}`} onFinished={reload} />
                    )}
                  </td>
                  <td>
                    <Time value={doc.updated_at} relative />
                  </td>
                  <td class="table__actions">
                    <a class="button button--small" href={contentPath(doc.id)} download>
                      Download
                    </a>
                    {doc.can_edit && (
                      <button type="button" class="button button--small" onClick={() => edit(doc)}>
                        Edit
                      </button>
                    )}
                    {doc.can_delete && doc.status === "failed" && (
                      <button type="button" class="button button--small" onClick={() => retry(doc)}>
                        Retry
                      </button>
                    )}
                    {doc.can_delete && (
                      <button type="button" class="button button--small button--danger" onClick={() => remove(doc)}>
                        Delete
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page && <Pager total={page.total} offset={offset} pageSize={PAGE_SIZE} noun="documents" onOffset={setOffset} />}
      {viewing !== null && (
        <DocumentViewer
          id={viewing}
          passage={viewing === docParam(query.doc) ? docParam(query.passage) : null}
          onClose={closeViewer}
          onChanged={reload}
        />
      )}
      {editing !== null && (
        <NoteEditor
          note={editing === "new" ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={(doc) => {
            toast(`${doc.title} saved; it is being indexed.`, "success");
            setEditing(null);
            reload();
          }}
        />
      )}
    </section>
  );
}

/** The document id of a `?doc=` link (or the chunk id of its `&passage=`); anything else opens nothing. */
export function docParam(raw: string | undefined): number | null {
  return raw && /^\d{1,12}$/.test(raw) ? Number(raw) : null;
}

function IndexHealth({ status }: { status: import("@/features/knowledge/api").KnowledgeStatus }) {
  const counts = status.documents;
  return (
    <div class={status.problems.length ? "notice notice--warn" : "notice"} role="status">
      <p>
        {counts.indexed} indexed · {counts.queued + counts.indexing} waiting · {counts.failed} failed · {status.chunks}{" "}
        passages · model {status.model}
      </p>
      {status.problems.map((problem) => (
        <p key={problem}>{problem}</p>
      ))}
    </div>
  );
}
