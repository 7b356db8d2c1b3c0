import { describe, expect, it } from "vitest";
import {
  apiQuery,
  filterParams,
  hasFilters,
  listUrl,
  NO_FILTERS,
  parseFilters,
  parseListState,
} from "@/features/tasks/filters";

describe("task filters in the URL", () => {
  it("reads every filter from the query", () => {
    const search = new URLSearchParams(
      "mine=true&assignee=7&project=none&status=todo&status=blocked&priority=urgent&q=%20db%20&" +
        "due_before=2026-05-01&due_after=2026-04-01&overdue=1&archived=all&label=4&label=9&sort=due&view=board&offset=50",
    );
    const state = parseListState(search);
    expect(state.view).toBe("board");
    expect(state.offset).toBe(50);
    expect(state.filters).toEqual({
      mine: true,
      assignee: "7",
      project: "none",
      status: ["todo", "blocked"],
      priority: ["urgent"],
      q: "db",
      due_before: "2026-05-01",
      due_after: "2026-04-01",
      overdue: true,
      archived: "all",
      label: ["4", "9"],
      sort: "due",
    });
  });

  it("ignores malformed values instead of sending them to the server", () => {
    const filters = parseFilters(
      new URLSearchParams(
        "assignee=x&project=-1&status=nope&priority=urgent,bad&due_before=2026-13-01&sort=evil&label=bug&label=0",
      ),
    );
    expect(filters).toEqual({ ...NO_FILTERS, priority: ["urgent"] });
    expect(parseListState(new URLSearchParams("offset=-5")).offset).toBe(0);
  });

  it("round-trips through the URL and leaves out defaults", () => {
    const filters = { ...NO_FILTERS, project: "3", status: ["in_progress" as const], q: "a&b" };
    const url = listUrl({ filters, view: "list", offset: 100 });
    expect(url).toBe("/tasks?project=3&status=in_progress&q=a%26b&offset=100");
    const back = parseListState(new URLSearchParams(url.split("?")[1]));
    expect(back).toEqual({ filters, view: "list", offset: 100 });
    expect(listUrl({ filters: NO_FILTERS, view: "list", offset: 0 })).toBe("/tasks");
    expect(listUrl({ filters: NO_FILTERS, view: "board", offset: 40 }, 5)).toBe("/tasks/5?view=board");
  });

  it("builds the API query with repeated parameters and paging", () => {
    const filters = { ...NO_FILTERS, status: ["todo" as const, "done" as const], mine: true };
    expect(apiQuery(filters, 50, 0)).toBe("mine=true&status=todo&status=done&limit=50");
    expect(apiQuery(NO_FILTERS, 200, 400)).toBe("limit=200&offset=400");
  });

  it("saves and applies presets in the same shape", () => {
    const filters = { ...NO_FILTERS, overdue: true, priority: ["high" as const], sort: "due" as const };
    const saved = filterParams(filters);
    expect(saved).toEqual({ overdue: "true", priority: ["high"], sort: "due" });
    expect(parseFilters(saved)).toEqual(filters);
    expect(hasFilters(filters)).toBe(true);
    expect(hasFilters({ ...NO_FILTERS, sort: "title" })).toBe(false);
  });
});
