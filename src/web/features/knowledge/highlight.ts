// Finding a cited passage in its document's shown text and marking exactly it (not its neighbours).
import { renderMarkdown } from "@/components/markdown";

const SPACE = /\s/;

/**
 * Where `needle` stands in `haystack` as [start, end) offsets of `haystack`, ignoring whitespace on both sides
 * (a passage's paragraphs are joined by blank lines, the shown text may wrap or indent them differently); null
 * when it is not there or has no text.
 */
export function locate(haystack: string, needle: string): [number, number] | null {
  const wanted = needle.replace(/\s+/g, "");
  if (!wanted) return null;
  const kept: string[] = [];
  const offsets: number[] = [];
  for (let i = 0; i < haystack.length; i++) {
    const ch = haystack[i] as string;
    if (!SPACE.test(ch)) {
      kept.push(ch);
      offsets.push(i);
    }
  }
  const at = kept.join("").indexOf(wanted);
  if (at < 0) return null;
  return [offsets[at] as number, (offsets[at + wanted.length - 1] as number) + 1];
}

/** The text a reader sees of a Markdown passage (its syntax rendered away), to look for in a rendered document. */
export function shownText(markdown: string): string {
  const holder = document.createElement("div");
  holder.innerHTML = renderMarkdown(markdown); // sanitised; never attached to the page
  return holder.textContent ?? "";
}

export const HIT_CLASS = "kb-viewer__hit";

/**
 * Wraps the text of `passage` inside `container` in <mark> elements (one per text node it covers, none around
 * whitespace between blocks) and returns them, first to last; none when the passage is not in the container.
 */
export function markPassage(container: HTMLElement, passage: string): HTMLElement[] {
  const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
  const nodes: Text[] = [];
  const starts: number[] = [];
  let length = 0;
  const parts: string[] = [];
  while (walker.nextNode()) {
    const node = walker.currentNode as Text;
    nodes.push(node);
    starts.push(length);
    parts.push(node.data);
    length += node.data.length;
  }
  const found = locate(parts.join(""), passage);
  if (!found) return [];
  const [from, to] = found;
  const marks: HTMLElement[] = [];
  nodes.forEach((original, index) => {
    const start = starts[index] as number;
    const end = start + original.data.length;
    if (end <= from || start >= to) return;
    const a = Math.max(from - start, 0);
    const b = Math.min(to - start, original.data.length);
    if (!original.data.slice(a, b).trim()) return;
    let node = original;
    if (a > 0) node = node.splitText(a);
    if (b - a < node.data.length) node.splitText(b - a);
    const mark = document.createElement("mark");
    mark.className = HIT_CLASS;
    node.parentNode?.insertBefore(mark, node);
    mark.appendChild(node);
    marks.push(mark);
  });
  return marks;
}
