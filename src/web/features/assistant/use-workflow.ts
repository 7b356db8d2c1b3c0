// A workflow run kept current: read once, then (while it runs) followed through its event stream.
import { useEffect, useState } from "preact/hooks";
import { getWorkflow, type Workflow, workflowEventsPath, workflowFinished } from "@/features/assistant/api";
import { applyEvent, forReplay, parseWorkflowEvent } from "@/features/assistant/workflow-stream";
import { errorMessage } from "@/lib/api";

export type LiveWorkflow = {
  workflow: Workflow | null;
  /** Reading the run failed (e.g. 404): nothing to show. */
  problem: string;
  /** The page's own change (after cancel, say) until the stream confirms it. */
  replace: (workflow: Workflow) => void;
};

const EVENTS = ["step", "delta", "done", "error"] as const;

export function useWorkflow(id: number): LiveWorkflow {
  const [workflow, setWorkflow] = useState<Workflow | null>(null);
  const [problem, setProblem] = useState("");

  useEffect(() => {
    let live = true;
    let source: EventSource | null = null;
    setWorkflow(null);
    setProblem("");
    const reread = () =>
      getWorkflow(id).then(
        (found) => live && setWorkflow(found),
        (error: unknown) => live && setProblem(errorMessage(error)),
      );
    getWorkflow(id).then(
      (found) => {
        if (!live) return;
        setWorkflow(found);
        if (!workflowFinished(found.status)) source = follow(id, setWorkflow, reread);
      },
      (error: unknown) => live && setProblem(errorMessage(error)),
    );
    return () => {
      live = false;
      source?.close();
    };
  }, [id]);

  return { workflow, problem, replace: setWorkflow };
}

type Update = (change: (now: Workflow | null) => Workflow | null) => void;

/** Opens the stream; it replays the run from its start, so each (re)connection rebuilds the transcript. */
function follow(id: number, update: Update, reread: () => void): EventSource {
  const source = new EventSource(workflowEventsPath(id));
  source.addEventListener("open", () => update((now) => now && forReplay(now)));
  for (const name of EVENTS) {
    source.addEventListener(name, (message) => {
      // The browser's own "error" (a dropped connection) is a plain Event without data.
      if (!(message instanceof MessageEvent)) return;
      const event = parseWorkflowEvent(name, String(message.data));
      if (!event) return;
      update((now) => now && applyEvent(now, event));
      // `done` (the stored run) always ends the stream, after an `error` too. Without close() the browser
      // would reconnect when the server ends the finished stream.
      if (event.type === "done") source.close();
    });
  }
  source.addEventListener("error", (event) => {
    if (event instanceof MessageEvent) return;
    // CONNECTING: the browser retries by itself. CLOSED: the server refused the stream; show what is stored.
    if (source.readyState === EventSource.CLOSED) reread();
  });
  return source;
}
