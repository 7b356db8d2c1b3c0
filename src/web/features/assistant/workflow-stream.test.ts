import { describe, expect, it } from "vitest";
import type { Workflow } from "@/features/assistant/api";
import { activeStep, applyEvent, forReplay, parseWorkflowEvent } from "@/features/assistant/workflow-stream";

function run(): Workflow {
  const step = (index: number, role: string) => ({
    index,
    role,
    name: role,
    status: "pending" as const,
    output: "",
    omitted: null,
    started_at: null,
    finished_at: null,
  });
  return {
    id: 4,
    pipeline: "feature",
    title: "Export",
    input: "CSV export",
    project_id: null,
    status: "queued",
    error: null,
    job_id: "j1",
    steps: [step(0, "product_owner"), step(1, "architect")],
    artifacts: {},
    task_titles: [],
    created_by: { id: 1, username: "ada", display_name: "" },
    created_at: "2026-11-26T10:00:00Z",
    finished_at: null,
  };
}

function feed(start: Workflow, messages: [string, unknown][]): Workflow {
  return messages.reduce((now, [type, data]) => {
    const event = parseWorkflowEvent(type, JSON.stringify(data));
    return event ? applyEvent(now, event) : now;
  }, start);
}

describe("parseWorkflowEvent", () => {
  it("reads the four event kinds", () => {
    expect(parseWorkflowEvent("step", '{"index":0,"role":"architect","status":"running"}')).toEqual({
      type: "step",
      index: 0,
      role: "architect",
      status: "running",
    });
    expect(parseWorkflowEvent("delta", '{"index":1,"text":"Hi"}')).toEqual({ type: "delta", index: 1, text: "Hi" });
    expect(parseWorkflowEvent("error", '{"code":"llm_timeout","message":"Too slow"}')).toEqual({
      type: "error",
      error: { code: "llm_timeout", message: "Too slow" },
    });
    expect(parseWorkflowEvent("done", JSON.stringify(run()))?.type).toBe("done");
  });

  it("drops malformed or unknown messages", () => {
    expect(parseWorkflowEvent("delta", "{broken")).toBeNull();
    expect(parseWorkflowEvent("delta", '{"index":"1","text":"x"}')).toBeNull();
    expect(parseWorkflowEvent("step", '{"index":0,"status":"exploded"}')).toBeNull();
    expect(parseWorkflowEvent("done", "[]")).toBeNull();
    expect(parseWorkflowEvent("ping", '{"index":0}')).toBeNull();
  });
});

describe("applyEvent", () => {
  it("builds the transcript step by step", () => {
    const after = feed(run(), [
      ["step", { index: 0, role: "product_owner", status: "running" }],
      ["delta", { index: 0, text: "As a user " }],
      ["delta", { index: 0, text: "I want CSV." }],
      ["step", { index: 0, role: "product_owner", status: "done" }],
      ["step", { index: 1, role: "architect", status: "running" }],
      ["delta", { index: 1, text: "Use a stream." }],
    ]);
    expect(after.status).toBe("running");
    expect(after.steps.map((s) => [s.status, s.output])).toEqual([
      ["done", "As a user I want CSV."],
      ["running", "Use a stream."],
    ]);
    expect(activeStep(after)?.role).toBe("architect");
  });

  it("adds a step the run did not list yet, in index order", () => {
    const start = { ...run(), steps: [] };
    const after = feed(start, [
      ["delta", { index: 1, text: "b" }],
      ["step", { index: 0, role: "triage", status: "done" }],
    ]);
    expect(after.steps.map((s) => [s.index, s.role, s.output])).toEqual([
      [0, "triage", ""],
      [1, "", "b"],
    ]);
  });

  it("takes the finished run from `done` as it is", () => {
    const finished = { ...run(), status: "succeeded" as const, artifacts: { summary: "All good" } };
    expect(feed(run(), [["done", finished]])).toEqual(finished);
  });

  it("marks the run failed on `error`, but a cancelled run stays cancelled", () => {
    const failed = feed(run(), [["error", { code: "llm_unavailable", message: "Down" }]]);
    expect(failed.status).toBe("failed");
    expect(failed.error).toEqual({ code: "llm_unavailable", message: "Down" });
    const cancelled = feed({ ...run(), status: "cancelled" }, [["error", { code: "cancelled", message: "Stopped" }]]);
    expect(cancelled.status).toBe("cancelled");
  });

  it("does not double the text when the stream replays after a reconnect", () => {
    const events: [string, unknown][] = [
      ["step", { index: 0, role: "product_owner", status: "running" }],
      ["delta", { index: 0, text: "Story" }],
    ];
    const first = feed(run(), events);
    const again = feed(forReplay(first), events);
    expect(again.steps[0]?.output).toBe("Story");
  });
});
