// Calls of the assistant slice (see /work/assistant-api.md): summaries, SITREPs, code review and workflows.

import { request, withQuery } from "@/lib/api";
import type * as Api from "@/lib/api-types";
import type { Citation } from "@/lib/passages";
import type { Page, UserRef } from "@/lib/types";

/** What an LLM-made text was built from; `url` is the SPA path that opens it. */
export type SourceRef = Api.SourceRef;

/** A stored failure (SITREP, workflow): the same codes as the HTTP errors of core.llm. */
export type Failure = Api.ErrorOut;

// --- summaries -------------------------------------------------------------------------------------------

export type Summary = Api.SummaryOut;

export type StandupSummaryInput = { date?: string; project_id?: number | null; refresh?: boolean };
export type ProjectSummaryInput = Api.ProjectSummaryIn;

export function standupSummary(input: StandupSummaryInput): Promise<Summary> {
  return request<Summary>("POST", "/api/assistant/standup-summary", { body: input });
}

export function projectSummary(input: ProjectSummaryInput): Promise<Summary> {
  return request<Summary>("POST", "/api/assistant/project-summary", { body: input });
}

// --- SITREPs ---------------------------------------------------------------------------------------------

export type SitrepStatus = "generating" | "ready" | "failed";

export type Sitrep = {
  id: number;
  title: string;
  status: SitrepStatus;
  error: Failure | null;
  markdown: string;
  sources: SourceRef[];
  instructions: string;
  project_id: number | null;
  days: number;
  use_knowledge: boolean;
  omitted: string | null;
  model: string;
  job_id: string | null;
  created_by: UserRef;
  created_at: string;
  finished_at: string | null;
  /** The model stopped at its length limit: the end is missing. */
  truncated?: boolean;
  /** What the reader must know: incomplete, or checks the report failed (unchecked). */
  warnings?: string[];
};

export type SitrepInput = {
  title?: string;
  instructions?: string;
  project_id?: number | null;
  days: number;
  use_knowledge: boolean;
};

export const SITREP_DAYS = { min: 1, max: 31 } as const;

const sitrepPath = (id: number) => `/api/sitreps/${id}`;

export function createSitrep(input: SitrepInput): Promise<Sitrep> {
  return request<Sitrep>("POST", "/api/sitreps", { body: input });
}

export function listSitreps(limit: number, offset: number): Promise<Page<Sitrep>> {
  return request<Page<Sitrep>>("GET", withQuery("/api/sitreps", { limit, offset }));
}

export function getSitrep(id: number): Promise<Sitrep> {
  return request<Sitrep>("GET", sitrepPath(id));
}

export function deleteSitrep(id: number): Promise<void> {
  return request<void>("DELETE", sitrepPath(id));
}

/** A plain link: the server answers with Content-Disposition: attachment. */
export function sitrepExportPath(id: number): string {
  return `${sitrepPath(id)}/export`;
}

// --- code review -----------------------------------------------------------------------------------------

export const SEVERITIES = ["critical", "high", "medium", "low", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];
export const FOCUSES = ["general", "security", "performance", "readability"] as const;
export type Focus = (typeof FOCUSES)[number];

export type ReviewIssue = {
  severity: Severity;
  title: string;
  line: number | null;
  end_line: number | null;
  detail: string;
  suggestion: string | null;
};

export type Review = {
  summary: string;
  issues: ReviewIssue[];
  suggestions: string[];
  markdown: string;
  language: string;
  focus: Focus;
  /** The code was recognised as a unified diff: line numbers are the new file's. */
  diff: boolean;
  sources: Citation[];
  omitted: string | null;
  model: string;
};

export type ReviewInput = {
  code: string;
  language: string;
  focus: Focus;
  description: string;
  use_knowledge: boolean;
};

export function reviewCode(input: ReviewInput): Promise<Review> {
  return request<Review>("POST", "/api/review", { body: input });
}

// --- workflows -------------------------------------------------------------------------------------------

export type Pipeline = {
  id: string;
  name: string;
  description: string;
  roles: { id: string; name: string }[];
  artifacts: string[];
};

export type WorkflowStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";
export type StepStatus = "pending" | "running" | "done" | "failed" | "skipped";

export type WorkflowStep = {
  index: number;
  role: string;
  name: string;
  status: StepStatus;
  output: string;
  /** What was left out of this role's prompt to fit the model's context. */
  omitted: string | null;
  started_at: string | null;
  finished_at: string | null;
  /** The model stopped at its length limit: the output is cut off. */
  truncated?: boolean;
};

export type Workflow = {
  id: number;
  pipeline: string;
  title: string;
  input: string;
  project_id: number | null;
  status: WorkflowStatus;
  error: Failure | null;
  job_id: string | null;
  steps: WorkflowStep[];
  artifacts: Record<string, string>;
  task_titles: string[];
  created_by: UserRef;
  created_at: string;
  finished_at: string | null;
};

/** A row of the runs list: the run without its transcript (the fields the list needs). */
export type WorkflowSummary = Pick<
  Workflow,
  | "id"
  | "pipeline"
  | "title"
  | "status"
  | "error"
  | "job_id"
  | "project_id"
  | "created_by"
  | "created_at"
  | "finished_at"
>;

export type WorkflowInput = { pipeline: string; input: string; title?: string; project_id?: number | null };
export type CreatedTasks = { created: { id: number; title: string }[]; skipped: string[] };

export const WORKFLOW_INPUT_MAX = 20_000;

const workflowPath = (id: number) => `/api/workflows/${id}`;

export function listPipelines(): Promise<{ items: Pipeline[] }> {
  return request<{ items: Pipeline[] }>("GET", "/api/workflows/pipelines");
}

export function startWorkflow(input: WorkflowInput): Promise<Workflow> {
  return request<Workflow>("POST", "/api/workflows", { body: input });
}

export function listWorkflows(limit: number, offset: number): Promise<Page<WorkflowSummary>> {
  return request<Page<WorkflowSummary>>("GET", withQuery("/api/workflows", { limit, offset }));
}

export function getWorkflow(id: number): Promise<Workflow> {
  return request<Workflow>("GET", workflowPath(id));
}

export function cancelWorkflow(id: number): Promise<unknown> {
  return request<unknown>("POST", `${workflowPath(id)}/cancel`);
}

export function deleteWorkflow(id: number): Promise<void> {
  return request<void>("DELETE", workflowPath(id));
}

export function createWorkflowTasks(id: number, titles: string[], projectId: number | null): Promise<CreatedTasks> {
  return request<CreatedTasks>("POST", `${workflowPath(id)}/tasks`, { body: { titles, project_id: projectId } });
}

export function workflowEventsPath(id: number): string {
  return `${workflowPath(id)}/events`;
}

const FINISHED: ReadonlySet<WorkflowStatus> = new Set(["succeeded", "failed", "cancelled"]);

export function workflowFinished(status: WorkflowStatus): boolean {
  return FINISHED.has(status);
}
