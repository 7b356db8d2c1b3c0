// System page: every health check with its severity, message and fix (a button, a command, or a settings link).
import { useState } from "preact/hooks";
import { JobProgress } from "@/components/job-progress";
import { LoadState } from "@/components/load-state";
import { useToast } from "@/components/toast";
import {
  type Finding,
  type Fix,
  getHealth,
  rebuildIndex,
  runScheduled,
  type Severity,
  verifyBackup,
} from "@/features/system/api";
import { errorMessage } from "@/lib/api";
import { useLoad } from "@/lib/use-load";

const TONE: Record<Severity, string> = { ok: "ok", warning: "warn", critical: "fail", skipped: "muted" };
const LABEL: Record<Severity, string> = { ok: "OK", warning: "Warning", critical: "Critical", skipped: "Skipped" };
const ORDER: Record<Severity, number> = { critical: 0, warning: 1, ok: 2, skipped: 3 };

type Props = { version: number; onChanged: () => void };

export function HealthPanel({ version, onChanged }: Props) {
  const [fresh, setFresh] = useState(0);
  const loaded = useLoad(() => getHealth(fresh + version > 0), [fresh, version]);
  const [job, setJob] = useState<{ id: string; label: string } | null>(null);
  const toast = useToast();

  async function act(fix: Fix) {
    try {
      if (fix.action === "run_backup") setJob({ id: (await runScheduled("backup")).id, label: "Backup and verify" });
      if (fix.action === "run_maintenance")
        setJob({ id: (await runScheduled("maintenance")).id, label: "Database maintenance" });
      if (fix.action === "verify_backup" && fix.target)
        setJob({ id: (await verifyBackup(fix.target)).id, label: `Verifying ${fix.target}` });
      if (fix.action === "rebuild_index")
        setJob({ id: (await rebuildIndex()).id, label: "Rebuilding the knowledge index" });
    } catch (error) {
      toast(errorMessage(error), "error");
    }
  }

  const items = [...(loaded.data?.items ?? [])].sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
  return (
    <section class="card" aria-labelledby="health-heading">
      <div class="page__header">
        <h2 id="health-heading">Health</h2>
        <button type="button" class="button button--small" onClick={() => setFresh((n) => n + 1)}>
          Check again
        </button>
      </div>
      <LoadState loaded={loaded} what="the health checks" />
      {job && <JobProgress jobId={job.id} label={job.label} onFinished={onChanged} />}
      <ul class="item-list" data-testid="health-list">
        {items.map((finding) => (
          <HealthItem key={finding.name} finding={finding} onAct={act} />
        ))}
      </ul>
    </section>
  );
}

function HealthItem({ finding, onAct }: { finding: Finding; onAct: (fix: Fix) => void }) {
  const { fix } = finding;
  return (
    <li class="item-list__item" data-check={finding.name}>
      <div>
        <strong>{finding.title}</strong>{" "}
        <span class={`badge badge--${TONE[finding.severity]}`}>{LABEL[finding.severity]}</span>
        <p class="item-list__meta">{finding.message}</p>
        {fix && finding.severity !== "ok" && <FixView fix={fix} onAct={onAct} />}
      </div>
    </li>
  );
}

function FixView({ fix, onAct }: { fix: Fix; onAct: (fix: Fix) => void }) {
  if (fix.action === "settings") {
    return (
      <p>
        <a href="/admin/settings">{fix.label}</a>
      </p>
    );
  }
  if (fix.action) {
    return (
      <button type="button" class="button button--small" onClick={() => onAct(fix)}>
        {fix.label}
      </button>
    );
  }
  return (
    <p class="item-list__meta">
      {fix.label}
      {fix.command && (
        <>
          {": "}
          <code>{fix.command}</code>
        </>
      )}
    </p>
  );
}
