// The own account: profile fields, password, signed-in sessions, personal API tokens and what I am notified of.
import { useState } from "preact/hooks";
import { NotificationPreferences } from "@/components/notification-preferences";
import { PasswordForm } from "@/features/accounts/password-form";
import { ProfileForm } from "@/features/accounts/profile-form";
import { SessionsPanel } from "@/features/accounts/sessions-panel";
import { TokensPanel } from "@/features/accounts/tokens-panel";
import { displayName, useSession } from "@/lib/session";

export function ProfilePage() {
  const { user } = useSession();
  // Bumped after a password change, which signs the other sessions out and may revoke the API tokens: both
  // lists reload.
  const [credentialsVersion, setCredentialsVersion] = useState(0);
  return (
    <section class="page">
      <h1>Your profile</h1>
      <p class="muted">
        Signed in as <strong>{user.username}</strong>
        {user.display_name ? ` (${displayName(user)})` : ""}, {user.role === "admin" ? "administrator" : "user"}.
      </p>
      <ProfileForm />
      <PasswordForm onChanged={() => setCredentialsVersion((n) => n + 1)} />
      <SessionsPanel version={credentialsVersion} />
      <TokensPanel version={credentialsVersion} />
      <NotificationPreferences />
    </section>
  );
}
