// Code review: paste code or a unified diff, pick a language and a focus, and get a checked, sectioned review
// (summary, issues by severity with line references, suggestions) to copy or export as Markdown.
import { useRef, useState } from "preact/hooks";
import { SourceList } from "@/components/citations";
import { FormField, SelectField, TextAreaField } from "@/components/form-field";
import { Markdown } from "@/components/markdown";
import { useToast } from "@/components/toast";
import { FOCUSES, type Focus, type Review, type ReviewIssue, reviewCode } from "@/features/assistant/api";
import { AssistantError } from "@/features/assistant/assistant-error";
import { copyLongText, downloadText } from "@/features/assistant/download";
import { groupBySeverity, issueCount, lineRef, reviewFilename, SEVERITY_LABELS } from "@/features/assistant/review";
import { passageLink } from "@/lib/passages";
import "@/features/assistant/assistant.css";
import { todayIso } from "@/lib/dates";

const FOCUS_LABELS: Record<Focus, string> = {
  general: "General",
  security: "Security",
  performance: "Performance",
  readability: "Readability",
};
const LANGUAGES = ["Python", "TypeScript", "JavaScript", "Go", "Rust", "Java", "C", "C++", "C#", "Shell", "SQL"];

export function ReviewPage() {
  const [code, setCode] = useState("");
  const [language, setLanguage] = useState("");
  const [focus, setFocus] = useState<Focus>("general");
  const [description, setDescription] = useState("");
  const [useKnowledge, setUseKnowledge] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const [review, setReview] = useState<Review | null>(null);
  const resultHeading = useRef<HTMLHeadingElement>(null);

  async function submit(event: Event) {
    event.preventDefault();
    if (!code.trim() || busy) return;
    setBusy(true);
    setFailure(null);
    try {
      const found = await reviewCode({
        code,
        language: language.trim(),
        focus,
        description,
        use_knowledge: useKnowledge,
      });
      setReview(found);
      requestAnimationFrame(() => resultHeading.current?.focus());
    } catch (error) {
      setFailure(error);
      setReview(null);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="page page--wide">
      <h1>Code review</h1>
      <form class="card review-form" onSubmit={submit} aria-label="Code to review">
        <div class="field">
          <label for="review-code">Code or unified diff</label>
          <p id="review-code-hint" class="field__hint">
            Paste a file, a part of one, or the output of <code>git diff</code>. Ctrl+Enter starts the review.
          </p>
          <textarea
            id="review-code"
            class="review-form__code"
            rows={16}
            value={code}
            spellcheck={false}
            autocapitalize="off"
            autocomplete="off"
            required
            aria-describedby="review-code-hint"
            onInput={(event) => setCode(event.currentTarget.value)}
            onKeyDown={(event) => {
              if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) void submit(event);
            }}
          />
        </div>
        <div class="review-form__row">
          <FormField
            id="review-language"
            label="Language"
            hint="Empty: detected"
            value={language}
            onInput={setLanguage}
            maxLength={40}
            list="review-languages"
          />
          <datalist id="review-languages">
            {LANGUAGES.map((name) => (
              <option key={name} value={name} />
            ))}
          </datalist>
          <SelectField
            id="review-focus"
            label="Focus"
            value={focus}
            onChange={(value) => setFocus(value as Focus)}
            options={FOCUSES.map((value) => ({ value, label: FOCUS_LABELS[value] }))}
          />
        </div>
        <TextAreaField
          id="review-description"
          label="What the code does or what changed"
          value={description}
          onInput={setDescription}
          rows={2}
          maxLength={4000}
        />
        <div class="button-row">
          <label class="checkbox">
            <input
              type="checkbox"
              checked={useKnowledge}
              onChange={(event) => setUseKnowledge(event.currentTarget.checked)}
            />
            Use the knowledgebase (team conventions, design notes)
          </label>
          <button type="submit" class="button button--primary" disabled={busy || !code.trim()}>
            {busy ? "Reviewing…" : "Review"}
          </button>
        </div>
        <p role="status" class="muted">
          {busy ? "Reviewing… this can take a minute." : ""}
        </p>
      </form>
      {failure !== null && <AssistantError failure={failure} />}
      {review && <ReviewResult review={review} headingRef={resultHeading} />}
    </section>
  );
}

