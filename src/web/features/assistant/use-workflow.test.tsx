import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { StepStatus, Workflow } from "@/features/assistant/api";
import { type LiveWorkflow, useWorkflow } from "@/features/assistant/use-workflow";

/** Stands in for the browser's EventSource: the test plays the server's messages. */
class FakeEventSource {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static opened: FakeEventSource[] = [];
  readyState = FakeEventSource.CONNECTING;
  readonly url: string;
  private readonly listeners = new Map<string, ((event: Event) => void)[]>();

  constructor(url: string) {
    this.url = url;
    FakeEventSource.opened.push(this);
  }

  addEventListener(type: string, listener: (event: Event) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close(): void {
    this.readyState = FakeEventSource.CLOSED;
  }

  open(): void {
    this.readyState = FakeEventSource.OPEN;
    this.fire("open", new Event("open"));
  }

  send(type: string, data: unknown): void {
    this.fire(type, new MessageEvent(type, { data: JSON.stringify(data) }));
  }

  drop(state: number): void {
    this.readyState = state;
    this.fire("error", new Event("error"));
  }

  private fire(type: string, event: Event): void {
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
}

function stored(status: Workflow["status"], output = ""): Workflow {
  return {
    id: 3,
    pipeline: "bug_triage",
    title: "Backups",
    input: "They fail",
    project_id: null,
    status,
    error: null,
    job_id: "j",
    steps: [
      {
        index: 0,
        role: "triage",
        name: "Triage",
        status: (output ? "done" : "pending") as StepStatus,
        output,
        omitted: null,
      },
      { index: 1, role: "root_cause", name: "Root cause", status: "pending" as StepStatus, output: "", omitted: null },
    ].map((step) => ({ ...step, started_at: null, finished_at: null })),
    artifacts: {},
    task_titles: [],
    created_by: { id: 1, username: "ada", display_name: "" },
    created_at: "2026-11-26T10:00:00Z",
    finished_at: null,
  };
}

let root: HTMLElement;
let live: LiveWorkflow | null = null;
const fetched: string[] = [];

function Probe({ id }: { id: number }) {
  live = useWorkflow(id);
  return null;
}

function serve(...answers: Workflow[]) {
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string) => {
      fetched.push(url);
      const next = answers.length > 1 ? answers.shift() : answers[0];
      return new Response(JSON.stringify(next), { status: 200 });
    }),
  );
}

async function mount() {
  await act(async () => {
    render(<Probe id={3} />, root);
  });
  await settle(); // the first GET resolves
}

/** Lets pending fetches and their JSON parsing finish. */
async function settle() {
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
}

function source(): FakeEventSource {
  const last = FakeEventSource.opened.at(-1);
  if (!last) throw new Error("no stream was opened");
  return last;
}

beforeEach(() => {
  FakeEventSource.opened = [];
  fetched.length = 0;
  live = null;
  vi.stubGlobal("EventSource", FakeEventSource);
  root = document.createElement("div");
  document.body.append(root);
});

afterEach(() => {
  render(null, root);
  root.remove();
});

describe("useWorkflow", () => {
  it("does not open a stream for a finished run", async () => {
    serve(stored("succeeded", "Found it"));
    await mount();
    expect(live?.workflow?.steps[0]?.output).toBe("Found it");
    expect(FakeEventSource.opened).toHaveLength(0);
  });

  it("rebuilds the transcript from the replay, follows it live and closes on done", async () => {
    serve(stored("running", "Half"));
    await mount();
    expect(source().url).toBe("/api/workflows/3/events");
    act(() => {
      source().open(); // the server replays from the start: the stored text must not appear twice
      source().send("step", { index: 0, role: "triage", status: "running" });
      source().send("delta", { index: 0, text: "Half" });
      source().send("delta", { index: 0, text: " done" });
    });
    expect(live?.workflow?.steps[0]).toMatchObject({ output: "Half done", status: "running" });
    act(() => source().send("error", { code: "llm_timeout", message: "Too slow" }));
    expect(live?.workflow?.error).toEqual({ code: "llm_timeout", message: "Too slow" });
    expect(source().readyState).toBe(FakeEventSource.OPEN); // `done` comes after an error
    act(() =>
      source().send("done", { ...stored("failed", "Half done"), error: { code: "llm_timeout", message: "x" } }),
    );
    expect(live?.workflow?.status).toBe("failed");
    expect(source().readyState).toBe(FakeEventSource.CLOSED);
  });

  it("reads the stored run when the server refuses the stream", async () => {
    serve(stored("running"), stored("cancelled", "Partial"));
    await mount();
    act(() => source().drop(FakeEventSource.CLOSED));
    await settle();
    expect(fetched).toEqual(["/api/workflows/3", "/api/workflows/3"]);
    expect(live?.workflow?.status).toBe("cancelled");
  });

  it("leaves a dropped connection to the browser's own retry", async () => {
    serve(stored("running"));
    await mount();
    act(() => source().drop(FakeEventSource.CONNECTING));
    await settle();
    expect(fetched).toHaveLength(1);
  });
});
