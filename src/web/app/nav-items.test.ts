import { describe, expect, it } from "vitest";
import { findPages, NAV_ITEMS } from "@/app/nav-items";

const labels = (query: string) => findPages(NAV_ITEMS, query).map((item) => item.label);

describe("findPages", () => {
  it("finds pages by every word, anywhere in a word, ignoring case", () => {
    expect(labels("TASK")).toEqual(["Tasks"]);
    expect(labels("view")).toEqual(["Code review"]);
    expect(labels("code rev")).toEqual(["Code review"]);
    expect(labels("code tasks")).toEqual([]);
  });

  it("ranks the whole name, then its start, then a word's start, then inside a word", () => {
    expect(labels("s")[0]).toBe("Standups"); // starts with s, before the many names holding an s
    expect(labels("ask")).toEqual(["Ask", "Tasks"]);
    expect(labels("re")).toEqual(["Code review", "SITREPs"]);
  });

  it("lists every page in the sidebar's order for no words", () => {
    expect(labels("  ")).toEqual(NAV_ITEMS.map((item) => item.label));
  });
});
