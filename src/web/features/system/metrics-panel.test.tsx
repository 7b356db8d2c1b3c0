import { render } from "preact";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { MetricPoint } from "@/features/system/api";
import { Charts } from "@/features/system/metrics-panel";

let root: HTMLElement;

beforeEach(() => {
  root = document.createElement("div");
  document.body.append(root);
});

afterEach(() => {
  render(null, root);
  root.remove();
});

const POINTS: MetricPoint[] = ["2026-12-04T10:00:00Z", "2026-12-04T11:00:00Z"].map((at) => ({
  at,
  data_free: 20e9,
  data_total: 32e9,
  backup_free: 20e9,
  backup_total: 32e9,
  db_bytes: 50e6,
  index_bytes: 0,
  requests_per_minute: 3,
}));

function sizeChart(): string {
  const chart = Array.from(root.querySelectorAll("[aria-label]")).find((el) =>
    el.getAttribute("aria-label")?.includes("Database size"),
  );
  return chart?.closest("figure, section, div")?.textContent ?? "";
}

describe("Charts", () => {
  it("draws the local index's size beside the database", () => {
    render(<Charts items={POINTS} indexOnServer={false} />, root);
    expect(sizeChart()).toContain("Knowledge index");
  });

  it("leaves out the index on a Chroma server rather than drawing a zero", () => {
    render(<Charts items={POINTS} indexOnServer={true} />, root);
    const text = sizeChart();
    expect(text).not.toContain("Knowledge index");
    expect(root.innerHTML).toContain("the knowledge index is on the Chroma server");
  });
});
