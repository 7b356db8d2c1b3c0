import { describe, expect, it } from "vitest";
import { parseEvent, readEvents } from "@/lib/sse";

describe("parseEvent", () => {
  it("reads the event name and its JSON data", () => {
    expect(parseEvent('event: token\ndata: {"text": "Hi [1]"}')).toEqual(["token", { text: "Hi [1]" }]);
  });

  it("ignores keep-alive comments and broken data", () => {
    expect(parseEvent(": keep-alive")).toBeNull();
    expect(parseEvent("event: token\ndata: {broken")).toBeNull();
  });
});

describe("readEvents", () => {
  it("gives the well-formed events in order, however the stream is cut", async () => {
    const parts = ['event: token\ndata: {"te', 'xt": "a"}\n\n: keep-alive\n\nevent: done\ndata: {}\n\n'];
    const encoder = new TextEncoder();
    const body = new ReadableStream({
      start(controller) {
        for (const part of parts) controller.enqueue(encoder.encode(part));
        controller.close();
      },
    });
    const seen: [string, unknown][] = [];
    await readEvents(body, (event, data) => seen.push([event, data]));
    expect(seen).toEqual([
      ["token", { text: "a" }],
      ["done", {}],
    ]);
  });
});
