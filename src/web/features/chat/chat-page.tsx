// Chat: personas, a multi-turn conversation, optional knowledge sources, and Stop. When the admin keeps chat
// history (chat_retention_days > 0), conversations are stored per user and listed here to reopen or delete.
import { useEffect, useRef, useState } from "preact/hooks";
import { CitedMarkdown, type CitedSource, SourceList } from "@/components/citations";
import { useConfirm } from "@/components/confirm-dialog";
import { SelectField } from "@/components/form-field";
import { Time } from "@/components/time";
import { useToast } from "@/components/toast";
import {
  type ConversationPage,
  deleteAllConversations,
  deleteConversation,
  getConversation,
  listConversations,
  listPersonas,
  type Message,
  type Persona,
  streamChat,
} from "@/features/chat/api";
import { DEGRADED_NOTE, passageLink } from "@/lib/passages";
import "@/features/chat/chat.css";
import { errorMessage } from "@/lib/api";

export function ChatPage() {
  const [personas, setPersonas] = useState<Persona[]>([]);
  const [persona, setPersona] = useState("assistant");
  const [useKnowledge, setUseKnowledge] = useState(false);
  const [messages, setMessages] = useState<Message[]>([]);
  const [conversationId, setConversationId] = useState<number | null>(null);
  const [history, setHistory] = useState<ConversationPage | null>(null);
  const [draft, setDraft] = useState("");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState("");
  const abort = useRef<AbortController | null>(null);
  const toast = useToast();

  const refreshHistory = () =>
    listConversations().then(setHistory, (error: unknown) => setProblem(`Chat history: ${errorMessage(error)}`));

  useEffect(() => {
    listPersonas().then(
      (found) => setPersonas(found.items),
      () => undefined,
    );
    void refreshHistory();
    return () => abort.current?.abort();
  }, []);

  async function send(event: Event) {
    event.preventDefault();
    const text = draft.trim();
    if (!text || busy) return;
    const sent: Message[] = [...messages, { role: "user", content: text }];
    setMessages([...sent, { role: "assistant", content: "" }]);
    setDraft("");
    setProblem("");
    setBusy(true);
    const controller = new AbortController();
    abort.current = controller;
    const update = (change: (last: Message) => Message) =>
      setMessages((now) => [...now.slice(0, -1), change(now[now.length - 1] as Message)]);
    try {
      await streamChat(
        { messages: sent, persona, use_knowledge: useKnowledge, conversation_id: conversationId },
        {
          onSources: (sources, stored, degraded) => {
            update((last) => ({ ...last, sources, degraded }));
            if (stored !== null) setConversationId(stored);
          },
          onToken: (piece) => update((last) => ({ ...last, content: last.content + piece })),
          onDone: (sources, truncated) => update((last) => ({ ...last, sources, truncated })),
        },
        controller.signal,
      );
    } catch (error) {
      if (!controller.signal.aborted) {
        setProblem(errorMessage(error));
        setMessages(sent);
      }
    } finally {
      if (controller.signal.aborted) update((last) => ({ ...last, stopped: true }));
      setBusy(false);
      if (history && history.retention_days > 0) void refreshHistory();
    }
  }

  function startNew() {
    setMessages([]);
    setConversationId(null);
    setProblem("");
  }

  async function open(id: number) {
    try {
      const found = await getConversation(id);
      setMessages(found.messages);
      setPersona(found.persona);
      setConversationId(found.id);
      setProblem("");
    } catch (error) {
      toast(errorMessage(error), "error");
      void refreshHistory();
    }
  }

  return (
    <section class="page page--wide">
      <div class="page__header">
        <h1>Chat</h1>
        <button type="button" class="button" onClick={startNew} disabled={busy || !messages.length}>
          New conversation
        </button>
      </div>
      <p class="muted">
        {history && history.retention_days > 0
          ? `Your conversations are kept for ${history.retention_days} day(s) after their last message; only you can see them, and you can delete them below.`
          : "The conversation stays in this page; DevCell does not store it."}
      </p>
      <div class="chat-layout">
        <div class="chat-main">
          <ol class="chat-log" aria-live="polite">
            {messages.map((message, index) => (
              <ChatMessage key={index} message={message} index={index} />
            ))}
          </ol>
          {problem && (
            <p class="form-error" role="alert">
              {problem}
            </p>
          )}
          <form class="card ask-form" onSubmit={send}>
            <div class="field">
              <label for="chat-input">Message</label>
              <textarea
                id="chat-input"
                rows={3}
                value={draft}
                onInput={(event) => setDraft(event.currentTarget.value)}
              />
            </div>
            <div class="button-row">
              <SelectField
                id="chat-persona"
                label="Persona"
                value={persona}
                options={personas.map((p) => ({ value: p.id, label: p.name }))}
                onChange={setPersona}
              />
              <label class="checkbox">
                <input
                  type="checkbox"
                  checked={useKnowledge}
                  onChange={(event) => setUseKnowledge(event.currentTarget.checked)}
                />
                Use the knowledgebase
              </label>
              <button type="submit" class="button button--primary" disabled={busy || !draft.trim()}>
                Send
              </button>
              {busy && (
                <button type="button" class="button" onClick={() => abort.current?.abort()}>
                  Stop
                </button>
              )}
            </div>
          </form>
        </div>
        {history && (history.retention_days > 0 || history.items.length > 0) && (
          <ChatHistory
            page={history}
            current={conversationId}
            busy={busy}
            onOpen={open}
            onChanged={(deletedCurrent) => {
              if (deletedCurrent) startNew();
              void refreshHistory();
            }}
          />
        )}
      </div>
    </section>
  );
}

