import { describe, expect, it } from "vitest";
import { linkCitations } from "@/features/knowledge/api";
import { docParam } from "@/features/knowledge/knowledge-page";

describe("docParam", () => {
  it("opens a document only for a plain id", () => {
    expect(docParam("12")).toBe(12);
    for (const raw of [undefined, "", "abc", "-1", "1e3", "12; drop"]) expect(docParam(raw)).toBeNull();
  });
});

describe("linkCitations", () => {
  it("links the markers of existing sources only", () => {
    expect(linkCitations("Nightly [1][2], see [3].", 2)).toBe("Nightly [[1]](#source-1)[[2]](#source-2), see [3].");
    expect(linkCitations("[0] and [a](x) and [2](y)", 5)).toBe("[0] and [a](x) and [2](y)");
  });
});
