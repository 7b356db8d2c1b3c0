import { describe, expect, it } from "vitest";
import type { Activity } from "@/features/tasks/api";
import { describeActivity } from "@/features/tasks/task-drawer";

function activity(
  action: string,
  field = "",
  old_value: string | null = null,
  new_value: string | null = null,
): Activity {
  return { id: 1, actor: null, action, field, old_value, new_value, created_at: "2026-01-01T00:00:00+00:00" };
}

describe("describeActivity", () => {
  it("puts field changes into words, with status labels", () => {
    expect(describeActivity(activity("updated", "status", "blocked", "in_progress"))).toBe(
      "changed status from Blocked to In progress",
    );
    expect(describeActivity(activity("updated", "due_date", null, "2026-02-01"))).toBe(
      "changed due date from nothing to 2026-02-01",
    );
    expect(describeActivity(activity("updated", "description", "a", "b"))).toBe("changed the description");
  });

  it("names the other actions", () => {
    expect(describeActivity(activity("created"))).toBe("created the task");
    expect(describeActivity(activity("commented"))).toBe("commented");
    expect(describeActivity(activity("archived"))).toBe("archived the task");
    expect(describeActivity(activity("moved", "project", "Apollo", null))).toBe("moved it from Apollo to nothing");
  });

  it("tells checklist and label changes", () => {
    expect(describeActivity(activity("updated", "checklist", null, "Deploy"))).toBe("added “Deploy” to the checklist");
    expect(describeActivity(activity("updated", "checklist", "Deploy", null))).toBe(
      "removed “Deploy” from the checklist",
    );
    expect(describeActivity(activity("updated", "checklist", "a", "b"))).toBe("renamed checklist item “a” to “b”");
    expect(describeActivity(activity("checked", "checklist", null, "Deploy"))).toBe("ticked “Deploy” on the checklist");
    expect(describeActivity(activity("unchecked", "checklist", null, "Deploy"))).toBe(
      "unticked “Deploy” on the checklist",
    );
    expect(describeActivity(activity("updated", "labels", "Bug", "Bug, UI"))).toBe(
      "changed labels from Bug to Bug, UI",
    );
  });

  it("shortens long values", () => {
    const text = describeActivity(activity("updated", "title", "x".repeat(100), "short"));
    expect(text).toContain("…");
    expect(text.length).toBeLessThan(120);
  });
});
