import { render } from "preact";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Citation } from "@/features/knowledge/api";
import { CitationCard } from "@/features/knowledge/ask-page";

let root: HTMLElement;

beforeEach(() => {
  root = document.createElement("div");
  document.body.append(root);
});

afterEach(() => {
  render(null, root);
  root.remove();
});

function citation(similarity: number | null): Citation {
  return {
    number: 1,
    chunk_id: 7,
    document_id: 3,
    document_title: "Kiln",
    kind: "txt",
    heading: "",
    page: null,
    text: "Restart the kiln controller with the blue button.",
    context: "Restart the kiln controller with the blue button.",
    similarity,
  };
}

describe("CitationCard", () => {
  it("shows how well a source matches the question", () => {
    render(<CitationCard citation={citation(0.8149)} onOpen={() => {}} />, root);
    expect(root.querySelector(".badge")?.textContent).toBe("81% match");
  });

  it("shows no match figure for a source found by its words alone (the knowledge worker is down)", () => {
    render(<CitationCard citation={citation(null)} onOpen={() => {}} />, root);
    expect(root.querySelector(".ask-citation__head")?.textContent).toContain("Kiln");
    expect(root.querySelector(".badge")).toBeNull();
    expect(root.textContent).not.toContain("NaN");
    expect(root.textContent).not.toContain("0% match");
  });
});
