import { describe, expect, it } from "vitest";
import { asList, defaultStatus, splitLines, TITLE_MAX } from "@/features/standups/lines";

describe("splitLines", () => {
  it("takes list items of every kind and plain lines, skipping empty ones", () => {
    const text = "- fix login\n* write docs\n+ plus item\n1. first\n12) twelfth\n\n   plain line  \n-\n";
    expect(splitLines(text)).toEqual(["fix login", "write docs", "plus item", "first", "twelfth", "plain line"]);
  });

  it("drops checkboxes, indentation and Windows line ends", () => {
    expect(splitLines("  - [ ] open\r\n    - [x] nested done\r\n")).toEqual(["open", "nested done"]);
  });

  it("skips headings, rules and code fences", () => {
    expect(splitLines("## Plan\n---\n```\ncode here\n```\n- real")).toEqual(["code here", "real"]);
  });

  it("keeps emphasis text and hyphenated words intact", () => {
    expect(splitLines("-not a list\n**bold** work")).toEqual(["-not a list", "**bold** work"]);
  });

  it("shortens titles to what the API accepts", () => {
    const [title] = splitLines(`- ${"x".repeat(300)}`);
    expect(title?.length).toBe(TITLE_MAX);
    expect(title?.endsWith("…")).toBe(true);
  });

  it("has no lines for an empty section", () => {
    expect(splitLines("")).toEqual([]);
    expect(splitLines("\n \n")).toEqual([]);
  });
});

describe("defaultStatus", () => {
  it("makes blockers blocked and everything else to do", () => {
    expect(defaultStatus("blockers")).toBe("blocked");
    expect(defaultStatus("today")).toBe("todo");
    expect(defaultStatus("yesterday")).toBe("todo");
  });
});

describe("asList", () => {
  it("makes every plain line a list item and keeps list items, nesting and fences", () => {
    const text = "Scheduled the window\r\n\n* existing item\n  - nested\n1. numbered\n```\ncode line\n\n```\nlast";
    expect(asList(text)).toBe(
      "- Scheduled the window\n* existing item\n  - nested\n1. numbered\n```\ncode line\n\n```\n- last",
    );
  });
});
