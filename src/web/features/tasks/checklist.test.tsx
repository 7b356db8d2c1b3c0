import { render } from "preact";
import { afterEach, describe, expect, it } from "vitest";
import { LabelChips } from "@/components/label-chip";
import { ChecklistProgress } from "@/features/tasks/checklist";

const root = document.createElement("div");
document.body.append(root);
afterEach(() => render(null, root));

describe("checklist progress and label chips", () => {
  it("shows n/m and says it in words", () => {
    render(<ChecklistProgress task={{ checklist_done: 2, checklist_total: 5 }} />, root);
    expect(root.querySelector("[aria-hidden]")?.textContent).toBe("☑ 2/5");
    expect(root.querySelector(".visually-hidden")?.textContent).toBe("2 of 5 checklist items done");
    expect(root.querySelector(".is-complete")).toBeNull();
  });

  it("marks a finished checklist and hides an empty one", () => {
    render(<ChecklistProgress task={{ checklist_done: 3, checklist_total: 3 }} />, root);
    expect(root.querySelector(".checklist-progress.is-complete")).not.toBeNull();
    render(<ChecklistProgress task={{ checklist_done: 0, checklist_total: 0 }} />, root);
    expect(root.textContent).toBe("");
  });

  it("shows every label by name, in its colour", () => {
    const labels = [
      { id: 1, name: "Bug", colour: "red" as const, project_id: null },
      { id: 2, name: "UI", colour: "teal" as const, project_id: 4 },
    ];
    render(<LabelChips labels={labels} />, root);
    const chips = [...root.querySelectorAll(".label-chip")];
    expect(chips.map((chip) => [chip.textContent, chip.className])).toEqual([
      ["Bug", "label-chip label-chip--red"],
      ["UI", "label-chip label-chip--teal"],
    ]);
    expect(root.textContent).toBe("Labels: Bug, UI");
  });
});
