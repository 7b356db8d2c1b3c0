// System page: the service log and the retrieval log, filtered by level and text, optionally following new lines.
import { useEffect, useRef, useState } from "preact/hooks";
import { getLogs, type LogEntry, type LogFilter, SUPPORT_BUNDLE_PATH } from "@/features/system/api";
import { errorMessage } from "@/lib/api";

const FOLLOW_MS = 3000;
const KEEP = 1000;

export function LogsPanel() {
  const [filter, setFilter] = useState<LogFilter>({ file: "devcell", level: "INFO", q: "" });
  const [entries, setEntries] = useState<LogEntry[]>([]);
  const [note, setNote] = useState("");
  const [follow, setFollow] = useState(false);
  const view = useRef<HTMLOListElement>(null);

  // While following, keep the newest entry in sight (the list scrolls inside its own box).
  useEffect(() => {
    const list = view.current;
    if (follow && list) list.scrollTop = list.scrollHeight;
  }, [entries, follow]);

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
        <button
          type="button"
          class={`button button--small log-follow${follow ? " log-follow--on" : ""}`}
          aria-pressed={follow}
          onClick={() => setFollow(!follow)}
        >
          {follow ? "Following new lines" : "Follow new lines"}
        </button>
      </form>
      {note && <p class="muted">{note}</p>}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a box that scrolls must be reachable by keyboard */}
      <ol class="log-view" data-testid="log-view" ref={view} aria-label="Log entries, oldest first" tabIndex={0}>
        {entries.map((entry) => (
          <li key={entry.offset} class={`log-entry log-entry--${entry.level.toLowerCase()}`}>
            <span class="log-entry__at">{entry.at}</span> <span class="log-entry__level">{entry.level}</span>{" "}
            <span class="log-entry__logger">{entry.logger}:</span>{" "}
            <span class="log-entry__message">{entry.message}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
