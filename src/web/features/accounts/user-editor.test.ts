import { describe, expect, it } from "vitest";
import { changedFields, profileValues } from "@/features/accounts/profile-form";
import { describeAgent } from "@/features/accounts/sessions-panel";
import { describeRefusal } from "@/features/accounts/user-editor";
import { ApiError } from "@/lib/api";
import type { User } from "@/lib/session";

const bob: User = {
  id: 2,
  username: "bob",
  display_name: "Bob",
  job_title: "",
  team: "Red",
  rank: "",
  skills: "",
  time_zone: "",
  role: "user",
  active: true,
  created_at: "2026-01-01T00:00:00+00:00",
  last_login_at: null,
  away_from: null,
  away_until: null,
};

describe("describeRefusal", () => {
  it("explains what a user who cannot be deleted still owns", () => {
    const error = new ApiError(409, "user_owns_data", "bob owns 3 tasks. (reassign_to)", { tasks: 3, chat_rooms: 1 });
    expect(describeRefusal(error, bob)).toBe(
      "bob still owns data (tasks: 3, chat rooms: 1). Hand it over to another user below, or deactivate the account instead.",
    );
  });

  it("explains the last administrator rule", () => {
    const error = new ApiError(409, "last_admin", "This is the last active administrator.");
    expect(describeRefusal(error, bob)).toContain("last active administrator");
  });

  it("passes other server messages through", () => {
    expect(describeRefusal(new ApiError(409, "delete_self", "You cannot delete your own account."), bob)).toBe(
      "You cannot delete your own account.",
    );
  });
});

describe("changedFields", () => {
  it("sends changed fields trimmed, and an emptied field as an empty string to clear it", () => {
    const edited = { ...profileValues(bob), display_name: " Robert ", team: "" };
    expect(changedFields(profileValues(bob), edited)).toEqual({ display_name: "Robert", team: "" });
  });
});

describe("describeAgent", () => {
  it("names common browsers and systems", () => {
    const chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";
    expect(describeAgent(chrome)).toBe("Chrome on Linux");
    expect(describeAgent("Mozilla/5.0 (Windows NT 10.0; rv:140.0) Gecko/20100101 Firefox/140.0")).toBe(
      "Firefox on Windows",
    );
    expect(describeAgent("curl/8.5.0")).toBe("curl/8.5.0");
    expect(describeAgent("")).toBe("Unknown browser");
  });
});
