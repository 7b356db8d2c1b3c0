// Calls of the knowledge slice: documents and notes, upload with progress, status, search, and streamed answers.

import { ApiError, request, withQuery } from "@/lib/api";
import type { PassageOut } from "@/lib/api-types";
import { linkMarkers } from "@/lib/citations";
import type { Citation, DocKind } from "@/lib/passages";
import { errorFromText, readEvents, streamError } from "@/lib/sse";
import type { Page, UserRef } from "@/lib/types";
import { csrfToken, sendWithProgress } from "@/lib/upload";

export { type Citation, DEGRADED_NOTE, type DocKind, type Passage } from "@/lib/passages";

export type DocStatus = "queued" | "indexing" | "indexed" | "failed";

export type KnowledgeDocument = {
  id: number;
  title: string;
  kind: DocKind;
  origin: "upload" | "note" | "scan";
  size: number;
  status: DocStatus;
  reason: string;
  job_id: string | null;
  pages: number | null;
  chunk_count: number;
  owner: UserRef | null;
  project: { id: number; name: string } | null;
  can_delete: boolean;
  can_edit: boolean;
  created_at: string;
  updated_at: string;
};

export type DocumentDetail = KnowledgeDocument & { text: string | null };

export type DocumentQuery = { q?: string; status?: string; project?: string; limit: number; offset: number };

export type KnowledgeStatus = {
  documents: Record<DocStatus, number>;
  chunks: number;
  vectors: number | null;
  model: string;
  model_ready: boolean;
  consistent: boolean | null;
  problems: string[];
};

export type Answer = {
  question: string;
  mode: "llm" | "extracts";
  answer: string | null;
  note: string;
  citations: Citation[];
  /** The semantic index is damaged or being rebuilt (a job started by itself): the passages come from keywords. */
  degraded?: boolean;
  /** The model stopped at its length limit: the answer is cut off. */
  truncated?: boolean;
  /** What the reader should know: cut off, cites none of its sources or sources that do not exist. */
  warnings?: string[];
};

/** The end of a streamed answer: the text, the sources it cites (only those), and what to know about it. */
export type AskDone = { answer: string | null; citations: Citation[] | null; truncated: boolean; warnings: string[] };

export const STATUS_LABELS: Record<DocStatus, string> = {
  queued: "Queued",
  indexing: "Indexing",
  indexed: "Indexed",
  failed: "Failed",
};

export const STATUS_BADGE: Record<DocStatus, string> = {
  queued: "badge badge--muted",
  indexing: "badge badge--accent",
  indexed: "badge badge--ok",
  failed: "badge badge--fail",
};

export const KIND_LABELS: Record<DocKind, string> = { md: "Markdown", txt: "Text", pdf: "PDF" };

const docPath = (id: number) => `/api/documents/${id}`;
export const contentPath = (id: number) => `${docPath(id)}/content`;

export function listDocuments(query: DocumentQuery): Promise<Page<KnowledgeDocument>> {
  return request<Page<KnowledgeDocument>>("GET", withQuery("/api/documents", query));
}

export function getDocument(id: number): Promise<DocumentDetail> {
  return request<DocumentDetail>("GET", docPath(id));
}

/** One passage (a citation's chunk_id) of a document I can see. */
export function getPassage(chunkId: number): Promise<PassageOut> {
  return request<PassageOut>("GET", `/api/knowledge/passages/${chunkId}`);
}

export function deleteDocument(id: number): Promise<void> {
  return request<void>("DELETE", docPath(id));
}

export function reindexDocument(id: number): Promise<KnowledgeDocument> {
  return request<KnowledgeDocument>("POST", `${docPath(id)}/reindex`);
}

export function createNote(body: {
  /** Left out: the text's first heading (or its first line). */
  title?: string;
  text: string;
  project_id: number | null;
}): Promise<KnowledgeDocument> {
  return request<KnowledgeDocument>("POST", "/api/documents/notes", { body });
}

/** Rename a document or move it to another project (null: everyone); its vectors follow in the same step. */
export function updateDocument(
  id: number,
  body: { title?: string; project_id?: number | null },
): Promise<KnowledgeDocument> {
  return request<KnowledgeDocument>("PATCH", docPath(id), { body });
}

export function updateNote(id: number, body: { title?: string; text?: string }): Promise<KnowledgeDocument> {
  return request<KnowledgeDocument>("PATCH", `/api/documents/notes/${id}`, { body });
}

export function getStatus(): Promise<KnowledgeStatus> {
  return request<KnowledgeStatus>("GET", "/api/knowledge/status");
}

/** Upload a file as multipart (field `file`), reporting bytes sent. */
export async function uploadDocument(
  file: File,
  fields: { title: string; projectId: number | null },
  onProgress: (sent: number, total: number) => void,
): Promise<KnowledgeDocument> {
  const token = await csrfToken();
  const form = new FormData();
  form.append("file", file, file.name);
  if (fields.title) form.append("title", fields.title);
  if (fields.projectId !== null) form.append("project_id", String(fields.projectId));
  return (await sendWithProgress("/api/documents", form, { "X-CSRF-Token": token }, onProgress)) as KnowledgeDocument;
}

export type AskEvents = {
  onCitations: (answer: Answer) => void;
  onToken: (text: string) => void;
  onDone: (done: AskDone) => void;
};

/** Ask with a streamed answer; resolves when the stream ends, rejects with ApiError on errors. */
export async function askStreaming(
  body: { question: string; use_llm: boolean },
  events: AskEvents,
  signal: AbortSignal,
): Promise<void> {
  const token = await csrfToken();
  let response: Response;
  try {
    response = await fetch("/api/ask", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/event-stream", "X-CSRF-Token": token },
      body: JSON.stringify({ ...body, stream: true }),
      credentials: "same-origin",
      signal,
    });
  } catch (error) {
    if (signal.aborted) return;
    throw new ApiError(0, "network_error", `Cannot reach the DevCell server (${String(error)}).`);
  }
  if (!response.ok || !response.body) throw errorFromText(response.status, await response.text());
  await readEvents(response.body, (event, data) => handle(event, data, events));
}

export function askDone(record: Record<string, unknown>): AskDone {
  return {
    answer: typeof record.answer === "string" ? record.answer : null,
    citations: Array.isArray(record.citations) ? (record.citations as Citation[]) : null,
    truncated: record.truncated === true,
    warnings: Array.isArray(record.warnings) ? record.warnings.map(String) : [],
  };
}

function handle(event: string, data: unknown, events: AskEvents): void {
  const record = data as Record<string, unknown>;
  if (event === "citations") events.onCitations(data as Answer);
  else if (event === "token") events.onToken(String(record.text ?? ""));
  else if (event === "done") events.onDone(askDone(record));
  else if (event === "error") throw streamError(record);
}

/** An answer's `[n]` markers as links to source n (only numbers that are sources); the Ask page opens the cited
 *  passage when one is followed. */
export function linkCitations(text: string, count: number): string {
  return linkMarkers(text, new Map(Array.from({ length: count }, (_, at) => [at + 1, `#source-${at + 1}`])));
}
