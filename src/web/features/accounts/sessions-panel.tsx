// The user's signed-in browsers: which one is this device, sign out one, or sign out everywhere.
import { useState } from "preact/hooks";
import { useConfirm } from "@/components/confirm-dialog";
import { LoadState } from "@/components/load-state";
import { useToast } from "@/components/toast";
import { listSessions, logoutAll, revokeSession, type SessionInfo } from "@/features/accounts/api";
import { RevokeTokensCheckbox } from "@/features/accounts/revoke-tokens-checkbox";
import { errorMessage } from "@/lib/api";
import { formatDateTime } from "@/lib/format";
import { useLoad } from "@/lib/use-load";

export function SessionsPanel({ version }: { version: number }) {
  const sessions = useLoad(listSessions, [version]);
  const [revokeTokens, setRevokeTokens] = useState(true);
  const confirm = useConfirm();
  const toast = useToast();

  async function revoke(session: SessionInfo) {
    const ok = await confirm({
      title: "Sign out this session?",
      message: `${describeAgent(session.user_agent)} from ${session.client_address} will have to sign in again.`,
      confirmLabel: "Sign out session",
      danger: true,
    });
    if (!ok) return;
    try {
      await revokeSession(session.id);
      toast("Session signed out.", "success");
    } catch (error) {
      toast(errorMessage(error), "error");
    }
    sessions.reload();
  }

  async function signOutEverywhere() {
    const ok = await confirm({
      title: "Sign out everywhere?",
      message: revokeTokens
        ? "Every session of yours ends, this one included, and all your API tokens are revoked."
        : "Every session of yours ends, this one included. Your API tokens keep working.",
      confirmLabel: "Sign out everywhere",
      danger: true,
    });
    if (!ok) return;
    try {
      await logoutAll(revokeTokens);
    } catch (error) {
      toast(errorMessage(error), "error");
      return;
    }
    location.assign("/login"); // a full load: nothing of the ended session stays in memory
  }

  return (
    <section class="card" aria-labelledby="sessions-title">
      <h2 id="sessions-title">Sessions</h2>
      <p class="muted">Browsers signed in to your account.</p>
      <LoadState loaded={sessions} what="your sessions" />
      {sessions.data && (
        <ul class="item-list">
          {sessions.data.map((session) => (
            <li key={session.id} class="item-list__item">
              <div>
                <strong>{describeAgent(session.user_agent)}</strong>
                {session.current && <span class="badge badge--ok item-list__badge">This device</span>}
                <p class="muted item-list__meta">
                  {session.client_address} · signed in {formatDateTime(session.created_at)} · last active{" "}
                  {formatDateTime(session.last_seen_at)}
                </p>
              </div>
              {!session.current && (
                <button type="button" class="button" onClick={() => revoke(session)}>
                  Sign out<span class="visually-hidden"> {describeAgent(session.user_agent)}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <RevokeTokensCheckbox id="sessions-revoke-tokens" checked={revokeTokens} onChange={setRevokeTokens} />
      <button type="button" class="button button--danger" onClick={signOutEverywhere}>
        Sign out everywhere
      </button>
    </section>
  );
}

/** "Firefox on Linux" from a User-Agent header; the raw text when it is something else (curl, a script). */
export function describeAgent(agent: string): string {
  if (!agent) return "Unknown browser";
  const browser = /Edg\//.test(agent)
    ? "Edge"
    : /Firefox\//.test(agent)
      ? "Firefox"
      : /Chrom(e|ium)\//.test(agent)
        ? "Chrome"
        : /Safari\//.test(agent)
          ? "Safari"
          : null;
  const system = /Android/.test(agent)
    ? "Android"
    : /iPhone|iPad/.test(agent)
      ? "iOS"
      : /Windows/.test(agent)
        ? "Windows"
        : /Mac OS X/.test(agent)
          ? "macOS"
          : /Linux/.test(agent)
            ? "Linux"
            : null;
  if (!browser) return agent.length > 60 ? `${agent.slice(0, 57)}…` : agent;
  return system ? `${browser} on ${system}` : browser;
}
