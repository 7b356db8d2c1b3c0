// What the top bar's health badge says (app/topbar-status.tsx shows it): how many checks warn or are critical.
import type { HealthSummary } from "@/features/system/api";

export type Health =
  | { kind: "checking" }
  | { kind: "known"; summary: HealthSummary }
  | { kind: "unreachable"; message: string };

export function describe(health: Health): { tone: "ok" | "warn" | "fail" | "muted"; label: string; title: string } {
  if (health.kind === "checking") return { tone: "muted", label: "Checking…", title: "Checking health" };
  if (health.kind === "unreachable") return { tone: "fail", label: "Unreachable", title: health.message };
  const { warning, critical } = health.summary;
  const open = warning + critical;
  if (open === 0) return { tone: "ok", label: "Healthy", title: "All checks pass" };
  const label = open === 1 ? "1 problem" : `${open} problems`;
  const title = `${critical} critical, ${warning} warning`;
  return { tone: critical > 0 ? "fail" : "warn", label, title };
}
