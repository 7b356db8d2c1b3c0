import { describe, expect, it } from "vitest";
import { locate, markPassage, shownText } from "@/features/knowledge/highlight";
import { passageLink } from "@/lib/passages";

describe("locate", () => {
  it("finds the passage whatever the whitespace", () => {
    const text = "First part.\n\nThe  coffee\nmachine is cleaned.\n\nLast part.";
    const [start, end] = locate(text, "The coffee machine\n\nis cleaned.") ?? [0, 0];
    expect(text.slice(start, end)).toBe("The  coffee\nmachine is cleaned.");
  });
  it("finds nothing for absent or blank text", () => {
    expect(locate("abc", "abd")).toBeNull();
    expect(locate("abc", " \n ")).toBeNull();
  });
});

describe("markPassage", () => {
  it("marks exactly the passage, across elements, and not its neighbours", () => {
    const container = document.createElement("div");
    container.innerHTML = "<p>Before it.</p><p>The <strong>coffee</strong> machine.</p>\n<p>Then more. After it.</p>";
    const marks = markPassage(container, shownText("The **coffee** machine.\n\nThen more."));
    expect(marks.map((m) => m.textContent).join("|")).toBe("The |coffee| machine.|Then more.");
    expect(container.textContent).toBe("Before it.The coffee machine.\nThen more. After it.");
    expect(container.querySelector("p")?.querySelector("mark")).toBeNull();
  });
  it("marks nothing when the passage is not there", () => {
    const container = document.createElement("div");
    container.innerHTML = "<p>Other text.</p>";
    expect(markPassage(container, "Missing")).toEqual([]);
    expect(container.innerHTML).toBe("<p>Other text.</p>");
  });
});

describe("passageLink", () => {
  it("opens the document at the passage", () => {
    expect(passageLink(12, 345)).toBe("/knowledge?doc=12&passage=345");
  });
});
