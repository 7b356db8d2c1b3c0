// Top-bar badge that polls readiness and says whether the appliance is healthy.
import { useEffect, useState } from "preact/hooks";
import { getReadiness, type Readiness } from "@/features/system/api";
import { errorMessage } from "@/lib/api";

const POLL_MS = 30_000;

type Health = { kind: "checking" } | { kind: "ready"; readiness: Readiness } | { kind: "unreachable"; message: string };

export function HealthBadge() {
  const health = useReadiness();
  const { tone, label, title } = describe(health);
  return (
    <span class={`badge badge--${tone}`} role="status" title={title}>
      {label}
    </span>
  );
}

function useReadiness(): Health {
  const [health, setHealth] = useState<Health>({ kind: "checking" });
  useEffect(() => {
    let live = true;
    const poll = () => {
      if (document.hidden) return;
      getReadiness().then(
        (readiness) => live && setHealth({ kind: "ready", readiness }),
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

function describe(health: Health): { tone: "ok" | "warn" | "fail" | "muted"; label: string; title: string } {
  if (health.kind === "checking") return { tone: "muted", label: "Checking…", title: "Checking health" };
  if (health.kind === "unreachable") return { tone: "fail", label: "Unreachable", title: health.message };
  const failed = health.readiness.checks.filter((check) => !check.ok);
  if (health.readiness.status === "ok") return { tone: "ok", label: "Healthy", title: "All checks pass" };
  const title = failed.map((check) => `${check.name}: ${check.message}`).join("\n") || "Not ready";
  const label = failed.length === 0 ? "Not ready" : failed.length === 1 ? "1 problem" : `${failed.length} problems`;
  return { tone: "warn", label, title };
}
