import { describe, expect, it } from "vitest";
import { askDone, linkCitations } from "@/features/knowledge/api";
import { highestNumber } from "@/features/knowledge/ask-page";
import { docParam } from "@/features/knowledge/knowledge-page";

describe("docParam", () => {
  it("opens a document only for a plain id", () => {
    expect(docParam("12")).toBe(12);
    for (const raw of [undefined, "", "abc", "-1", "1e3", "12; drop"]) expect(docParam(raw)).toBeNull();
  });
});

describe("linkCitations", () => {
  it("links the markers of existing sources only", () => {
    expect(linkCitations("Nightly [1][2], see [3].", 2)).toBe(
      "Nightly [\\[1\\]](#source-1)[\\[2\\]](#source-2), see [3].",
    );
    expect(linkCitations("[0] and [a](x) and [2](y)", 5)).toBe("[0] and [a](x) and [2](y)");
  });
});

describe("askDone", () => {
  it("reads the end of a streamed answer: the cited sources, truncated and warnings", () => {
    const cited = [{ number: 2, chunk_id: 7 }];
    expect(askDone({ answer: "Yes [2].", citations: cited, truncated: true, warnings: ["Cut off."] })).toEqual({
      answer: "Yes [2].",
      citations: cited,
      truncated: true,
      warnings: ["Cut off."],
    });
  });

  it("treats what an older server leaves out as absent", () => {
    expect(askDone({ mode: "extracts", answer: null })).toEqual({
      answer: null,
      citations: null,
      truncated: false,
      warnings: [],
    });
  });
});

describe("highestNumber", () => {
  it("links every cited marker even when the cited sources are not 1..n", () => {
    const cited = [{ number: 2 }, { number: 4 }] as unknown as Parameters<typeof highestNumber>[0];
    expect(highestNumber(cited)).toBe(4);
    expect(highestNumber([])).toBe(0);
  });
});
