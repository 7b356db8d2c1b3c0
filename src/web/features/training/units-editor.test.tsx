import { render } from "preact";
import { useState } from "preact/hooks";
import { act } from "preact/test-utils";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Unit } from "@/features/training/api";
import { type Row, toRows, UnitsEditor } from "@/features/training/units-editor";

const UNITS: Unit[] = [
  { title: "Install the package", description: "apt", week: 1, priority: "high" },
  { title: "Back up", description: "", week: 2, priority: "normal" },
  { title: "Restore drill", description: "", week: 3, priority: "urgent" },
];

let root: HTMLElement;
let latest: Row[] = [];

function Harness() {
  const [rows, setRows] = useState(() => toRows(UNITS));
  latest = rows;
  return <UnitsEditor rows={rows} onChange={setRows} />;
}

function input(label: string): HTMLInputElement {
  const found = [...root.querySelectorAll("label")].find((l) => l.textContent === label);
  if (!found) throw new Error(`no label ${label}`);
  return root.querySelector(`#${found.htmlFor}`) as HTMLInputElement;
}

function type(element: HTMLInputElement, value: string) {
  act(() => {
    element.value = value;
    element.dispatchEvent(new Event("input", { bubbles: true }));
  });
}

beforeEach(() => {
  root = document.createElement("div");
  document.body.append(root);
  act(() => render(<Harness />, root));
});

afterEach(() => {
  render(null, root);
  root.remove();
});

describe("UnitsEditor", () => {
  it("shows one labelled row per unit", () => {
    expect(root.querySelectorAll("tbody tr")).toHaveLength(3);
    expect(input("Title of unit 3").value).toBe("Restore drill");
    expect((input("Priority of unit 1") as unknown as HTMLSelectElement).value).toBe("high");
  });

  it("removes a row and keeps the others' edits", () => {
    type(input("Title of unit 3"), "Restore drill on the spare Pi");
    const remove = root.querySelector<HTMLButtonElement>('button[aria-label="Remove unit 1: Install the package"]');
    act(() => remove?.click());
    expect(latest.map((row) => row.unit.title)).toEqual(["Back up", "Restore drill on the spare Pi"]);
    expect(input("Title of unit 2").value).toBe("Restore drill on the spare Pi");
  });

  it("marks an invalid week and an empty title", () => {
    type(input("Week of unit 2"), "0");
    type(input("Title of unit 1"), "");
    expect(input("Week of unit 2").getAttribute("aria-invalid")).toBe("true");
    expect(root.textContent).toContain("A whole week number from 1 to 104.");
    expect(root.textContent).toContain("A title is needed.");
  });

  it("adds an empty unit in the last unit's week", () => {
    act(() => [...root.querySelectorAll("button")].find((b) => b.textContent === "Add a unit")?.click());
    expect(latest.at(-1)?.unit).toEqual({ title: "", description: "", week: 3, priority: "normal" });
  });
});
