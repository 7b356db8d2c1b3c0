// Admin -> System: health with fixes, trends, scheduled jobs with Run now, backups and logs.
import { useState } from "preact/hooks";
import { BackupsPanel } from "@/features/system/backups-panel";
import { HealthPanel } from "@/features/system/health-panel";
import { LogsPanel } from "@/features/system/logs-panel";
import { MetricsPanel } from "@/features/system/metrics-panel";
import { SchedulePanel } from "@/features/system/schedule-panel";
import { StoragePanel } from "@/features/system/storage-panel";
import "@/features/system/system.css";

export function SystemPage() {
  // A finished job (a backup, a maintenance run) changes what the other panels show: they reload when it changes.
  const [version, setVersion] = useState(0);
  const changed = () => setVersion((n) => n + 1);
  return (
    <section class="page page--wide">
      <h1>System</h1>
      <p class="muted">
        DevCell backs itself up, checks itself and keeps its database in shape. Here is how that goes.
      </p>
      <HealthPanel version={version} onChanged={changed} />
      <MetricsPanel version={version} />
      <SchedulePanel version={version} onChanged={changed} />
      <BackupsPanel version={version} onChanged={changed} />
      <StoragePanel version={version} />
      <LogsPanel />
    </section>
  );
}
