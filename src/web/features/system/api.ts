// Calls to the system slice (health; backups, jobs and logs come later).
import { request } from "@/lib/api";

export type HealthCheck = { name: string; ok: boolean; message: string };
export type Readiness = { status: "ok" | "fail"; checks: HealthCheck[] };

/** Readiness answers 503 with the same body when a check fails. */
export function getReadiness(): Promise<Readiness> {
  return request<Readiness>("GET", "/api/health/ready", { acceptStatus: [503] });
}
