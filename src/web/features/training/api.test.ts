import { describe, expect, it } from "vitest";
import {
  dueDate,
  formatOfFile,
  groupByWeek,
  isLlmProblem,
  percent,
  suggestTitle,
  type Unit,
  unitProblems,
} from "@/features/training/api";

const unit = (over: Partial<Unit> = {}): Unit => ({
  title: "Install",
  description: "",
  week: 1,
  priority: "normal",
  ...over,
});

describe("groupByWeek", () => {
  it("puts weeks in order and keeps each week's units in their order", () => {
    const units = [unit({ title: "c", week: 3 }), unit({ title: "a", week: 1 }), unit({ title: "b", week: 1 })];
    expect(groupByWeek(units).map((w) => [w.week, w.units.map((u) => u.title)])).toEqual([
      [1, ["a", "b"]],
      [3, ["c"]],
    ]);
  });
});

describe("dueDate", () => {
  it("is the last day of the unit's week, like the server", () => {
    expect(dueDate("2026-03-02", 1)).toBe("2026-03-08");
    expect(dueDate("2026-03-02", 3)).toBe("2026-03-22");
    expect(dueDate("2026-12-28", 2)).toBe("2027-01-10");
  });
});

describe("percent", () => {
  it("rounds and is 0 for nothing", () => {
    expect(percent(1, 3)).toBe(33);
    expect(percent(0, 0)).toBe(0);
  });
});

describe("unitProblems", () => {
  it("accepts a good unit", () => {
    expect(unitProblems(unit())).toEqual({});
  });

  it("names each bad field", () => {
    expect(Object.keys(unitProblems(unit({ title: "  ", week: 0, description: "x".repeat(4001) })))).toEqual([
      "title",
      "week",
      "description",
    ]);
    expect(unitProblems(unit({ week: Number.NaN })).week).toContain("1 to 104");
    expect(unitProblems(unit({ week: 2.5 })).week).toBeDefined();
  });
});

describe("file names and titles", () => {
  it("picks the format from the extension", () => {
    expect(formatOfFile("plan.JSON")).toBe("json");
    expect(formatOfFile("roadmap.md")).toBe("markdown");
    expect(formatOfFile("notes.txt")).toBe("text");
    expect(formatOfFile("roadmap")).toBe("auto");
  });

  it("titles a plan after the first heading, else the fallback", () => {
    expect(suggestTitle("intro\n# Operating a DevCell appliance\n## Week 1")).toBe("Operating a DevCell appliance");
    expect(suggestTitle("- a list", "roadmap.md")).toBe("roadmap.md");
    expect(suggestTitle("")).toBe("Training plan");
  });

  it("knows which errors come from the LLM", () => {
    expect(isLlmProblem("llm_not_configured")).toBe(true);
    expect(isLlmProblem("validation_failed")).toBe(false);
  });
});
