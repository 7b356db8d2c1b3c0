import { describe, expect, it } from "vitest";
import { initiallyTicked, looksLikeTask } from "@/features/assistant/task-titles";

describe("looksLikeTask", () => {
  it("takes work items and leaves filler", () => {
    for (const title of ["Write the CSV exporter", "Add a download button", "Test it"]) {
      expect(looksLikeTask(title)).toBe(true);
    }
    for (const title of ["None", "Keep going", "TBD", "n/a", "Nothing else", "Export", "  "]) {
      expect(looksLikeTask(title)).toBe(false);
    }
  });
});

describe("initiallyTicked", () => {
  it("ticks only the task-like titles, within the limit", () => {
    expect([...initiallyTicked(["Write the exporter", "None", "Add a button", "Keep going"], 50)]).toEqual([0, 2]);
    expect([...initiallyTicked(["Do one thing", "Do another thing"], 1)]).toEqual([0]);
  });
});
