// System page: disk free, database and index size, and request rate over the last days (sampled by a job).
import { useState } from "preact/hooks";
import { LoadState } from "@/components/load-state";
import { formatSize, getMetricHistory, type MetricPoint } from "@/features/system/api";
import { LineChart } from "@/features/system/line-chart";
import { useLoad } from "@/lib/use-load";

const RANGES = [1, 7, 14];

export function MetricsPanel({ version }: { version: number }) {
  const [days, setDays] = useState(7);
  const loaded = useLoad(() => getMetricHistory(days), [days, version]);
  const items = loaded.data?.items ?? [];
  return (
    <section class="card" aria-labelledby="metrics-heading">
      <div class="page__header">
        <h2 id="metrics-heading">Trends</h2>
        <label>
          Period{" "}
          <select value={days} onChange={(event) => setDays(Number(event.currentTarget.value))}>
            {RANGES.map((n) => (
              <option key={n} value={n}>
                {n === 1 ? "last day" : `last ${n} days`}
              </option>
            ))}
          </select>
        </label>
      </div>
      <LoadState loaded={loaded} what="the samples" />
      {loaded.data && items.length === 0 && (
        <p class="muted">
          No samples yet: one is taken every {loaded.data.interval_minutes} minutes (setting metrics_sample_minutes).
        </p>
      )}
      {items.length > 0 && <Charts items={items} indexOnServer={loaded.data?.index_on_server ?? false} />}
    </section>
  );
}

export function Charts({ items, indexOnServer }: { items: MetricPoint[]; indexOnServer: boolean }) {
  const times = items.map((item) => Date.parse(item.at));
  const last = items[items.length - 1] as MetricPoint;
  const dataFree = items.map((item) => item.data_free);
  const requests = items.map((item) => item.requests_per_minute);
  const lowest = Math.min(...dataFree);
  const peak = Math.max(...requests);
  const perMinute = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)}/min`;
  return (
    <div class="metrics-grid">
      <LineChart
        title="Disk free"
        summary={`data ${formatSize(last.data_free)} of ${formatSize(last.data_total)} now (lowest ${formatSize(lowest)}); backups ${formatSize(last.backup_free)}.`}
        times={times}
        lines={[
          { label: "Data disk", values: dataFree },
          { label: "Backup disk", values: items.map((item) => item.backup_free) },
        ]}
        format={formatSize}
      />
      <LineChart
        title="Database size"
        summary={
          indexOnServer
            ? `database ${formatSize(last.db_bytes)} now; the knowledge index is on the Chroma server.`
            : `database ${formatSize(last.db_bytes)}, index ${formatSize(last.index_bytes)} now.`
        }
        times={times}
        lines={[
          { label: "Database", values: items.map((item) => item.db_bytes) },
          // On a Chroma server there is no local folder to measure: no line rather than a false zero.
          ...(indexOnServer ? [] : [{ label: "Knowledge index", values: items.map((item) => item.index_bytes) }]),
        ]}
        format={formatSize}
      />
      <LineChart
        title="Requests"
        summary={`${perMinute(last.requests_per_minute)} in the last sample, peak ${perMinute(peak)}.`}
        times={times}
        lines={[{ label: "Requests per minute", values: requests }]}
        format={perMinute}
        mean
      />
    </div>
  );
}
