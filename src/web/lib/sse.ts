// Streamed answers (server-sent events over a POST): the event parser and the stream reader the Ask and Chat
// pages share, and the ApiError an error body or an `error` event stands for.
import { ApiError } from "@/lib/api";
import { errorFromBody, parseJson } from "@/lib/upload";

/** The ApiError an error response's text stands for (the JSON error body when there is one). */
export function errorFromText(status: number, text: string): ApiError {
  return errorFromBody(status, parseJson(text));
}

/** The ApiError an `error` event's data ({status, code, message}) stands for. */
export function streamError(record: Record<string, unknown>): ApiError {
  return new ApiError(Number(record.status ?? 502), String(record.code), String(record.message));
}

/** One server-sent event block ("event: x\ndata: {...}") as [event, data]; comments and junk give null. */
export function parseEvent(block: string): [string, unknown] | null {
  let event = "message";
  let data = "";
  for (const line of block.split("\n")) {
    if (line.startsWith("event: ")) event = line.slice(7);
    else if (line.startsWith("data: ")) data += line.slice(6);
  }
  if (!data) return null;
  try {
    return [event, JSON.parse(data)];
  } catch {
    return null;
  }
}

/** Reads a response body of server-sent events to its end, calling `onEvent` for each well-formed one in order;
 *  an exception thrown by `onEvent` ends the reading and rejects. */
export async function readEvents(
  body: NonNullable<Response["body"]>,
  onEvent: (event: string, data: unknown) => void,
): Promise<void> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end = buffer.indexOf("\n\n");
    while (end >= 0) {
      const parsed = parseEvent(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf("\n\n");
      if (parsed) onEvent(...parsed);
    }
  }
}
