// Citation markers "[n]" in an answer's Markdown as links to the sources they name: the one linker of every page
// that cites (components/citations shows the result).

/** One numbered source: where its link goes, what it is called, and optionally what kind it is and where in it. */
export type CitedSource = { number: number; url: string; title: string; kind?: string; detail?: string };

// "[3]" not followed by "(" (already a link), ":" (a link definition) or "[" other than the next marker (a
// reference link's label), nor right after a "]" other than a marker's (a reference link's "[text][3]"); so both
// of "[1][2]" are linked.
const MARKER = /(?<!(?<!\[\d{1,3})\])\[(\d{1,3})\](?![(:])(?!\[(?!\d{1,3}\]))/g;
const FENCE = /^(```|~~~)/;

/** The Markdown with each "[n]" that names a known source turned into a link; code blocks are left alone. */
export function linkMarkers(markdown: string, urls: ReadonlyMap<number, string>): string {
  if (urls.size === 0) return markdown;
  let inCode = false;
  return markdown
    .split("\n")
    .map((line) => {
      if (FENCE.test(line.trim())) {
        inCode = !inCode;
        return line;
      }
      if (inCode) return line;
      return line.replace(MARKER, (whole, digits: string) => {
        const url = urls.get(Number(digits));
        return url ? `[\\[${digits}\\]](${encodeURI(decodeSafe(url))})` : whole;
      });
    })
    .join("\n");
}

// encodeURI keeps "?", "=", "#" and "/", and escapes spaces or brackets that would end the link early.
function decodeSafe(url: string): string {
  try {
    return decodeURI(url);
  } catch {
    return url;
  }
}

export function sourceUrls(sources: readonly CitedSource[]): Map<number, string> {
  return new Map(sources.map((source) => [source.number, source.url]));
}
