import { describe, expect, it } from "vitest";
import type { ReviewIssue, Severity } from "@/features/assistant/api";
import { groupBySeverity, issueCount, lineRef, reviewFilename } from "@/features/assistant/review";

function issue(severity: Severity, title: string, line: number | null = null, end: number | null = null): ReviewIssue {
  return { severity, title, line, end_line: end, detail: "", suggestion: null };
}

describe("groupBySeverity", () => {
  it("orders groups from critical to info and keeps the order within a group", () => {
    const groups = groupBySeverity([issue("low", "a"), issue("critical", "b"), issue("low", "c"), issue("info", "d")]);
    expect(groups.map((g) => g.severity)).toEqual(["critical", "low", "info"]);
    expect(groups[1]?.issues.map((i) => i.title)).toEqual(["a", "c"]);
  });

  it("files an unknown severity under info rather than losing it", () => {
    const groups = groupBySeverity([issue("blocker" as Severity, "x")]);
    expect(groups).toEqual([{ severity: "info", issues: [issue("blocker" as Severity, "x")] }]);
  });

  it("gives no groups for no issues", () => {
    expect(groupBySeverity([])).toEqual([]);
    expect(issueCount([])).toBe("No issues found");
  });

  it("counts issues per severity", () => {
    const groups = groupBySeverity([issue("high", "a"), issue("low", "b"), issue("low", "c")]);
    expect(issueCount(groups)).toBe("3 issues: 1 high, 2 low");
    expect(issueCount(groupBySeverity([issue("medium", "a")]))).toBe("1 issue: 1 medium");
  });
});

describe("lineRef", () => {
  it("names one line, a range, or nothing", () => {
    expect(lineRef({ line: 12, end_line: null })).toBe("Line 12");
    expect(lineRef({ line: 12, end_line: 12 })).toBe("Line 12");
    expect(lineRef({ line: 12, end_line: 15 })).toBe("Lines 12–15");
    expect(lineRef({ line: null, end_line: 15 })).toBe("");
  });
});

describe("reviewFilename", () => {
  it("puts a safe language slug and the day in the name", () => {
    expect(reviewFilename("Python", "2026-11-26")).toBe("review-python-2026-11-26.md");
    expect(reviewFilename("C++", "2026-11-26")).toBe("review-cpp-2026-11-26.md");
    expect(reviewFilename("C#", "2026-11-26")).toBe("review-csharp-2026-11-26.md");
    expect(reviewFilename("../etc passwd", "2026-11-26")).toBe("review-etc-passwd-2026-11-26.md");
    expect(reviewFilename("", "2026-11-26")).toBe("review-2026-11-26.md");
  });
});
