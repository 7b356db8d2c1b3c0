// Calls of the training slice (roadmap transform, the sample, plans, units, seeding) and the small pure helpers
// the pages share: grouping by week, due dates, checking edited units before they are stored.

import { request, withQuery } from "@/lib/api";
import type * as Api from "@/lib/api-types";
import { addDays } from "@/lib/dates";
import type { Priority, TaskStatus } from "@/lib/tasks";
import type { Page, UserRef } from "@/lib/types";

export type RoadmapFormat = "auto" | "markdown" | "json" | "text";

export type Unit = { title: string; description: string; week: number; priority: Priority };
export type TransformResult = { units: Unit[]; warnings: string[]; source: "json" | "llm" };
export type Sample = Api.SampleOut;

export type PlanUnit = Unit & {
  id: number;
  task_id: number | null;
  task_status: TaskStatus | null;
  task_due_date: string | null;
};
export type WeekProgress = Api.WeekProgress;
type ProjectRef = { id: number; name: string };

/** What a plan and its list entry share. */
type PlanHead = {
  id: number;
  project_id: number;
  project: ProjectRef;
  title: string;
  created_by: UserRef;
  created_at: string;
  updated_at: string;
};

export type Plan = PlanHead & {
  can_edit: boolean;
  units: PlanUnit[];
  progress: WeekProgress[];
};

export type PlanSummary = PlanHead & {
  units: number;
  weeks: number;
  seeded: number;
  done: number;
};

export type SeedResult = {
  created: { unit_id: number; task_id: number; title: string; due_date: string }[];
  skipped: { unit_id: number; task_id: number | null; reason: string }[];
};

export const MAX_WEEK = 104;
export const MAX_UNITS = 500;
export const FORMAT_OPTIONS: { value: RoadmapFormat; label: string }[] = [
  { value: "auto", label: "Detect (JSON is read directly)" },
  { value: "markdown", label: "Markdown" },
  { value: "text", label: "Plain text" },
  { value: "json", label: "JSON" },
];

const PLANS = "/api/training/plans";
const planPath = (id: number) => `${PLANS}/${id}`;

export function transformRoadmap(input: {
  text: string;
  format: RoadmapFormat;
  project_id: number;
  notes: string;
}): Promise<TransformResult> {
  return request<TransformResult>("POST", "/api/training/transform", { body: input });
}

export function getSample(): Promise<Sample> {
  return request<Sample>("GET", "/api/training/sample");
}

export function listPlans(query: {
  project?: number | null;
  limit: number;
  offset: number;
}): Promise<Page<PlanSummary>> {
  return request<Page<PlanSummary>>("GET", withQuery(PLANS, query));
}

export function getPlan(id: number): Promise<Plan> {
  return request<Plan>("GET", planPath(id));
}

export function createPlan(input: { project_id: number; title: string; units: Unit[] }): Promise<Plan> {
  return request<Plan>("POST", PLANS, { body: input });
}

export function renamePlan(id: number, title: string): Promise<Plan> {
  return request<Plan>("PATCH", planPath(id), { body: { title } });
}

export function deletePlan(id: number): Promise<void> {
  return request<void>("DELETE", planPath(id));
}

export function addUnit(planId: number, unit: Unit): Promise<PlanUnit> {
  return request<PlanUnit>("POST", `${planPath(planId)}/units`, { body: unit });
}

export function updateUnit(planId: number, unitId: number, unit: Partial<Unit>): Promise<PlanUnit> {
  return request<PlanUnit>("PATCH", `${planPath(planId)}/units/${unitId}`, { body: unit });
}

export function deleteUnit(planId: number, unitId: number): Promise<void> {
  return request<void>("DELETE", `${planPath(planId)}/units/${unitId}`);
}

export function seedTasks(
  planId: number,
  input: { unit_ids: number[]; start_date: string; assignee_id: number | null },
): Promise<SeedResult> {
  return request<SeedResult>("POST", `${planPath(planId)}/seed`, { body: input });
}

// --- Helpers ----------------------------------------------------------------------------------------------

/** Units by week, weeks in order, each week's units in the order given. */
export function groupByWeek<T extends { week: number }>(units: readonly T[]): { week: number; units: T[] }[] {
  const weeks = new Map<number, T[]>();
  for (const unit of units) weeks.set(unit.week, [...(weeks.get(unit.week) ?? []), unit]);
  return [...weeks.entries()].sort(([a], [b]) => a - b).map(([week, items]) => ({ week, units: items }));
}

/** The day a unit of `week` is due when week 1 starts on `start`: the last day of its week (as the server). */
export function dueDate(start: string, week: number): string {
  return addDays(start, 7 * week - 1);
}

/** Whole percent of `part` in `whole` (0 when there is nothing). */
export function percent(part: number, whole: number): number {
  return whole > 0 ? Math.round((100 * part) / whole) : 0;
}

export type UnitProblems = Partial<Record<keyof Unit, string>>;

/** What is wrong with an edited unit, field by field (the server checks the same limits). */
export function unitProblems(unit: Unit): UnitProblems {
  const problems: UnitProblems = {};
  if (!unit.title.trim()) problems.title = "A title is needed.";
  else if (unit.title.trim().length > 200) problems.title = "At most 200 characters.";
  if (!Number.isInteger(unit.week) || unit.week < 1 || unit.week > MAX_WEEK) {
    problems.week = `A whole week number from 1 to ${MAX_WEEK}.`;
  }
  if (unit.description.length > 4000) problems.description = "At most 4,000 characters.";
  return problems;
}

/** The format a roadmap file's name suggests. */
export function formatOfFile(name: string): RoadmapFormat {
  const lower = name.toLowerCase();
  if (lower.endsWith(".json")) return "json";
  if (lower.endsWith(".md") || lower.endsWith(".markdown")) return "markdown";
  if (lower.endsWith(".txt")) return "text";
  return "auto";
}

/** A plan title from the roadmap's first heading, else from the file name, else a plain default. */
export function suggestTitle(text: string, fallback = ""): string {
  const heading = /^#\s+(.+)$/m.exec(text);
  const title = (heading?.[1] ?? fallback).trim() || "Training plan";
  return title.length > 120 ? `${title.slice(0, 119)}…` : title;
}

/** True for errors that come from the LLM (or its absence): the page then points admins at the settings. */
export function isLlmProblem(code: string): boolean {
  return code.startsWith("llm_");
}
