// The top bar's status: is an LLM there (GET /api/llm/status) and how many health checks warn (the badge summary).
// Administrators follow them to where they fix it (the LLM settings, the System page); everyone else gets what
// they are allowed to know and who can fix it, never a link to a page they cannot open.
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { useDismiss } from "@/app/use-dismiss";
import { getHealthSummary } from "@/features/system/api";
import { describe, type Health } from "@/features/system/health-badge";
import { errorMessage, request } from "@/lib/api";
import { useUnreadCount } from "@/lib/notifications";
import { isAdmin, useSession } from "@/lib/session";
import { useStatusChange } from "@/lib/status-events";

type LlmStatus = { configured: boolean; reachable: boolean; model: string; message: string };
const LLM_POLL_MS = 60_000;
const HEALTH_POLL_MS = 30_000;
/** The LLM section of the settings page (its fieldset's id). */
export const LLM_SETTINGS = "/admin/settings#settings-llm";

/** Asks now, every `ms` while the page is visible, and at once when a page announces a change. */
function usePolled<T>(load: () => Promise<T>, ms: number, failed: (error: unknown) => T | null): T | null {
  const [value, setValue] = useState<T | null>(null);
  const live = useRef(true);
  const ask = () => {
    if (document.hidden) return;
    load().then(
      (found) => live.current && setValue(found),
      (error: unknown) => live.current && setValue(failed(error)),
    );
  };
  useEffect(() => {
    live.current = true;
    ask();
    const timer = setInterval(ask, ms);
    return () => {
      live.current = false;
      clearInterval(timer);
    };
  }, []);
  useStatusChange(ask);
  return value;
}

export function LlmChip() {
  const { user } = useSession();
  const status = usePolled(
    () => request<LlmStatus>("GET", "/api/llm/status"),
    LLM_POLL_MS,
    () => null,
  );
  if (!status) return null;
  const [tone, label] = !status.configured
    ? ["muted", "No LLM"]
    : status.reachable
      ? ["ok", "LLM ready"]
      : ["warn", "LLM down"];
  const chip = <span class={`llm-chip llm-chip--${tone}`}>{label}</span>;
  // Working: it leads to where it is used. Missing or down: an administrator to where it is fixed.
  if (status.configured && status.reachable) {
    return (
      <a href="/ask" class="health-link" title={status.message} aria-label={`${label}: ${status.message} Open Ask`}>
        {chip}
      </a>
    );
  }
  if (isAdmin(user)) {
    return (
      <a
        href={LLM_SETTINGS}
        class="health-link"
        title={status.message}
        aria-label={`${label}: ${status.message} Open the LLM settings`}
      >
        {chip}
      </a>
    );
  }
  return (
    <Explained id="llm-status-note" label={`${label}: what this means`} face={chip}>
      <p>
        <strong>{label}.</strong> {status.message}
      </p>
      <p>
        Ask, Chat, SITREPs, code review, workflows and training plans need it. Only an administrator can connect the LLM
        server, in Settings: ask one if you need these.
      </p>
    </Explained>
  );
}

export function HealthBadge() {
  const { user } = useSession();
  const health = usePolled<Health>(
    async () => ({ kind: "known", summary: await getHealthSummary() }),
    HEALTH_POLL_MS,
    (error) => ({ kind: "unreachable", message: errorMessage(error) }),
  ) ?? { kind: "checking" };
  const { tone, label, title } = describe(health);
  const badge = (
    <span class={`badge badge--${tone}`} role="status" title={title}>
      {label}
    </span>
  );
  if (isAdmin(user)) {
    return (
      <a href="/admin/system" class="health-link" aria-label={`Health: ${label}. Open the System page`}>
        {badge}
      </a>
    );
  }
  const problems = health.kind === "known" ? (health.summary.problems ?? []) : [];
  if (problems.length === 0) return badge;
  return (
    <Explained id="health-problems" label={`Health: ${label}. Show which`} face={badge}>
      <p>
        <strong>{label === "1 problem" ? "One check needs attention:" : "These checks need attention:"}</strong>
      </p>
      <ul class="status-note__list">
        {problems.map((problem) => (
          <li key={problem.name}>
            {problem.title} <span class="muted">({problem.severity})</span>
          </li>
        ))}
      </ul>
      <p>
        Only an administrator can fix {problems.length === 1 ? "it" : "these"}; they see the details on the System page.
        Nothing here needs you, but tell one if it lasts.
      </p>
    </Explained>
  );
}

type ExplainedProps = { id: string; label: string; face: ComponentChildren; children: ComponentChildren };

/** A status that opens a short note when pressed (for users who cannot open the page that fixes it). */
function Explained({ id, label, face, children }: ExplainedProps) {
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  useDismiss(
    open,
    box,
    () => setOpen(false),
    () => button.current?.focus(),
  );
  return (
    <div class="status-note" ref={box}>
      <button
        ref={button}
        type="button"
        class="status-note__button"
        aria-expanded={open}
        aria-controls={id}
        aria-label={label}
        onClick={() => setOpen(!open)}
      >
        {face}
      </button>
      <div id={id} class="status-note__panel popover-panel" hidden={!open}>
        {children}
      </div>
    </div>
  );
}

/** The inbox's bell: the unread count, live over the notifications event stream (lib/notifications). */
export function NotificationBell() {
  const unread = useUnreadCount();
  const count = unread ?? 0;
  const label = `Notifications, ${count === 0 ? "none" : count} unread`;
  return (
    <a href="/notifications" class="bell" aria-label={label} title={label}>
      <svg class="bell__icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
        <path
          fill="currentColor"
          d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
        />
      </svg>
      {count > 0 && (
        <span class="bell__count" aria-hidden="true">
          {count > 99 ? "99+" : count}
        </span>
      )}
    </a>
  );
}
