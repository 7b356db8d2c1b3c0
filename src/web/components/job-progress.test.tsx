import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { describe as describeJob, JobProgress, type JobState } from "@/components/job-progress";
import { ToastProvider } from "@/components/toast";
import { setCsrfToken } from "@/lib/api";

/** Stands in for the browser's EventSource: the test pushes `event: job` messages by hand. */
class FakeEventSource {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static last: FakeEventSource | null = null;
  readyState = FakeEventSource.OPEN;
  readonly url: string;
  private readonly listeners = new Map<string, ((event: Event) => void)[]>();

  constructor(url: string) {
    this.url = url;
    FakeEventSource.last = this;
  }

  addEventListener(type: string, listener: (event: Event) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close(): void {
    this.readyState = FakeEventSource.CLOSED;
  }

  emit(type: string, data?: unknown): void {
    const event = type === "job" ? new MessageEvent("job", { data: JSON.stringify(data) }) : new Event(type);
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
}

const running: JobState = { status: "running", progress_done: 3, progress_total: 10, message: "Reading", error: null };

let root: HTMLElement;

function source(): FakeEventSource {
  if (!FakeEventSource.last) throw new Error("no EventSource was opened");
  return FakeEventSource.last;
}

beforeEach(() => {
  FakeEventSource.last = null;
  vi.stubGlobal("EventSource", FakeEventSource);
  root = document.createElement("div");
  document.body.append(root);
});

afterEach(() => {
  render(null, root);
  root.remove();
});

function show(onFinished = vi.fn()) {
  act(() => {
    render(
      <ToastProvider>
        <JobProgress jobId="job 1" label="Reindexing" onFinished={onFinished} />
      </ToastProvider>,
      root,
    );
  });
  return onFinished;
}

describe("JobProgress", () => {
  it("listens to the job's event stream and shows each state", () => {
    show();
    expect(source().url).toBe("/api/jobs/job%201/events");
    expect(root.querySelector("[role=status]")?.textContent).toBe("Connecting…");

    act(() => source().emit("job", running));
    const bar = root.querySelector("progress");
    expect(bar?.getAttribute("max")).toBe("10");
    expect(bar?.getAttribute("value")).toBe("3");
    expect(root.querySelector("[role=status]")?.textContent).toBe("Running: 3 of 10 (30%). Reading");
    expect(root.querySelector("button")?.textContent).toBe("Cancel");
  });

  it("shows an indeterminate bar while the total is unknown", () => {
    show();
    act(() => source().emit("job", { ...running, progress_total: null }));
    expect(root.querySelector("progress")?.hasAttribute("value")).toBe(false);
  });

  it("closes the stream and reports the final state once", () => {
    const finished = show();
    act(() => source().emit("job", running));
    const failed = { ...running, status: "failed", error: "disk full", message: "" };
    act(() => source().emit("job", failed));
    act(() => source().emit("job", failed));
    expect(source().readyState).toBe(FakeEventSource.CLOSED);
    expect(finished).toHaveBeenCalledTimes(1);
    expect(root.textContent).toContain("disk full");
    expect(root.querySelector("button")).toBeNull();
  });

  it("asks the server to cancel, with the CSRF header of the session", async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify({ ...running, status: "running" }), { status: 202 }));
    vi.stubGlobal("fetch", fetch);
    setCsrfToken("csrf-1");
    show();
    act(() => source().emit("job", running));
    await act(async () => {
      root.querySelector("button")?.click();
    });
    expect(fetch).toHaveBeenCalledTimes(1);
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/api/jobs/job%201/cancel");
    expect(init.method).toBe("POST");
    expect(init.headers).toMatchObject({ "X-CSRF-Token": "csrf-1" });
    setCsrfToken(null);
    expect(root.querySelector("button")?.textContent).toBe("Cancelling…");
  });

  it("ignores messages that are not job states", () => {
    show();
    act(() => source().emit("job", { status: "exploded" }));
    expect(root.querySelector("[role=status]")?.textContent).toBe("Connecting…");
  });
});

describe("describe", () => {
  it("words each status for people", () => {
    expect(describeJob({ ...running, status: "queued", message: "" })).toBe("Waiting to start");
    expect(describeJob({ ...running, progress_total: null, message: "" })).toBe("Running: 3 done");
    expect(describeJob({ ...running, status: "succeeded", message: "Indexed 10 files" })).toBe(
      "Finished. Indexed 10 files",
    );
    expect(describeJob({ ...running, status: "cancelled", message: "" })).toBe("Cancelled");
  });

  it('does not repeat the status in the server\'s words (not "Running. Running")', () => {
    expect(describeJob({ ...running, progress_total: null, progress_done: 0, message: "Running" })).toBe("Running");
    expect(describeJob({ ...running, status: "queued", message: "Waiting to start" })).toBe("Waiting to start");
    expect(describeJob({ ...running, status: "succeeded", message: "Done" })).toBe("Finished");
    expect(describeJob({ ...running, status: "cancelled", message: "Cancelled before it started" })).toBe(
      "Cancelled. Cancelled before it started",
    );
  });
});
