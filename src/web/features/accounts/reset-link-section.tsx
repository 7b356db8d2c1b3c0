// In the user editor (administrators): make a one-time password reset link for a user who forgot theirs, shown
// once to hand over; the user's open link can be revoked. Making a new link replaces the open one.
import { useState } from "preact/hooks";
import { CopyField } from "@/components/copy-field";
import { Time } from "@/components/time";
import { useToast } from "@/components/toast";
import { createResetLink, listResetLinks, type ResetLinkCreated, revokeResetLink } from "@/features/accounts/users-api";
import { errorMessage } from "@/lib/api";
import type { User } from "@/lib/session";
import { useLoad } from "@/lib/use-load";

export function ResetLinkSection({ user }: { user: User }) {
  const links = useLoad(listResetLinks, [user.id]);
  const [made, setMade] = useState<ResetLinkCreated | null>(null);
  const [busy, setBusy] = useState(false);
  const toast = useToast();
  const pending = (links.data?.items ?? []).find((link) => link.user_id === user.id && link.status === "open");

  async function act(work: () => Promise<unknown>) {
    setBusy(true);
    try {
      await work();
    } catch (error) {
      toast(errorMessage(error), "error");
    } finally {
      setBusy(false);
      links.reload();
    }
  }

  return (
    <section class="dialog__section" aria-labelledby="edit-user-reset-link">
      <h3 id="edit-user-reset-link">Reset link</h3>
      <p class="muted">
        For a user who forgot their password: a link that works once, for 24 hours, where they choose a new one
        themselves. Using it signs them out everywhere and revokes their API tokens.
      </p>
      {made && (
        <CopyField
          id="edit-user-reset-url"
          label="One-time reset link"
          value={`${location.origin}${made.path}`}
          hint={
            <>
              Give it to {user.username} directly; you will not see it again. It expires{" "}
              <Time value={made.expires_at} />.
            </>
          }
        />
      )}
      {pending && !made && (
        <p>
          An unused link expires <Time value={pending.expires_at} />.{" "}
          <button
            type="button"
            class="button button--small"
            disabled={busy}
            onClick={() => void act(() => revokeResetLink(pending.id))}
          >
            Revoke link
          </button>
        </p>
      )}
      <button
        type="button"
        class="button"
        disabled={busy || !user.active}
        onClick={() => void act(async () => setMade(await createResetLink(user.id)))}
      >
        {pending ? "Make a new reset link" : "Make a reset link"}
      </button>
    </section>
  );
}
