// Root: reads /api/setup and /api/auth/me, then routes to first-run setup, the login page or the signed-in shell.
import { useCallback, useEffect, useState } from "preact/hooks";
import { LocationProvider, Router, useLocation } from "preact-iso";
import { Shell } from "@/app/shell";
import { ToastProvider } from "@/components/toast";
import { getMe, getSetup, type SetupStatus } from "@/features/accounts/api";
import { LoginPage } from "@/features/accounts/login-page";
import { SetupPage } from "@/features/accounts/setup-page";
import { HomePage } from "@/features/home/home-page";
import { errorMessage } from "@/lib/api";
import { loginPath, safeNext } from "@/lib/navigation";
import { SessionContext, type User } from "@/lib/session";
import { NotFound } from "@/pages/not-found";

type Boot =
  | { state: "loading" }
  | { state: "failed"; message: string }
  | { state: "ready"; setup: SetupStatus; user: User | null };

export function App() {
  return (
    <LocationProvider>
      <ToastProvider>
        <Root />
      </ToastProvider>
    </LocationProvider>
  );
}

function Root() {
  const [boot, setBoot] = useState<Boot>({ state: "loading" });
  const load = useCallback(async () => {
    setBoot({ state: "loading" });
    try {
      const setup = await getSetup();
      const user = setup.needs_setup ? null : await getMe();
      document.title = setup.appliance_name;
      setBoot({ state: "ready", setup, user });
    } catch (error) {
      setBoot({ state: "failed", message: errorMessage(error) });
    }
  }, []);
  useEffect(() => void load(), [load]);

  if (boot.state === "loading") return <Loading />;
  if (boot.state === "failed") return <BootFailed message={boot.message} onRetry={load} />;

  const { setup, user } = boot;
  const applianceName = setup.appliance_name;
  const signIn = (signedIn: User) =>
    setBoot({ state: "ready", setup: { ...setup, needs_setup: false }, user: signedIn });
  const signOut = () => setBoot({ state: "ready", setup, user: null });

  if (setup.needs_setup) {
    return (
      <Router>
        <SetupPage path="/setup" applianceName={applianceName} onSignedIn={signIn} onAlreadySetUp={load} />
        <Redirect default to="/setup" />
      </Router>
    );
  }
  if (!user) {
    return (
      <Router>
        <LoginPage path="/login" applianceName={applianceName} registration={setup.registration} onSignedIn={signIn} />
        <ToLogin default />
      </Router>
    );
  }
  return (
    <SessionContext value={{ user, applianceName }}>
      <Shell onSignedOut={signOut}>
        <Router>
          <HomePage path="/" />
          <AfterLogin path="/login" />
          <Redirect path="/setup" to="/" />
          <NotFound default />
        </Router>
      </Shell>
    </SessionContext>
  );
}

function Redirect({ to }: { to: string }) {
  const { route } = useLocation();
  useEffect(() => route(to, true), [to]);
  return null;
}

function ToLogin() {
  const { url } = useLocation();
  return <Redirect to={loginPath(url)} />;
}

function AfterLogin() {
  const { query } = useLocation();
  return <Redirect to={safeNext(query.next)} />;
}

function Loading() {
  return (
    <p class="splash" role="status">
      Loading…
    </p>
  );
}

function BootFailed({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <main class="auth" id="main">
      <div class="auth__card" role="alert">
        <h1>DevCell is not answering</h1>
        <p>{message}</p>
        <button type="button" class="button button--primary" onClick={onRetry}>
          Try again
        </button>
      </div>
    </main>
  );
}