type ResultProps = { review: Review; headingRef: { current: HTMLHeadingElement | null } };

function ReviewResult({ review, headingRef }: ResultProps) {
  const toast = useToast();
  const groups = groupBySeverity(review.issues);

  async function copy() {
    const ok = await copyLongText(review.markdown);
    toast(
      ok ? "Review copied as Markdown." : "Copying did not work here. Use Export instead.",
      ok ? "success" : "error",
    );
  }

  return (
    <section class="review-result" aria-labelledby="review-result-title">
      <div class="page__header">
        <h2 id="review-result-title" ref={headingRef} tabIndex={-1}>
          Review
        </h2>
        <div class="button-row">
          <button type="button" class="button" onClick={() => void copy()}>
            Copy
          </button>
          <button
            type="button"
            class="button"
            onClick={() => downloadText(reviewFilename(review.language, todayIso()), review.markdown)}
          >
            Export as Markdown
          </button>
        </div>
      </div>
      <p class="muted">
        {review.language ? `${review.language} · ` : ""}
        {FOCUS_LABELS[review.focus] ?? review.focus} focus{review.model ? ` · ${review.model}` : ""}
        {review.diff ? " · reviewed as a diff: line numbers are the new file's" : ""}
      </p>
      {review.omitted && <p class="notice notice--warn">{review.omitted}</p>}
      <section class="card" aria-labelledby="review-summary">
        <h3 id="review-summary">Summary</h3>
        <Markdown text={review.summary} />
      </section>
      <section class="card" aria-labelledby="review-issues">
        <h3 id="review-issues">Issues</h3>
        <p>{issueCount(groups)}</p>
        {groups.map((group) => (
          <section key={group.severity} class={`review-group review-group--${group.severity}`}>
            <h4>
              {SEVERITY_LABELS[group.severity]} ({group.issues.length})
            </h4>
            <ol class="review-issues">
              {group.issues.map((issue, index) => (
                <IssueItem key={index} issue={issue} />
              ))}
            </ol>
          </section>
        ))}
      </section>
      {review.suggestions.length > 0 && (
        <section class="card" aria-labelledby="review-suggestions">
          <h3 id="review-suggestions">Suggestions</h3>
          <ul>
            {review.suggestions.map((text, index) => (
              <li key={index}>
                <Markdown text={text} />
              </li>
            ))}
          </ul>
        </section>
      )}
      {review.sources.length > 0 && (
        <section class="card">
          <SourceList
            headingId="review-sources"
            title="Knowledgebase sources"
            sources={review.sources.map((source) => ({
              number: source.number,
              url: passageLink(source.document_id, source.chunk_id),
              title: source.document_title,
              detail: source.heading || undefined,
            }))}
          />
        </section>
      )}
    </section>
  );
}

function IssueItem({ issue }: { issue: ReviewIssue }) {
  const where = lineRef(issue);
  return (
    <li class={`review-issue review-issue--${issue.severity}`}>
      <p class="review-issue__head">
        <span class={`badge review-badge--${issue.severity}`}>{SEVERITY_LABELS[issue.severity] ?? issue.severity}</span>{" "}
        <strong>{issue.title}</strong>
        {where && <span class="review-issue__line"> · {where}</span>}
      </p>
      <Markdown text={issue.detail} />
      {issue.suggestion && (
        <div class="review-issue__suggestion">
          <p class="review-issue__label">Suggestion</p>
          <Markdown text={issue.suggestion} />
        </div>
      )}
    </li>
  );
}
