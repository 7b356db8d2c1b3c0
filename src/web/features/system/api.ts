// Calls to the system and backups slices: readiness, health, scheduled jobs and backups.
import { request, withQuery } from "@/lib/api";
import type * as Api from "@/lib/api-types";
import type { Job } from "@/lib/jobs";
import { csrfToken, sendWithProgress } from "@/lib/upload";

/** `message` comes to administrators only (it can name paths). */
export type HealthCheck = Api.CheckOut;
export type Readiness = { status: "ok" | "fail"; checks: HealthCheck[] };

/** Readiness answers 503 with the same body when a check fails. */
export function getReadiness(): Promise<Readiness> {
  return request<Readiness>("GET", "/api/health/ready", { acceptStatus: [503] });
}

export type Severity = "ok" | "warning" | "critical" | "skipped";
/** `action` is a button this page knows; `command` an exact shell command to run on the appliance. */
export type Fix = Api.FixOut;
export type Finding = { name: string; title: string; severity: Severity; message: string; fix: Fix | null };
export type HealthReport = { status: "ok" | "warning" | "critical"; checked_at: string; items: Finding[] };
export type HealthSummary = Api.HealthSummaryOut;

export function getHealth(fresh = false): Promise<HealthReport> {
  return request<HealthReport>("GET", fresh ? "/api/system/health?fresh=true" : "/api/system/health");
}

export function getHealthSummary(): Promise<HealthSummary> {
  return request<HealthSummary>("GET", "/api/system/health/summary");
}

export type ScheduleRun = {
  id: string;
  status: Job["status"];
  started_at: string | null;
  finished_at: string | null;
  seconds: number | null;
  message: string;
  error: string | null;
};
export type ScheduleEntry = {
  name: string;
  title: string;
  schedule: string;
  next_run_at: string | null;
  last_run: ScheduleRun | null;
  running: boolean;
  runs_here: boolean;
};

export async function getSchedule(): Promise<ScheduleEntry[]> {
  return (await request<{ items: ScheduleEntry[] }>("GET", "/api/system/schedule")).items;
}

export function runScheduled(name: string): Promise<Job> {
  return request<Job>("POST", `/api/system/schedule/${encodeURIComponent(name)}/run`);
}

export type Verify = Api.VerifyOut;
/** Who made a backup: retention only ever deletes the schedule's own ones. */
export type BackupOrigin = "scheduled" | "manual" | "upload" | "safety";
export type Backup = {
  name: string;
  kind: "backup" | "safety" | "upload";
  origin: BackupOrigin;
  pinned: boolean;
  created_at: string;
  size: number;
  app_version: string | null;
  schema_version: number | null;
  tables: Record<string, number> | null;
  files: number | null;
  verify: Verify | null;
};
export type BackupList = {
  items: Backup[];
  directory: string;
  free_bytes: number;
  total_bytes: number;
  /** On the data's own disk (a Pi's SD card): a failing card takes these backups with it. */
  same_disk_as_data: boolean;
};

export function listBackups(): Promise<BackupList> {
  return request<BackupList>("GET", "/api/backups");
}

export function createBackup(): Promise<Job> {
  return request<Job>("POST", "/api/backups");
}

export function verifyBackup(name: string): Promise<Job> {
  return request<Job>("POST", `/api/backups/${encodeURIComponent(name)}/verify`);
}

/** The server wants the archive's name typed back as confirmation. */
export function restoreBackup(name: string, confirm: string): Promise<Job> {
  return request<Job>("POST", `/api/backups/${encodeURIComponent(name)}/restore`, { body: { confirm } });
}

/** A pinned backup is never deleted by retention, and must be unpinned before it can be deleted by hand. */
export function setPinned(name: string, pinned: boolean): Promise<Backup> {
  return request<Backup>(pinned ? "PUT" : "DELETE", `/api/backups/${encodeURIComponent(name)}/pin`);
}

const ORIGINS: Record<BackupOrigin, string> = {
  scheduled: "Scheduled",
  manual: "Made by hand",
  upload: "Uploaded",
  safety: "Safety copy",
};

/** How the backups table names an origin. */
export function originLabel(origin: BackupOrigin): string {
  return ORIGINS[origin];
}

export function deleteBackup(name: string): Promise<void> {
  return request<void>("DELETE", `/api/backups/${encodeURIComponent(name)}`);
}

/** Copies of a damaged database that a restore kept (damaged/<name>/ in the data directory), newest first. */
export type DamagedFile = Api.DamagedFile;
export type DamagedFolder = Api.DamagedFolder;
export type DamagedList = Api.DamagedList;

export function listDamaged(): Promise<DamagedList> {
  return request<DamagedList>("GET", "/api/backups/damaged");
}

export function deleteDamaged(name: string): Promise<void> {
  return request<void>("DELETE", `/api/backups/damaged/${encodeURIComponent(name)}`);
}

export function downloadPath(name: string): string {
  return `/api/backups/${encodeURIComponent(name)}`;
}

/** Sends a file as the raw request body (no multipart: the server streams it to disk), reporting progress. */
export function sendFile(
  path: string,
  file: Blob,
  headers: Record<string, string>,
  onProgress: (sent: number, total: number) => void,
): Promise<unknown> {
  return sendWithProgress(path, file, { "Content-Type": "application/gzip", ...headers }, onProgress);
}

export async function uploadBackup(file: Blob, onProgress: (sent: number, total: number) => void): Promise<Backup> {
  const headers = { "X-CSRF-Token": await csrfToken() };
  return (await sendFile("/api/backups/upload", file, headers, onProgress)) as Backup;
}

export type Restored = { archive: string; created_at: string | null; app_version: string | null };

/** First-run setup: restore a backup onto this fresh install with the setup code. */
export async function restoreAtSetup(
  code: string,
  file: Blob,
  onProgress: (sent: number, total: number) => void,
): Promise<Restored> {
  return (await sendFile("/api/setup/restore", file, { "X-Setup-Code": code }, onProgress)) as Restored;
}

/** "1.2 GB", "340 MB", "12 kB" */
export function formatSize(bytes: number): string {
  const units: [string, number][] = [
    ["GB", 1024 ** 3],
    ["MB", 1024 ** 2],
    ["kB", 1024],
  ];
  for (const [unit, factor] of units) if (bytes >= factor) return `${(bytes / factor).toFixed(1)} ${unit}`;
  return `${bytes} B`;
}

export type LogEntry = Api.LogEntry;
export type LogPage = Api.LogPage;
export type LogFilter = { file: "devcell" | "rag"; level: string; q: string };

export function getLogs(filter: LogFilter, after?: number): Promise<LogPage> {
  return request<LogPage>("GET", withQuery("/api/system/logs", { ...filter, after, limit: 300 }));
}

export const SUPPORT_BUNDLE_PATH = "/api/system/support-bundle";

export type MetricPoint = Api.MetricPoint;
export type MetricSeries = Api.MetricSeries;

export function getMetricHistory(days: number): Promise<MetricSeries> {
  return request<MetricSeries>("GET", withQuery("/api/system/metrics/history", { days }));
}

/** Empties the knowledge index and indexes every document again (a tracked job). */
export function rebuildIndex(): Promise<Job> {
  return request<Job>("POST", "/api/system/index/rebuild");
}
