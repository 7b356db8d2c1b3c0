import { describe, expect, it } from "vitest";
import { linkCitations, parseEvent } from "@/features/knowledge/api";
import { docParam } from "@/features/knowledge/knowledge-page";

describe("parseEvent", () => {
  it("reads the event name and its JSON data", () => {
    expect(parseEvent('event: token\ndata: {"text": "Hi [1]"}')).toEqual(["token", { text: "Hi [1]" }]);
  });

  it("ignores keep-alive comments and broken data", () => {
    expect(parseEvent(": keep-alive")).toBeNull();
    expect(parseEvent("event: token\ndata: {broken")).toBeNull();
  });
});

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
