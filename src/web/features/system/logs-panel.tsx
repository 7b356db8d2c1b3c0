// System page: the service log and the retrieval log, filtered by level and text, optionally following new lines.
import { useEffect, useState } from "preact/hooks";
import { getLogs, type LogEntry, type LogFilter, SUPPORT_BUNDLE_PATH } from "@/features/system/api";
import { errorMessage } from "@/lib/api";

const FOLLOW_MS = 3000;
const KEEP = 1000;

export function LogsPanel() {
  const [filter, setFilter] = useState<LogFilter>({ file: "devcell", level: "INFO", q: "" });
  const [entries, setEntries] = useState<LogEntry[]>([]);
  const [note, setNote] = useState("");
  const [follow, setFollow] = useState(false);

  useEffect(() => {
    let live = true;
    let cursor: number | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const page = await getLogs(filter, cursor);
        if (!live) return;
        setEntries((shown) => (cursor === undefined ? page.items : [...shown, ...page.items].slice(-KEEP)));
        setNote(page.missing ? `${page.file} does not exist yet.` : "");
        cursor = page.next;
      } catch (error) {
        if (live) setNote(errorMessage(error));
      }
      if (live && follow) timer = setTimeout(load, FOLLOW_MS);
    };
    void load();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [filter.file, filter.level, filter.q, follow]);

  return (
    <section class="card" aria-labelledby="logs-heading">
      <div class="page__header">
        <h2 id="logs-heading">Logs</h2>
        <a class="button button--small" href={SUPPORT_BUNDLE_PATH} download>
          Download a support bundle
        </a>
      </div>
      <form class="filters" onSubmit={(event) => event.preventDefault()}>
        <label>
          Log{" "}
          <select
            value={filter.file}
            onChange={(event) => setFilter({ ...filter, file: event.currentTarget.value as LogFilter["file"] })}
          >
            <option value="devcell">devcell.log</option>
            <option value="rag">rag.log</option>
          </select>
        </label>
        <label>
          Level{" "}
          <select value={filter.level} onChange={(event) => setFilter({ ...filter, level: event.currentTarget.value })}>
            {["DEBUG", "INFO", "WARNING", "ERROR"].map((level) => (
              <option key={level} value={level}>
                {level} and above
              </option>
            ))}
          </select>
        </label>
        <label>
          Search{" "}
          <input
            type="search"
            value={filter.q}
            onChange={(event) => setFilter({ ...filter, q: event.currentTarget.value })}
          />
        </label>
        <label class="checkbox">
          <input type="checkbox" checked={follow} onChange={(event) => setFollow(event.currentTarget.checked)} /> Follow
        </label>
      </form>
      {note && <p class="muted">{note}</p>}
      <pre class="log-view" data-testid="log-view">
        {entries.map((entry) => `${entry.at} ${entry.level} ${entry.logger}: ${entry.message}`).join("\n")}
      </pre>
    </section>
  );
}
