// A Markdown textarea with a Write / Preview switch; the preview uses the same sanitising renderer as the pages.
// With `mentions` (where the text lives), typing @ and letters offers the people who can see that item, in a
// listbox tied to the textarea (aria-activedescendant): arrows choose, Enter or Tab inserts `@username `, Escape
// closes; a click works too. Nobody else is offered: a mention of someone who cannot see the item tells nobody.
import "@/components/markdown-editor.css";
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { fieldAria } from "@/components/form-field";
import { Markdown } from "@/components/markdown";
import { insertMention, typedMention } from "@/lib/mentions";
import { listMentionable, type MentionScope } from "@/lib/people";
import type { UserRef } from "@/lib/types";

export type { MentionScope };

type Props = {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  rows?: number;
  maxLength?: number;
  hint?: string;
  error?: string | undefined;
  required?: boolean;
  disabled?: boolean;
  /** Where the text lives, for @mention suggestions; without it there are none. */
  mentions?: MentionScope | undefined;
};

type Typing = { start: number; query: string };

const SUGGEST_DELAY_MS = 120; // one request per pause in typing, not per key

function scopeKey(scope: MentionScope | undefined): string {
  return scope ? `${scope.kind}:${scope.id ?? ""}:${scope.projectId ?? ""}` : "";
}

/** The people to offer for the mention being typed (empty while none is typed or nobody matches). */
function useSuggestions(scope: MentionScope | undefined, typing: Typing | null): UserRef[] | null {
  const [found, setFound] = useState<{ key: string; people: UserRef[] } | null>(null);
  const key = typing && scope ? `${scopeKey(scope)}|${typing.query.toLowerCase()}` : "";
  const scopeRef = useRef(scope);
  scopeRef.current = scope;
  useEffect(() => {
    const current = scopeRef.current;
    if (!key || !current || !typing) return;
    let live = true;
    const timer = setTimeout(() => {
      listMentionable(current, typing.query).then(
        (people) => live && setFound({ key, people }),
        () => live && setFound({ key, people: [] }), // no suggestions; typing the name still works
      );
    }, SUGGEST_DELAY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key]);
  return found && found.key === key ? found.people : null;
}

export function MarkdownEditor({
  id,
  label,
  value,
  onInput,
  rows = 4,
  maxLength,
  hint,
  error,
  required,
  disabled,
  mentions,
}: Props) {
  const [preview, setPreview] = useState(false);
  const [typing, setTyping] = useState<Typing | null>(null);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState<number | null>(null); // the @ whose suggestions Escape closed
  const area = useRef<HTMLTextAreaElement>(null);
  const caretAfter = useRef<number | null>(null);
  const people = useSuggestions(mentions, typing);
  const open = typing !== null && people !== null && people.length > 0;
  const listId = `${id}-mentions`;
  const fullHint = hint ? `${hint} Markdown is supported.` : "Markdown is supported.";
  const hintText = mentions ? `${fullHint} Type @ to mention someone.` : fullHint;

  // After inserting a mention the parent re-renders the textarea with the new text: put the caret after it.
  useLayoutEffect(() => {
    const at = caretAfter.current;
    if (at === null || !area.current) return;
    caretAfter.current = null;
    area.current.focus();
    area.current.setSelectionRange(at, at);
  }, [value]);

  function follow(field: HTMLTextAreaElement) {
    if (!mentions) return;
    const found = field.selectionStart === field.selectionEnd ? typedMention(field.value, field.selectionStart) : null;
    if (found && found.start === dismissed) return setTyping(null);
    if (!found) setDismissed(null);
    if (found?.start !== typing?.start || found?.query !== typing?.query) setActive(0);
    setTyping(found);
  }

  function choose(person: UserRef) {
    const field = area.current;
    if (!field || !typing) return;
    const next = insertMention(field.value, typing.start, field.selectionStart, person.username);
    caretAfter.current = next.caret;
    setTyping(null);
    onInput(next.text);
  }

  function onKeyDown(event: KeyboardEvent) {
    if (!open || !people) return;
    const move = { ArrowDown: 1, ArrowUp: -1 }[event.key];
    if (move !== undefined) {
      setActive((active + move + people.length) % people.length);
    } else if ((event.key === "Enter" || event.key === "Tab") && !event.shiftKey) {
      const person = people[Math.min(active, people.length - 1)];
      if (person) choose(person);
    } else if (event.key === "Escape") {
      event.stopPropagation(); // closes the suggestions only, not a dialog around the editor
      setDismissed(typing.start);
      setTyping(null);
    } else {
      return;
    }
    event.preventDefault();
  }

  const optionId = (at: number) => `${id}-mention-${at}`;
  return (
    <div class="field md-editor">
      <div class="md-editor__head">
        <label for={id}>
          {label}
          {!required && <span class="field__optional"> (optional)</span>}
        </label>
        <button type="button" class="link-button" aria-pressed={preview} onClick={() => setPreview(!preview)}>
          {preview ? "Edit" : "Preview"}
          <span class="visually-hidden"> {label}</span>
        </button>
      </div>
      <p id={`${id}-hint`} class="field__hint">
        {hintText}
      </p>
      {preview ? (
        <div class="md-editor__preview">
          {value.trim() ? <Markdown text={value} /> : <p class="muted">Nothing to preview.</p>}
        </div>
      ) : (
        <div class="md-editor__write">
          <textarea
            ref={area}
            id={id}
            name={id}
            rows={rows}
            value={value}
            maxLength={maxLength}
            required={required}
            disabled={disabled}
            onInput={(event) => {
              onInput(event.currentTarget.value);
              follow(event.currentTarget);
            }}
            onKeyDown={onKeyDown}
            onKeyUp={(event) => {
              if (["ArrowLeft", "ArrowRight", "Home", "End"].includes(event.key)) follow(event.currentTarget);
            }}
            onClick={(event) => follow(event.currentTarget)}
            onBlur={() => setTyping(null)}
            aria-autocomplete={mentions ? "list" : undefined}
            aria-controls={open ? listId : undefined}
            aria-activedescendant={open ? optionId(active) : undefined}
            {...fieldAria(id, hintText, error)}
          />
          {open && (
            <div id={listId} class="md-editor__mentions" role="listbox" aria-label="People to mention">
              {people.map((person, at) => (
                // biome-ignore lint/a11y/useKeyWithClickEvents: the textarea handles the keys (arrows, Enter, Tab)
                <div
                  key={person.id}
                  tabIndex={-1}
                  id={optionId(at)}
                  role="option"
                  aria-selected={at === active}
                  class={at === active ? "md-editor__mention md-editor__mention--active" : "md-editor__mention"}
                  onMouseDown={(event) => event.preventDefault()} // the textarea keeps the focus and the caret
                  onMouseMove={() => at !== active && setActive(at)}
                  onClick={() => choose(person)}
                >
                  <span>{person.display_name || person.username}</span>
                  <span class="md-editor__mention-name">@{person.username}</span>
                </div>
              ))}
            </div>
          )}
          {mentions && (
            <p class="visually-hidden" role="status">
              {open
                ? `${people.length} ${people.length === 1 ? "person" : "people"} to mention. Up and down to choose, Enter to insert.`
                : ""}
            </p>
          )}
        </div>
      )}
      {error && (
        <p id={`${id}-error`} class="field__error">
          {error}
        </p>
      )}
    </div>
  );
}
