// Chat calls: personas, a streamed reply for the conversation the page keeps, and the stored history (only while
// the admin keeps one: chat_retention_days > 0).
import { ApiError, request } from "@/lib/api";
import type { Citation } from "@/lib/passages";
import { readEvents, streamError } from "@/lib/sse";
import { csrfToken } from "@/lib/upload";

export type Persona = { id: string; name: string; description: string };
export type Message = {
  role: "user" | "assistant";
  content: string;
  sources?: Citation[];
  stopped?: boolean;
  /** The sources came from keyword search: the semantic index was being rebuilt. */
  degraded?: boolean;
  /** The model stopped at its length limit: the reply is cut off. */
  truncated?: boolean;
};
export type Conversation = {
  id: number;
  title: string;
  persona: string;
  message_count: number;
  created_at: string;
  updated_at: string;
  expires_at: string;
};
export type ConversationPage = { items: Conversation[]; total: number; retention_days: number };

export function listConversations(): Promise<ConversationPage> {
  return request<ConversationPage>("GET", "/api/chat/conversations?limit=100");
}

export function getConversation(id: number): Promise<Conversation & { messages: Message[] }> {
  return request<Conversation & { messages: Message[] }>("GET", `/api/chat/conversations/${id}`);
}

export function deleteConversation(id: number): Promise<void> {
  return request<void>("DELETE", `/api/chat/conversations/${id}`);
}

export function deleteAllConversations(): Promise<void> {
  return request<void>("DELETE", "/api/chat/conversations");
}

export function listPersonas(): Promise<{ items: Persona[] }> {
  return request<{ items: Persona[] }>("GET", "/api/chat/personas");
}

type Handlers = {
  onSources: (sources: Citation[], conversationId: number | null, degraded: boolean) => void;
  onToken: (text: string) => void;
  /** The reply is complete: the sources it cites (only those) and whether it was cut off. */
  onDone: (sources: Citation[], truncated: boolean) => void;
};

export async function streamChat(
  body: { messages: Message[]; persona: string; use_knowledge: boolean; conversation_id: number | null },
  handlers: Handlers,
  signal: AbortSignal,
): Promise<void> {
  const token = await csrfToken();
  const messages = body.messages.map(({ role, content }) => ({ role, content }));
  let response: Response;
  try {
    response = await fetch("/api/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
      body: JSON.stringify({ ...body, messages, stream: true }),
      credentials: "same-origin",
      signal,
    });
  } catch {
    if (signal.aborted) return;
    throw new ApiError(0, "network_error", "Cannot reach the DevCell server.");
  }
  if (!response.ok || !response.body) {
    const text = await response.text();
    let message = `The server answered ${response.status}.`;
    try {
      message = (JSON.parse(text) as { error: { message: string } }).error.message;
    } catch {
      // keep the generic message
    }
    throw new ApiError(response.status, "chat_failed", message);
  }
  await readEvents(response.body, (event, data) => {
    const record = data as Record<string, unknown>;
    if (event === "sources")
      handlers.onSources(
        (record.sources as Citation[]) ?? [],
        (record.conversation_id as number | null) ?? null,
        record.degraded === true,
      );
    else if (event === "token") handlers.onToken(String(record.text ?? ""));
    else if (event === "done") handlers.onDone((record.sources as Citation[]) ?? [], record.truncated === true);
    else if (event === "error") throw streamError(record);
  });
}
