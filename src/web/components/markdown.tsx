// Markdown from users and the LLM, rendered safely: raw HTML in the source is shown as text, the generated HTML
// goes through DOMPurify with an allow-list, links open without handing over window.opener or the referrer,
// and images are kept only when they come from this appliance (the CSP would block others anyway). @mentions of
// known people become links to their pages, showing their current display name (lib/mentions.ts).
import "@/components/markdown.css";
import DOMPurify from "dompurify";
import { Marked } from "marked";
import { useMemo } from "preact/hooks";
import { linkMentions, mayMention } from "@/lib/mentions";
import { usePeopleDirectory } from "@/lib/people";
import type { UserRef } from "@/lib/types";

const ALLOWED_TAGS = [
  "a",
  "blockquote",
  "br",
  "code",
  "del",
  "em",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "hr",
  "img",
  "li",
  "ol",
  "p",
  "pre",
  "strong",
  "table",
  "tbody",
  "td",
  "th",
  "thead",
  "tr",
  "ul",
];
const ALLOWED_ATTR = ["href", "title", "src", "alt", "start", "align"];

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

const markdown = new Marked({
  gfm: true,
  async: false,
  // Block and inline HTML in the source become visible text, never markup.
  renderer: { html: ({ text }) => escapeHtml(text) },
});

let purifier: ReturnType<typeof DOMPurify> | null = null;

// An own DOMPurify instance, so these hooks never affect another user of the library.
function getPurifier(): ReturnType<typeof DOMPurify> {
  if (purifier) return purifier;
  const instance = DOMPurify(window);
  instance.addHook("afterSanitizeAttributes", (node) => {
    if (node instanceof HTMLAnchorElement && node.hasAttribute("href")) {
      node.setAttribute("rel", "noopener noreferrer");
      if (isForeign(node.getAttribute("href") ?? "")) node.setAttribute("target", "_blank");
    }
    if (node instanceof HTMLImageElement && isForeign(node.getAttribute("src") ?? "")) {
      node.removeAttribute("src");
    }
  });
  purifier = instance;
  return instance;
}

function isForeign(url: string): boolean {
  try {
    return new URL(url, location.href).origin !== location.origin;
  } catch {
    return true;
  }
}

/** Sanitised HTML for a Markdown text; with `people` (by lower-case user name), mentions of them as links. */
export function renderMarkdown(text: string, people?: ReadonlyMap<string, UserRef> | null): string {
  const html = markdown.parse(text) as string;
  const clean = getPurifier().sanitize(html, { ALLOWED_TAGS, ALLOWED_ATTR, ALLOW_DATA_ATTR: false });
  if (!people || !mayMention(text)) return clean;
  // The links are built with DOM calls after sanitising: names and hrefs never pass through HTML parsing.
  const root = document.createElement("template");
  root.innerHTML = clean;
  linkMentions(root.content, people);
  return root.innerHTML;
}

type Props = { text: string; class?: string };

export function Markdown({ text, class: extra }: Props) {
  const people = usePeopleDirectory(mayMention(text));
  const html = useMemo(() => renderMarkdown(text, people), [text, people]);
  return (
    <div
      class={extra ? `markdown ${extra}` : "markdown"}
      // Safe: renderMarkdown() escapes raw HTML in the source and sanitises what Marked generates.
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
