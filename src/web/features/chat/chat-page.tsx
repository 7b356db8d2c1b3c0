// Chat: personas, a multi-turn conversation kept in this page only, optional knowledge sources, and Stop.
import { useEffect, useRef, useState } from "preact/hooks";
import { SelectField } from "@/components/form-field";
import { Markdown } from "@/components/markdown";
import { listPersonas, type Message, type Persona, streamChat } from "@/features/chat/api";
import "@/features/knowledge/knowledge.css";
import { errorMessage } from "@/lib/api";

export function ChatPage() {
  const [personas, setPersonas] = useState<Persona[]>([]);
  const [persona, setPersona] = useState("assistant");
  const [useKnowledge, setUseKnowledge] = useState(false);
  const [messages, setMessages] = useState<Message[]>([]);
  const [draft, setDraft] = useState("");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState("");
  const abort = useRef<AbortController | null>(null);

  useEffect(() => {
    listPersonas().then(
      (found) => setPersonas(found.items),
      () => undefined,
    );
    return () => abort.current?.abort();
  }, []);

  async function send(event: Event) {
    event.preventDefault();
    const text = draft.trim();
    if (!text || busy) return;
    const history: Message[] = [...messages, { role: "user", content: text }];
    setMessages([...history, { role: "assistant", content: "" }]);
    setDraft("");
    setProblem("");
    setBusy(true);
    const controller = new AbortController();
    abort.current = controller;
    const update = (change: (last: Message) => Message) =>
      setMessages((now) => [...now.slice(0, -1), change(now[now.length - 1] as Message)]);
    try {
      await streamChat(
        { messages: history, persona, use_knowledge: useKnowledge },
        {
          onSources: (sources) => update((last) => ({ ...last, sources })),
          onToken: (piece) => update((last) => ({ ...last, content: last.content + piece })),
        },
        controller.signal,
      );
    } catch (error) {
      if (!controller.signal.aborted) {
        setProblem(errorMessage(error));
        setMessages(history);
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="page page--wide">
      <div class="page__header">
        <h1>Chat</h1>
        <button type="button" class="button" onClick={() => setMessages([])} disabled={busy || !messages.length}>
          New conversation
        </button>
      </div>
      <p class="muted">The conversation stays in this page; DevCell does not store it.</p>
      <ol class="chat-log" aria-live="polite">
        {messages.map((message, index) => (
          <li key={index} class={`card chat-message chat-message--${message.role}`}>
            <p class="ask-answer__label">{message.role === "user" ? "You" : "Assistant"}</p>
            {message.role === "assistant" ? <Markdown text={message.content || "…"} /> : <p>{message.content}</p>}
            {message.sources && message.sources.length > 0 && (
              <ul class="muted">
                {message.sources.map((source) => (
                  <li key={source.chunk_id}>
                    [{source.number}] {source.document_title}
                    {source.page ? `, page ${source.page}` : ""}
                  </li>
                ))}
              </ul>
            )}
          </li>
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
          <textarea id="chat-input" rows={3} value={draft} onInput={(event) => setDraft(event.currentTarget.value)} />
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
    </section>
  );
}
