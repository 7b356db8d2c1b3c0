// Ask: a question answered from the knowledgebase, streamed, with numbered citation cards that open the passage
// marked in its document (each card also links to that view: /knowledge?doc=<id>&passage=<chunk id>).
// Without an LLM (or with "Use the LLM" off) the answer is the best passages, labelled as extracts.
import { useRef, useState } from "preact/hooks";
import { Markdown } from "@/components/markdown";
import { type Answer, askStreaming, type Citation, DEGRADED_NOTE, linkCitations } from "@/features/knowledge/api";
import { DocumentViewer } from "@/features/knowledge/document-dialogs";
import { passageLink } from "@/lib/passages";
import "@/components/answers.css";
import "@/features/knowledge/knowledge.css";
import { errorMessage } from "@/lib/api";

/** The highest source number shown: after the answer ends only the cited sources are, not always 1..n. */
export function highestNumber(citations: readonly Citation[]): number {
  return citations.reduce((high, citation) => Math.max(high, citation.number), 0);
}

export function AskPage() {
  const [question, setQuestion] = useState("");
  const [useLlm, setUseLlm] = useState(true);
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState("");
  const [opened, setOpened] = useState<Citation | null>(null);
  const abort = useRef<AbortController | null>(null);

  async function ask(event: Event) {
    event.preventDefault();
    const asked = question.trim();
    if (!asked) return;
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setBusy(true);
    setProblem("");
    setAnswer(null);
    setText("");
    try {
      await askStreaming(
        { question: asked, use_llm: useLlm },
        {
          onCitations: setAnswer,
          onToken: (piece) => setText((now) => now + piece),
          onDone: (done) => {
            if (done.answer !== null) setText(done.answer);
            setAnswer(
              (shown) =>
                shown && {
                  ...shown,
                  citations: done.citations ?? shown.citations,
                  truncated: done.truncated,
                  warnings: done.warnings,
                },
            );
          },
        },
        controller.signal,
      );
    } catch (error) {
      if (!controller.signal.aborted) setProblem(errorMessage(error));
    } finally {
      if (abort.current === controller) setBusy(false);
    }
  }

  /** A followed [n] marker in the answer opens source n's passage (the link's target is its card). */
  function openMarker(event: MouseEvent) {
    const link = (event.target as Element | null)?.closest?.("a[href^='#source-']");
    const number = Number(link?.getAttribute("href")?.slice("#source-".length));
    const citation = answer?.citations.find((c) => c.number === number);
    if (!citation) return;
    event.preventDefault();
    setOpened(citation);
  }

  function stop() {
    abort.current?.abort();
    setBusy(false);
  }

  return (
    <section class="page page--wide">
      <div class="page__header">
        <h1>Ask the knowledgebase</h1>
        <a class="button" href="/knowledge">
          Documents
        </a>
      </div>
      <form class="card ask-form" onSubmit={ask}>
        <div class="field">
          <label for="ask-question">Question</label>
          <textarea
            id="ask-question"
            rows={3}
            maxLength={2000}
            value={question}
            onInput={(event) => setQuestion(event.currentTarget.value)}
            onKeyDown={(event) => {
              if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) void ask(event);
            }}
          />
        </div>
        <div class="button-row">
          <label class="checkbox">
            <input type="checkbox" checked={useLlm} onChange={(event) => setUseLlm(event.currentTarget.checked)} />
            Use the LLM (otherwise: the best extracts only)
          </label>
          <button type="submit" class="button button--primary" disabled={busy || !question.trim()}>
            {busy ? "Asking…" : "Ask"}
          </button>
          {busy && (
            <button type="button" class="button" onClick={stop}>
              Stop
            </button>
          )}
        </div>
      </form>
      {problem && (
        <p class="form-error" role="alert">
          {problem}
        </p>
      )}
      {answer && (
        <div class="ask-answer" aria-live="polite">
          {answer.degraded && (
            <p class="notice" role="status">
              {DEGRADED_NOTE}
            </p>
          )}
          {answer.warnings?.map((warning) => (
            <p key={warning} class="notice notice--warn" role="note">
              {warning}
            </p>
          ))}
          {answer.mode === "llm" ? (
            <>
              <p class="ask-answer__label">Answer</p>
              {text ? (
                // biome-ignore lint/a11y/useKeyWithClickEvents: the clicks come from the links inside (keyboard too)
                // biome-ignore lint/a11y/noStaticElementInteractions: it only delegates its links' clicks
                <div class="ask-answer__text" onClick={openMarker}>
                  <Markdown text={linkCitations(text, highestNumber(answer.citations))} />
                </div>
              ) : (
                <p class="muted">Waiting for the LLM…</p>
              )}
            </>
          ) : (
            <p class="notice">{answer.note}</p>
          )}
          {answer.citations.length > 0 && (
            <>
              <h2>{answer.mode === "llm" ? "Sources" : "Extracts"}</h2>
              <ol class="ask-citations">
                {answer.citations.map((citation) => (
                  <CitationCard key={citation.chunk_id} citation={citation} onOpen={() => setOpened(citation)} />
                ))}
              </ol>
            </>
          )}
        </div>
      )}
      {opened && <DocumentViewer id={opened.document_id} passage={opened} onClose={() => setOpened(null)} />}
    </section>
  );
}

export function CitationCard({ citation, onOpen }: { citation: Citation; onOpen: () => void }) {
  const where = [citation.heading, citation.page ? `page ${citation.page}` : ""].filter(Boolean).join(" · ");
  return (
    <li class="card ask-citation" id={`source-${citation.number}`}>
      <p class="ask-citation__head">
        <span class="ask-citation__number">[{citation.number}]</span>
        <button type="button" class="link-button" onClick={onOpen}>
          {citation.document_title}
        </button>
        {where && <span class="muted">{where}</span>}
        {citation.similarity !== null && (
          <span class="badge badge--muted" title="Cosine similarity to the question">
            {Math.round(citation.similarity * 100)}% match
          </span>
        )}
        <a class="ask-citation__link" href={passageLink(citation.document_id, citation.chunk_id)}>
          Link to this passage
        </a>
      </p>
      {citation.kind === "md" ? (
        // A Markdown document's passage reads as Markdown (sanitised like every Markdown the app shows).
        <Markdown text={citation.text} class="ask-citation__text" />
      ) : (
        <p class="ask-citation__text">{citation.text}</p>
      )}
    </li>
  );
}
