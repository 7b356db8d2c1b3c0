import { describe, expect, it } from "vitest";
import type { SourceRef } from "@/features/assistant/api";
import { linkCitations } from "@/features/assistant/citations";

const SOURCES: SourceRef[] = [
  { number: 1, kind: "standup", id: 7, title: "Ada, Tue", url: "/standups?day=2026-11-24#standup-7" },
  { number: 2, kind: "task", id: 12, title: "Fix the backup", url: "/tasks/12" },
];

describe("linkCitations", () => {
  it("turns known markers into links to their source", () => {
    expect(linkCitations("Backups fail [2], see [1].", SOURCES)).toBe(
      "Backups fail [\\[2\\]](/tasks/12), see [\\[1\\]](/standups?day=2026-11-24#standup-7).",
    );
  });

  it("leaves unknown numbers, existing links and link definitions alone", () => {
    const text = "Odd [9]. A [1](/x) link. [2]: /y";
    expect(linkCitations(text, SOURCES)).toBe(text);
  });

  it("leaves fenced code untouched", () => {
    const text = "```\nitems[1] = 2\n```\nafter [1]";
    expect(linkCitations(text, SOURCES)).toBe(
      "```\nitems[1] = 2\n```\nafter [\\[1\\]](/standups?day=2026-11-24#standup-7)",
    );
  });

  it("escapes characters that would end the link early", () => {
    const odd: SourceRef[] = [{ number: 1, kind: "document", id: 3, title: "x", url: "/knowledge?doc=3 (old)" }];
    expect(linkCitations("see [1]", odd)).toBe("see [\\[1\\]](/knowledge?doc=3%20(old))");
  });

  it("returns the text as it is without sources", () => {
    expect(linkCitations("a [1] b", [])).toBe("a [1] b");
  });
});
