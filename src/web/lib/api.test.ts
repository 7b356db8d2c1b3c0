import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, formErrors, request, sentence, setCsrfToken, withQuery } from "@/lib/api";

afterEach(() => setCsrfToken(null));

describe("withQuery", () => {
  it("leaves out empty parameters", () => {
    expect(withQuery("/api/users", { q: "ann e", role: "", active: undefined, limit: 20, offset: 0 })).toBe(
      "/api/users?q=ann+e&limit=20&offset=0",
    );
    expect(withQuery("/api/users/3", { reassign_to: undefined })).toBe("/api/users/3");
  });
});

describe("request", () => {
  it("turns the error envelope into an ApiError with the field errors", async () => {
    const body = {
      error: {
        code: "validation_failed",
        message: "session_idle_minutes: must be at least 5",
        detail: [{ field: "session_idle_minutes", message: "must be at least 5" }],
      },
    };
    vi.stubGlobal("fetch", async () => new Response(JSON.stringify(body), { status: 422 }));
    setCsrfToken("token-1");
    const failure = await request("PATCH", "/api/settings", { body: {} }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect(formErrors(failure, ["session_idle_minutes"])).toEqual({
      fields: { session_idle_minutes: "Must be at least 5." },
      form: "",
    });
  });

  it("sends the CSRF token on writes only", async () => {
    const fetch = vi.fn(async () => new Response(null, { status: 204 }));
    vi.stubGlobal("fetch", fetch);
    setCsrfToken("token-2");
    await request("GET", "/api/auth/me");
    await request("DELETE", "/api/auth/tokens/1");
    const headers = fetch.mock.calls.map((call) => (call as unknown as [string, RequestInit])[1].headers);
    expect(headers[0]).not.toHaveProperty("X-CSRF-Token");
    expect(headers[1]).toHaveProperty("X-CSRF-Token", "token-2");
  });

  it("says so when the server cannot be reached", async () => {
    vi.stubGlobal("fetch", async () => {
      throw new TypeError("Failed to fetch");
    });
    await expect(request("GET", "/api/health")).rejects.toMatchObject({ status: 0, code: "network_error" });
  });
});

describe("sentence", () => {
  it("turns a server's field message into a sentence under the label", () => {
    expect(sentence("use at least 10 characters")).toBe("Use at least 10 characters.");
    expect(sentence("The two passwords differ.")).toBe("The two passwords differ.");
    expect(sentence("")).toBe("");
  });
});
