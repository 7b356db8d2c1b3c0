// Top-bar badge: how many health checks warn or are critical (administrators open the System page from it).
import { useEffect, useState } from "preact/hooks";
import { getHealthSummary, type HealthSummary } from "@/features/system/api";
import { errorMessage } from "@/lib/api";
import { isAdmin, useSession } from "@/lib/session";

const POLL_MS = 30_000;

type Health =
  | { kind: "checking" }
  | { kind: "known"; summary: HealthSummary }
  | { kind: "unreachable"; message: string };

export function HealthBadge() {
  const health = useSummary();
  const { user } = useSession();
  const { tone, label, title } = describe(health);
  const badge = (
    <span class={`badge badge--${tone}`} role="status" title={title}>
      {label}
    </span>
  );
  return isAdmin(user) ? (
    <a href="/admin/system" class="health-link" aria-label={`Health: ${label}. Open the System page`}>
      {badge}
    </a>
  ) : (
    badge
  );
}

function useSummary(): Health {
  const [health, setHealth] = useState<Health>({ kind: "checking" });
  useEffect(() => {
    let live = true;
    const poll = () => {
      if (document.hidden) return;
      getHealthSummary().then(
        (summary) => live && setHealth({ kind: "known", summary }),
        (error: unknown) => live && setHealth({ kind: "unreachable", message: errorMessage(error) }),
      );
    };
    poll();
    const timer = setInterval(poll, POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, []);
  return health;
}

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
