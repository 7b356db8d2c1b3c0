// Landing page after sign-in; the dashboard slice replaces it.
import { displayName, useSession } from "@/lib/session";

export function HomePage() {
  const { user, applianceName } = useSession();
  return (
    <section class="page">
      <h1>Welcome to {applianceName}</h1>
      <p>
        Signed in as <strong>{displayName(user)}</strong> ({user.username}, {user.role}).
      </p>
    </section>
  );
}
