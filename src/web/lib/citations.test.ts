import { describe, expect, it } from "vitest";
import { linkMarkers } from "@/lib/citations";

const URLS = new Map([
  [1, "/knowledge?doc=3&passage=7"],
  [2, "#source-2"],
]);

describe("linkMarkers", () => {
  it("links side-by-side markers, each to its own source", () => {
    expect(linkMarkers("Nightly [1][2].", URLS)).toBe(
      "Nightly [\\[1\\]](/knowledge?doc=3&passage=7)[\\[2\\]](#source-2).",
    );
  });

  it("leaves unknown numbers, links, reference links and definitions alone", () => {
    const text = "Odd [9]. A [1](/x) link, a [label][1] one. [2]: /y";
    expect(linkMarkers(text, URLS)).toBe("Odd [9]. A [1](/x) link, a [label][1] one. [2]: /y");
  });
});
