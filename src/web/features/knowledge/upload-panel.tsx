// Adding files to the knowledgebase: drop several on the panel, or choose them with the file field (keyboard), then
// Upload. Files go up one or two at a time (upload-queue.ts), each with its own progress bar and outcome (done, or
// the server's reason), and the document list refreshes as each one finishes.
import { useEffect, useRef, useState } from "preact/hooks";
import { FormField, SelectField } from "@/components/form-field";
import { uploadDocument } from "@/features/knowledge/api";
import { useScopes } from "@/features/knowledge/document-dialogs";
import { createUploadQueue, type UploadItem, type UploadQueue } from "@/features/knowledge/upload-queue";

const ACCEPT = ".md,.markdown,.txt,.pdf,text/markdown,text/plain,application/pdf";

export function UploadPanel({ onUploaded }: { onUploaded: () => void }) {
  const [chosen, setChosen] = useState<File[]>([]);
  const [title, setTitle] = useState("");
  const [scope, setScope] = useState("");
  const [items, setItems] = useState<UploadItem[]>([]);
  const [dragging, setDragging] = useState(false);
  const [inputKey, setInputKey] = useState(0);
  const [said, setSaid] = useState("");
  const scopes = useScopes();
  // The queue outlives renders; what it sends with reads the latest fields through this ref.
  const fields = useRef({ title: "", projectId: null as number | null, onUploaded });
  fields.current.onUploaded = onUploaded;
  const queue = useRef<UploadQueue | null>(null);
  queue.current ??= createUploadQueue(
    async (file, onProgress) => {
      const { title: chosenTitle, projectId } = fields.current;
      const doc = await uploadDocument(file, { title: chosenTitle, projectId }, onProgress);
      return `${doc.title} uploaded; it is being indexed.`;
    },
    setItems,
    (item) => {
      // For screen readers (the list says it with more words; a status region must not repeat its text).
      setSaid(item.state === "done" ? `${item.name}: done.` : `${item.name}: failed.`);
      if (item.state === "done") fields.current.onUploaded();
    },
  );
  const inFlight = items.some((item) => item.state === "waiting" || item.state === "uploading");

  function send(files: readonly File[]) {
    if (!files.length) return;
    // A title belongs to one file; several take theirs from their contents or names.
    fields.current.title = files.length === 1 ? title.trim() : "";
    fields.current.projectId = scope ? Number(scope) : null;
    queue.current?.add(files);
    setChosen([]);
    setTitle("");
    setInputKey((n) => n + 1);
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    send([...(event.dataTransfer?.files ?? [])]);
  }

  return (
    <form
      class={dragging ? "card kb-upload kb-upload--dragging" : "card kb-upload"}
      aria-label="Upload documents"
      onSubmit={(event) => {
        event.preventDefault();
        send(chosen);
      }}
      onDragOver={(event) => {
        event.preventDefault(); // this is a drop target
        setDragging(true);
      }}
      onDragLeave={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={onDrop}
    >
      <h2 class="kb-upload__title">Add files</h2>
      <p class="kb-upload__hint muted">Drop Markdown, text or PDF files here to upload them, or choose them below.</p>
      <div class="kb-upload__row">
        <div class="field">
          <label for="kb-file">Markdown, text or PDF files</label>
          <input
            key={inputKey}
            id="kb-file"
            type="file"
            multiple
            accept={ACCEPT}
            onChange={(event) => setChosen([...(event.currentTarget.files ?? [])])}
          />
        </div>
        <FormField
          id="kb-title"
          label="Title"
          value={title}
          onInput={setTitle}
          maxLength={200}
          disabled={chosen.length > 1}
          hint={chosen.length > 1 ? "Each file takes its own title." : undefined}
        />
        <SelectField id="kb-scope" label="Who can see it" value={scope} options={scopes} onChange={setScope} />
        <button type="submit" class="button button--primary" disabled={chosen.length === 0}>
          {chosen.length > 1 ? `Upload ${chosen.length} files` : "Upload"}
        </button>
      </div>
      {items.length > 0 && <UploadList items={items} busy={inFlight} />}
      <p class="visually-hidden" role="status">
        {said}
      </p>
    </form>
  );
}

function UploadList({ items, busy }: { items: UploadItem[]; busy: boolean }) {
  const done = items.filter((item) => item.state === "done").length;
  const failed = items.filter((item) => item.state === "failed").length;
  return (
    <div class="kb-uploads">
      <p class="kb-uploads__summary">
        {busy ? `Uploading: ${done + failed} of ${items.length} finished` : `${done} uploaded`}
        {failed > 0 && `, ${failed} failed`}
      </p>
      <ul aria-label="Uploads">
        {items.map((item) => (
          <UploadRow key={item.key} item={item} />
        ))}
      </ul>
    </div>
  );
}

function UploadRow({ item }: { item: UploadItem }) {
  return (
    <li class={`kb-uploads__item kb-uploads__item--${item.state}`}>
      <span class="kb-uploads__name">{item.name}</span>
      {item.state === "waiting" && <span class="badge badge--muted">Waiting</span>}
      {item.state === "uploading" && (
        <progress
          class="job__bar"
          aria-label={`Uploading ${item.name}`}
          max={item.size || 1}
          value={Math.min(item.sent, item.size)}
        />
      )}
      {item.state === "done" && (
        <>
          <span class="badge badge--ok">Done</span>
          <span class="kb-uploads__message">{item.message}</span>
        </>
      )}
      {item.state === "failed" && (
        <>
          <span class="badge badge--fail">Failed</span>
          <span class="kb-uploads__message field__error">{item.message}</span>
        </>
      )}
    </li>
  );
}

/** Keep a dropped file from opening in the tab when it misses the panel (the page would be replaced). */
export function useNoStrayDrops() {
  useEffect(() => {
    const stop = (event: DragEvent) => {
      if (event.dataTransfer?.types.includes("Files")) event.preventDefault();
    };
    window.addEventListener("dragover", stop);
    window.addEventListener("drop", stop);
    return () => {
      window.removeEventListener("dragover", stop);
      window.removeEventListener("drop", stop);
    };
  }, []);
}
