// Sign-in page: one generic message for wrong credentials, honours ?next= back to where the user was.
import { useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { FormField } from "@/components/form-field";
import { login } from "@/features/accounts/api";
import { ApiError, errorMessage } from "@/lib/api";
import { safeNext } from "@/lib/navigation";
import type { Registration, User } from "@/lib/session";

type Props = { applianceName: string; registration: Registration; onSignedIn: (user: User) => void };

export function LoginPage({ applianceName, registration, onSignedIn }: Props) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const { query, route } = useLocation();

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    setBusy(true);
    try {
      const user = await login({ username: username.trim(), password });
      route(safeNext(query.next), true);
      onSignedIn(user);
    } catch (failure) {
      setError(loginError(failure));
      setPassword("");
      setBusy(false);
    }
  }

  return (
    <main class="auth" id="main">
      <form class="auth__card" onSubmit={submit}>
        <h1>Sign in to {applianceName}</h1>
        <FormField
          id="username"
          label="Username"
          value={username}
          onInput={setUsername}
          autocomplete="username"
          required
        />
        <FormField
          id="password"
          label="Password"
          type="password"
          value={password}
          onInput={setPassword}
          autocomplete="current-password"
          required
        />
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="button button--primary" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
        <details class="auth__help">
          <summary>Forgot your password?</summary>
          <p class="muted">
            {applianceName} sends no e-mail. Ask one of its administrators: they can make you a one-time reset link on
            the Users page (or set a new password for you).
          </p>
        </details>
        {registration === "open" && (
          <p class="muted">
            No account yet? <a href="/register">Register</a>
          </p>
        )}
      </form>
    </main>
  );
}

function loginError(error: unknown): string {
  if (!(error instanceof ApiError)) return errorMessage(error);
  if (error.status === 401 || error.status === 422) return "Wrong username or password.";
  return error.message; // 429 rate_limited and server trouble carry their own readable message.
}
