// @mentions: the same grammar as the server's (src/devcell/notifications/_mentions.py). A user name as accounts
// allows it (3-32 of a-z 0-9 . _ -, starting with a letter or digit), after an @ that does not follow a word
// character, an @ or a dot (so e-mail addresses are not mentions); code mentions nobody. User names never change
// and display names do, so the text `@username` is the stored reference and the name shown is looked up.
import type { UserRef } from "@/lib/types";

const MENTION = /(?<![\w@.])@([A-Za-z0-9][A-Za-z0-9._-]{2,31})/g;
// What is being typed at the caret: an @ where a mention may start, and up to 32 name characters after it.
const TYPING = /(?<![\w@.])@([A-Za-z0-9][A-Za-z0-9._-]{0,31})?$/;
const NAME = /^[a-z0-9][a-z0-9._-]{2,31}$/;

/** The user names a mention may mean, longest first: "@ada." is "ada." or, more likely, "ada" and a full stop. */
export function candidates(name: string): string[] {
  const lower = name.toLowerCase();
  const trimmed = lower.replace(/[._-]+$/, "");
  return trimmed !== lower && trimmed.length >= 3 ? [lower, trimmed] : [lower];
}

/** Whether `name` can be a user name at all (the person page refuses anything else). */
export function isUsername(name: string): boolean {
  return NAME.test(name);
}

/** Whether the text may hold a mention: cheap, to skip the people directory for most texts. */
export function mayMention(text: string): boolean {
  return text.includes("@");
}

/** Inside a fenced code block or an inline code span at `caret` (a mention there names nobody). */
function inCode(text: string, caret: number): boolean {
  const before = text.slice(0, caret);
  const fences = before.split("\n").filter((line) => /^(```|~~~)/.test(line.trimStart())).length;
  if (fences % 2 === 1) return true;
  const line = before.slice(before.lastIndexOf("\n") + 1);
  return (line.match(/`/g)?.length ?? 0) % 2 === 1;
}

/** The mention being typed at the caret: where its @ is and the name typed so far ("" right after the @). */
export function typedMention(text: string, caret: number): { start: number; query: string } | null {
  const found = TYPING.exec(text.slice(0, caret));
  if (!found || inCode(text, caret)) return null;
  return { start: found.index, query: found[1] ?? "" };
}

/** The text with the mention being typed (from its @ to the caret) replaced by `@username `, and the new caret. */
export function insertMention(
  text: string,
  start: number,
  caret: number,
  username: string,
): { text: string; caret: number } {
  const inserted = `@${username} `;
  const rest = text.slice(caret).replace(/^ /, ""); // no double space when the caret stood before one
  return { text: text.slice(0, start) + inserted + rest, caret: start + inserted.length };
}

function shownName(person: UserRef): string {
  return `@${person.display_name || person.username}`;
}

/** A link to the person's page for one text node's mentions, or null when it has none of a known person. */
function linked(text: string, people: ReadonlyMap<string, UserRef>): DocumentFragment | null {
  const fragment = document.createDocumentFragment();
  let last = 0;
  let any = false;
  for (const match of text.matchAll(MENTION)) {
    const name = match[1] ?? "";
    const person = candidates(name)
      .map((candidate) => people.get(candidate))
      .find(Boolean);
    if (!person) continue; // unknown user names stay plain text
    const start = match.index ?? 0;
    fragment.append(text.slice(last, start));
    const link = document.createElement("a");
    link.href = `/people/${encodeURIComponent(person.username)}`;
    link.className = "mention";
    link.title = `@${person.username}`;
    link.textContent = shownName(person);
    fragment.append(link);
    last = start + 1 + person.username.length; // a trailing full stop left off the name stays text
    any = true;
  }
  if (!any) return null;
  fragment.append(text.slice(last));
  return fragment;
}

/** Turn the mentions of known people in rendered (sanitised) HTML into links to their pages; code and existing
 * links are left alone. `people` is keyed by lower-case user name. */
export function linkMentions(root: ParentNode, people: ReadonlyMap<string, UserRef>): void {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode: (node) =>
      node.parentElement?.closest("code, pre, a") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
  });
  const nodes: Text[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) nodes.push(node as Text);
  for (const node of nodes) {
    const replacement = mayMention(node.data) ? linked(node.data, people) : null;
    if (replacement) node.replaceWith(replacement);
  }
}
