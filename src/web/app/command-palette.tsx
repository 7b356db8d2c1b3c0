// The command palette (Ctrl-K, Cmd-K on a Mac): one field that finds pages, tasks, projects, documents and people
// and opens the chosen one. An ARIA combobox with a listbox popup: arrow keys move through the options (focus stays
// in the field; aria-activedescendant says which), Enter opens, Escape closes and focus returns where it was.
import { useEffect, useId, useState } from "preact/hooks";
import { type FindGroup, findAnything, MAX_QUERY } from "@/app/find-api";
import { findPages, NAV_ITEMS } from "@/app/nav-items";
import { Dialog } from "@/components/dialog";
import { errorMessage } from "@/lib/api";

/** Wait this long after the last key before asking the server: most typing is several keys in a row. */
const DEBOUNCE_MS = 150;
const MAX_PAGES = 6;

type Option = { key: string; title: string; subtitle: string; url: string };
type Section = { label: string; options: Option[] };
/** The server's answer to the query `q`: its groups, or why there are none. */
type Answer = { q: string; groups: FindGroup[]; failed?: string };

type Props = { admin: boolean; onOpen: (url: string) => void; onClose: () => void };

export function CommandPalette({ admin, onOpen, onClose }: Props) {
  const id = useId();
  const [text, setText] = useState("");
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [active, setActive] = useState(0);
  const query = text.trim();

  useEffect(() => {
    if (!query) return;
    let wanted = true; // answers to older queries are dropped
    const timer = setTimeout(() => {
      findAnything(query.slice(0, MAX_QUERY)).then(
        (found) => wanted && setAnswer({ q: query, groups: found.groups }),
        (error) => wanted && setAnswer({ q: query, groups: [], failed: errorMessage(error) }),
      );
    }, DEBOUNCE_MS);
    return () => {
      wanted = false;
      clearTimeout(timer);
    };
  }, [query]);

  // While the next answer is on its way the last one stays on screen (no flicker as one types), but the status
  // says it is searching until the answer to exactly this query is in.
  const groups = query && answer ? answer.groups : [];
  const settled = answer !== null && answer.q === query ? answer : null;
  const sections = buildSections(admin, query, groups);
  const options = sections.flatMap((section) => section.options);
  const current = options.length ? Math.min(active, options.length - 1) : -1;
  const optionId = (index: number) => `${id}-option-${index}`;

  useEffect(() => setActive(0), [query, answer]);
  useEffect(() => {
    if (current >= 0) document.getElementById(optionId(current))?.scrollIntoView?.({ block: "nearest" });
  });

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (options.length) setActive((current + (event.key === "ArrowDown" ? 1 : -1) + options.length) % options.length);
    } else if (event.key === "Enter") {
      event.preventDefault();
      const chosen = options[current];
      if (chosen) onOpen(chosen.url);
    }
  }

  let index = 0;
  return (
    <Dialog title="Go to" onClose={onClose} wide>
      <div class="palette">
        <label class="palette__label" for={`${id}-input`}>
          Find pages, tasks, projects, documents and people
        </label>
        <input
          id={`${id}-input`}
          class="palette__input"
          type="text"
          role="combobox"
          autocomplete="off"
          spellcheck={false}
          maxLength={MAX_QUERY}
          aria-autocomplete="list"
          aria-expanded={options.length > 0}
          aria-controls={options.length ? `${id}-listbox` : undefined}
          aria-activedescendant={current >= 0 ? optionId(current) : undefined}
          aria-describedby={`${id}-status`}
          data-palette-input
          value={text}
          onInput={(event) => setText(event.currentTarget.value)}
          onKeyDown={onKeyDown}
        />
        <p id={`${id}-status`} class="palette__status" role="status">
          {statusText(query, settled, options.length)}
        </p>
        {options.length > 0 && (
          <div id={`${id}-listbox`} class="palette__list" role="listbox" aria-label="Results">
            {sections.map((section) => (
              // biome-ignore lint/a11y/useSemanticElements: options grouped inside a listbox, not form fields in a fieldset
              <div key={section.label} role="group" aria-labelledby={`${id}-${section.label}`}>
                <div id={`${id}-${section.label}`} class="palette__group" role="presentation">
                  {section.label}
                </div>
                {section.options.map((option) => {
                  const at = index++;
                  return (
                    // biome-ignore lint/a11y/useKeyWithClickEvents: the combobox field handles the keys (arrows, Enter)
                    <div
                      key={option.key}
                      tabIndex={-1}
                      id={optionId(at)}
                      role="option"
                      aria-selected={at === current}
                      class={at === current ? "palette__option palette__option--active" : "palette__option"}
                      onMouseDown={(event) => event.preventDefault()} // the field keeps the focus
                      onMouseMove={() => at !== current && setActive(at)}
                      onClick={() => onOpen(option.url)}
                    >
                      <span class="palette__title">{option.title}</span>
                      {option.subtitle && <span class="palette__subtitle">{option.subtitle}</span>}
                    </div>
                  );
                })}
              </div>
            ))}
          </div>
        )}
        <p class="palette__keys muted" aria-hidden="true">
          ↑ ↓ to choose · Enter to open · Esc to close
        </p>
      </div>
    </Dialog>
  );
}

/** Pages first (found here: the sidebar's list is the page's own), then what the server found. */
function buildSections(admin: boolean, query: string, groups: FindGroup[]): Section[] {
  const allowed = NAV_ITEMS.filter((item) => admin || !item.adminOnly);
  const pages = findPages(allowed, query).slice(0, query ? MAX_PAGES : allowed.length);
  const sections: Section[] = [];
  if (pages.length) {
    const options = pages.map((page) => ({
      key: `page:${page.href}`,
      title: page.label,
      subtitle: "",
      url: page.href,
    }));
    sections.push({ label: "Pages", options });
  }
  for (const group of query ? groups : []) {
    const options = group.items.map((hit) => ({ key: `${group.kind}:${hit.id}`, ...hit }));
    sections.push({ label: group.label, options });
  }
  return sections;
}

function statusText(query: string, settled: Answer | null, count: number): string {
  if (!query) return "Type to search, or choose a page.";
  if (!settled) return "Searching…";
  if (settled.failed) return `Only pages are listed: ${settled.failed}`;
  if (count === 0) return `Nothing matches “${query}”.`;
  return count === 1 ? "1 result." : `${count} results.`;
}
