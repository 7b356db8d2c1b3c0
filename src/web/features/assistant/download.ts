// Save or copy text made in the page (a review's Markdown, a workflow artifact) without another server call.
import { copyText } from "@/lib/clipboard";

/** Offers `text` as a file download named `filename`. */
export function downloadText(filename: string, text: string, type = "text/markdown"): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started by now; the object URL is only needed for the click.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Copies multi-line text; over plain HTTP (no Clipboard API) through a short-lived off-screen textarea. */
export async function copyLongText(text: string): Promise<boolean> {
  if (await copyText(text)) return true;
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.className = "visually-hidden";
  const focused = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  document.body.append(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  area.remove();
  focused?.focus();
  return ok;
}