function ChatMessage({ message, index }: { message: Message; index: number }) {
  const sources: CitedSource[] = (message.sources ?? []).map((source) => ({
    number: source.number,
    url: passageLink(source.document_id, source.chunk_id),
    title: source.document_title,
    detail: source.page ? `page ${source.page}` : undefined,
  }));
  return (
    <li class={`card chat-message chat-message--${message.role}`}>
      <p class="ask-answer__label">{message.role === "user" ? "You" : "Assistant"}</p>
      {message.role === "assistant" ? (
        <CitedMarkdown markdown={message.content || "…"} sources={sources} />
      ) : (
        <p>{message.content}</p>
      )}
      {message.stopped && <p class="muted">Stopped: this is the reply so far.</p>}
      {message.truncated && (
        <p class="notice notice--warn">Cut off: the model reached its length limit before it finished.</p>
      )}
      {message.degraded && sources.length > 0 && (
        <p class="notice" role="status">
          {DEGRADED_NOTE}
        </p>
      )}
      <SourceList sources={sources} headingId={`chat-message-${index}-sources`} level={3} />
    </li>
  );
}

function ChatHistory({
  page,
  current,
  busy,
  onOpen,
  onChanged,
}: {
  page: ConversationPage;
  current: number | null;
  busy: boolean;
  onOpen: (id: number) => void;
  onChanged: (deletedCurrent: boolean) => void;
}) {
  const confirm = useConfirm();
  const toast = useToast();

  async function remove(id: number, title: string) {
    const ok = await confirm({
      title: `Delete "${title}"?`,
      message: "The conversation is deleted from the server. This cannot be undone.",
      confirmLabel: "Delete",
      danger: true,
    });
    if (!ok) return;
    try {
      await deleteConversation(id);
      toast("Conversation deleted.", "success");
      onChanged(id === current);
    } catch (error) {
      toast(errorMessage(error), "error");
    }
  }

  async function removeAll() {
    const ok = await confirm({
      title: "Delete all your conversations?",
      message: `All ${page.total} stored conversation(s) are deleted from the server. This cannot be undone.`,
      confirmLabel: "Delete all",
      danger: true,
    });
    if (!ok) return;
    try {
      await deleteAllConversations();
      toast("All your conversations were deleted.", "success");
      onChanged(current !== null);
    } catch (error) {
      toast(errorMessage(error), "error");
    }
  }

  return (
    <aside class="card chat-history" aria-labelledby="chat-history-title">
      <div class="chat-history__header">
        <h2 id="chat-history-title">History</h2>
        {page.items.length > 0 && (
          <button type="button" class="button button--small button--danger" onClick={removeAll} disabled={busy}>
            Delete all
          </button>
        )}
      </div>
      {page.items.length === 0 && <p class="muted">No stored conversations yet.</p>}
      <ul class="chat-history__list">
        {page.items.map((item) => (
          <li
            key={item.id}
            class={item.id === current ? "chat-history__item chat-history__item--current" : "chat-history__item"}
          >
            <button
              type="button"
              class="link-button"
              onClick={() => onOpen(item.id)}
              disabled={busy}
              aria-current={item.id === current ? "true" : undefined}
            >
              {item.title}
            </button>
            <span class="muted">
              {" "}
              <Time value={item.updated_at} relative />
            </span>
            <button
              type="button"
              class="button button--small"
              onClick={() => remove(item.id, item.title)}
              disabled={busy}
              aria-label={`Delete ${item.title}`}
            >
              Delete
            </button>
          </li>
        ))}
      </ul>
    </aside>
  );
}
