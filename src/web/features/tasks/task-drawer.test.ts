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

  it("shortens long values", () => {
    const text = describeActivity(activity("updated", "title", "x".repeat(100), "short"));
    expect(text).toContain("…");
    expect(text.length).toBeLessThan(120);
  });
});
