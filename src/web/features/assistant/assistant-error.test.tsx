import { render } from "preact";
import { afterEach, describe, expect, it } from "vitest";
import { AssistantError, describeFailure, isLlmProblem } from "@/features/assistant/assistant-error";
import { ApiError } from "@/lib/api";
import { SessionContext, type User } from "@/lib/session";

function user(role: "admin" | "user"): User {
  return {
    id: 1,
    username: "ada",
    display_name: "",
    job_title: "",
    team: "",
    rank: "",
    skills: "",
    time_zone: "UTC",
    role,
    active: true,
    created_at: "",
    last_login_at: null,
    away_from: null,
    away_until: null,
  };
}

function show(failure: unknown, role: "admin" | "user"): HTMLElement {
  const host = document.createElement("div");
  document.body.append(host);
  const session = { user: user(role), applianceName: "DevCell", setUser: () => {}, setApplianceName: () => {} };
  render(
    <SessionContext value={session}>
      <AssistantError failure={failure} />
    </SessionContext>,
    host,
  );
  return host;
}

afterEach(() => {
  document.body.innerHTML = "";
});

describe("describeFailure", () => {
  it("recognises the LLM's 502/503/504 answers and stored LLM failures", () => {
    expect(describeFailure(new ApiError(503, "llm_not_configured", "No LLM"))).toEqual({
      message: "No LLM",
      llm: true,
    });
    expect(describeFailure(new ApiError(504, "gateway", "Slow")).llm).toBe(true);
    expect(describeFailure({ code: "llm_timeout", message: "Slow" })).toEqual({ message: "Slow", llm: true });
    expect(describeFailure(new ApiError(413, "review_too_large", "Too big")).llm).toBe(false);
    expect(describeFailure(new Error("x")).message).toMatch(/Something went wrong/);
    expect(isLlmProblem("llm_bad_answer")).toBe(true);
  });
});

describe("AssistantError", () => {
  it("gives admins the settings link for LLM problems", () => {
    const host = show(new ApiError(503, "llm_unavailable", "The LLM is not answering."), "admin");
    expect(host.textContent).toContain("The LLM is not answering.");
    expect(host.querySelector("a")?.getAttribute("href")).toBe("/admin/settings");
    expect(host.querySelector("[role=alert]")).not.toBeNull();
  });

  it("tells other users whom to ask, without a link they cannot open", () => {
    const host = show(new ApiError(503, "llm_unavailable", "Down."), "user");
    expect(host.querySelector("a")).toBeNull();
    expect(host.textContent).toContain("An administrator");
  });

  it("shows other errors without the LLM hint", () => {
    const host = show(new ApiError(413, "review_too_large", "The code is 90,000 tokens; the limit is 6,000."), "admin");
    expect(host.textContent).toBe("The code is 90,000 tokens; the limit is 6,000.");
  });
});
