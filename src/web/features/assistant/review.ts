// Pure helpers of the review page: issues grouped by severity, line references, and the export file name.
import { type ReviewIssue, SEVERITIES, type Severity } from "@/features/assistant/api";

export const SEVERITY_LABELS: Record<Severity, string> = {
  critical: "Critical",
  high: "High",
  medium: "Medium",
  low: "Low",
  info: "Info",
};

export type SeverityGroup = { severity: Severity; issues: ReviewIssue[] };

/** Non-empty groups, most severe first; issues keep the model's order within a group. Unknown severities go last. */
export function groupBySeverity(issues: readonly ReviewIssue[]): SeverityGroup[] {
  const groups = new Map<Severity, ReviewIssue[]>(SEVERITIES.map((severity) => [severity, []]));
  for (const issue of issues) {
    const bucket = groups.get(issue.severity) ?? (groups.get("info") as ReviewIssue[]);
    bucket.push(issue);
  }
  return SEVERITIES.map((severity) => ({ severity, issues: groups.get(severity) ?? [] })).filter(
    (group) => group.issues.length > 0,
  );
}

/** "Line 12", "Lines 12–15", or "" when the model gave no (valid) line. */
export function lineRef(issue: Pick<ReviewIssue, "line" | "end_line">): string {
  if (issue.line === null) return "";
  if (issue.end_line === null || issue.end_line <= issue.line) return `Line ${issue.line}`;
  return `Lines ${issue.line}–${issue.end_line}`;
}

/** "review-python-2026-11-26.md": what the exported Markdown is saved as. */
export function reviewFilename(language: string, day: string): string {
  const slug = language
    .toLowerCase()
    .replace(/[^a-z0-9+#]+/g, "-")
    .replace(/[+#]/g, (ch) => (ch === "+" ? "p" : "sharp"))
    .replace(/^-+|-+$/g, "");
  return slug ? `review-${slug}-${day}.md` : `review-${day}.md`;
}

/** "3 issues: 1 critical, 2 low" for the result heading (screen readers hear the count at once). */
export function issueCount(groups: readonly SeverityGroup[]): string {
  const total = groups.reduce((sum, group) => sum + group.issues.length, 0);
  if (total === 0) return "No issues found";
  const parts = groups.map((group) => `${group.issues.length} ${group.severity}`);
  return `${total} ${total === 1 ? "issue" : "issues"}: ${parts.join(", ")}`;
}
