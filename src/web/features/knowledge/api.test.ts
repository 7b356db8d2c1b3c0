import { describe, expect, it } from "vitest";
import { parseEvent } from "@/features/knowledge/api";

describe("parseEvent", () => {
  it("reads the event name and its JSON data", () => {
    expect(parseEvent('event: token\ndata: {"text": "Hi [1]"}')).toEqual(["token", { text: "Hi [1]" }]);
  });

  it("ignores keep-alive comments and broken data", () => {
    expect(parseEvent(": keep-alive")).toBeNull();
    expect(parseEvent("event: token\ndata: {broken")).toBeNull();
  });
});
