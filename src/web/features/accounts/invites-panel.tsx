// Invite links (administrators): create a single-use registration link (shown once), list them, revoke.
import { useState } from "preact/hooks";
import { useConfirm } from "@/components/confirm-dialog";
import { CopyField } from "@/components/copy-field";
import { FormField, SelectField } from "@/components/form-field";
import { LoadState } from "@/components/load-state";
import { useToast } from "@/components/toast";
import { getSetup } from "@/features/accounts/api";
import { ROLE_CHOICES } from "@/features/accounts/user-create-form";
import {
  createInvite,
  type Invite,
  type InviteStatus,
  listInvites,
  type NewInvite,
  revokeInvite,
} from "@/features/accounts/users-api";
import { errorMessage } from "@/lib/api";
import { formatDateTime } from "@/lib/format";
import type { Role } from "@/lib/session";
import { useFormSubmit } from "@/lib/use-form-submit";
import { useLoad } from "@/lib/use-load";

const EXPIRY_CHOICES = [
  { value: "24", label: "1 day" },
  { value: "72", label: "3 days" },
  { value: "168", label: "7 days" },
  { value: "720", label: "30 days" },
];
const STATUS: Record<InviteStatus, { label: string; tone: string }> = {
  open: { label: "Open", tone: "ok" },
  used: { label: "Used", tone: "muted" },
  expired: { label: "Expired", tone: "muted" },
  revoked: { label: "Revoked", tone: "muted" },
};
const FIELDS = ["role", "note", "expires_in_hours"] as const;

export function InvitesPanel() {
  const invites = useLoad(listInvites, []);
  const setup = useLoad(getSetup, []);
  const [role, setRole] = useState<Role>("user");
  const [note, setNote] = useState("");
  const [hours, setHours] = useState("72");
  const { busy, errors, formError, run } = useFormSubmit(FIELDS);
  const [created, setCreated] = useState<NewInvite | null>(null);
  const confirm = useConfirm();
  const toast = useToast();

  async function create(event: SubmitEvent) {
    event.preventDefault();
    await run(async () => {
      setCreated(await createInvite({ role, note: note.trim(), expires_in_hours: Number(hours) }));
      setNote("");
      invites.reload();
    });
  }

  async function revoke(invite: Invite) {
    const ok = await confirm({
      title: "Revoke this invite link?",
      message: `Nobody can register with it any more${invite.note ? ` (“${invite.note}”)` : ""}.`,
      confirmLabel: "Revoke invite",
      danger: true,
    });
    if (!ok) return;
    try {
      await revokeInvite(invite.id);
      toast("Invite revoked.", "success");
      if (created?.id === invite.id) setCreated(null);
    } catch (error) {
      toast(errorMessage(error), "error");
    }
    invites.reload();
  }

  return (
    <section class="card" aria-labelledby="invites-title">
      <h2 id="invites-title">Invite links</h2>
      <p class="muted">A link lets one person create their own account, with the role you choose.</p>
      {setup.data?.registration === "closed" && (
        <p class="notice notice--warn">
          Registration is <strong>closed</strong>, so invite links do not work yet. Set <em>Registration</em> to{" "}
          <em>invite</em> on the <a href="/admin/settings">Settings</a> page.
        </p>
      )}
      {created && (
        <div class="notice notice--warn" role="status">
          <p>
            <strong>Copy the link now. You will not see it again.</strong> Send it to the person you invite; it works
            once, until {formatDateTime(created.expires_at)}.
          </p>
          <CopyField id="new-invite-link" label="Invite link" value={location.origin + created.path} />
          <button type="button" class="button" onClick={() => setCreated(null)}>
            I have copied it
          </button>
        </div>
      )}
      <form class="inline-form" onSubmit={create} noValidate aria-label="Create an invite link">
        <SelectField
          id="invite-role"
          label="Role"
          value={role}
          error={errors.role}
          options={ROLE_CHOICES}
          onChange={(value) => setRole(value as Role)}
        />
        <FormField
          id="invite-note"
          label="Note"
          value={note}
          onInput={setNote}
          error={errors.note}
          maxLength={120}
          hint="Whom it is for."
        />
        <SelectField
          id="invite-expiry"
          label="Valid for"
          value={hours}
          error={errors.expires_in_hours}
          options={EXPIRY_CHOICES}
          onChange={setHours}
        />
        <button type="submit" class="button button--primary" disabled={busy}>
          {busy ? "Creating…" : "Create invite link"}
        </button>
      </form>
      {formError && (
        <p class="form-error" role="alert">
          {formError}
        </p>
      )}
      <LoadState loaded={invites} what="invite links" />
      {invites.data && invites.data.length === 0 && <p class="muted">No invite links yet.</p>}
      {invites.data && invites.data.length > 0 && (
        <ul class="item-list">
          {invites.data.map((invite) => (
            <li key={invite.id} class="item-list__item">
              <div>
                <strong>{invite.note || "Invite"}</strong>{" "}
                <span class={`badge badge--${STATUS[invite.status].tone}`}>{STATUS[invite.status].label}</span>
                <p class="muted item-list__meta">
                  {invite.role === "admin" ? "administrator" : "user"} · created {formatDateTime(invite.created_at)}
                  {invite.status === "used"
                    ? ` · used ${formatDateTime(invite.used_at)}`
                    : ` · expires ${formatDateTime(invite.expires_at)}`}
                </p>
              </div>
              {invite.status === "open" && (
                <button type="button" class="button" onClick={() => revoke(invite)}>
                  Revoke<span class="visually-hidden"> invite {invite.note}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
