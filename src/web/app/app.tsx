// Root: reads /api/setup and /api/auth/me, then routes to first-run setup, the login page or the signed-in shell.
// Pages other than sign-in load on first visit (dynamic import), so the first load stays small.
import type { FunctionComponent } from "preact";
import { useCallback, useEffect, useState } from "preact/hooks";
import { ErrorBoundary, LocationProvider, lazy, Router, useLocation } from "preact-iso";
import { Shell } from "@/app/shell";
import { ConfirmProvider } from "@/components/confirm-dialog";
import { ToastProvider } from "@/components/toast";
import { getMe, getSetup, type SetupStatus } from "@/features/accounts/api";
import { LoginPage } from "@/features/accounts/login-page";
import { RegisterPage } from "@/features/accounts/register-page";
import { ResetPage } from "@/features/accounts/reset-page";
import { SetupPage } from "@/features/accounts/setup-page";
import { SetupRestore } from "@/features/system/setup-restore";
import { ApiError, errorMessage } from "@/lib/api";
import { loginPath, safeNext } from "@/lib/navigation";
import { isAdmin, SessionContext, type User, useSession } from "@/lib/session";

const ProfilePage = lazyPage(() => import("@/features/accounts/profile-page").then((m) => m.ProfilePage));
const UsersPage = lazyPage(() => import("@/features/accounts/users-page").then((m) => m.UsersPage));
const SettingsPage = lazyPage(() => import("@/features/settings/settings-page").then((m) => m.SettingsPage));
// Pages showing a piece of another feature get it from here (features never import each other): loaded with the
// page, or for the dashboard's extras on first use, as when the page imported them itself.
const DashboardPage = lazyPage(() =>
  import("@/features/dashboard/dashboard-page").then(({ DashboardPage }) => () => (
    <DashboardPage
      loadTaskCreate={() => import("@/features/tasks/task-create-dialog").then((m) => m.TaskCreateDialog)}
      loadSitrepCard={() => import("@/features/assistant/sitrep-card").then((m) => m.SitrepCard)}
    />
  )),
);
const ProjectsPage = lazyPage(() => import("@/features/projects/projects-page").then((m) => m.ProjectsPage));
const ProjectPage = lazyPage(() =>
  Promise.all([import("@/features/projects/project-page"), import("@/features/assistant/summary-panel")]).then(
    ([{ ProjectPage }, { SummaryPanel }]) =>
      () => <ProjectPage Summary={SummaryPanel} />,
  ),
);
const TasksPage = lazyPage(() => import("@/features/tasks/tasks-page").then((m) => m.TasksPage));
const StandupsPage = lazyPage(() =>
  Promise.all([import("@/features/standups/standups-page"), import("@/features/assistant/summary-panel")]).then(
    ([{ StandupsPage }, { SummaryPanel }]) =>
      () => <StandupsPage Summary={SummaryPanel} />,
  ),
);
const StandupHistoryPage = lazyPage(() => import("@/features/standups/history-page").then((m) => m.StandupHistoryPage));
const SystemPage = lazyPage(() => import("@/features/system/system-page").then((m) => m.SystemPage));
const KnowledgePage = lazyPage(() => import("@/features/knowledge/knowledge-page").then((m) => m.KnowledgePage));
const AskPage = lazyPage(() => import("@/features/knowledge/ask-page").then((m) => m.AskPage));
const ChatPage = lazyPage(() => import("@/features/chat/chat-page").then((m) => m.ChatPage));
const PersonPage = lazyPage(() => import("@/features/people/person-page").then((m) => m.PersonPage));
const InboxPage = lazyPage(() => import("@/features/notifications/inbox-page").then((m) => m.InboxPage));
const SitrepsPage = lazyPage(() => import("@/features/assistant/sitreps-page").then((m) => m.SitrepsPage));
const ReviewPage = lazyPage(() => import("@/features/assistant/review-page").then((m) => m.ReviewPage));
const WorkflowsPage = lazyPage(() => import("@/features/assistant/workflows-page").then((m) => m.WorkflowsPage));
const WorkflowPage = lazyPage(() => import("@/features/assistant/workflow-page").then((m) => m.WorkflowPage));
// Only when the database cannot be opened (recovery mode): a page of its own, loaded on demand.
const RecoveryPage = lazy(() => import("@/features/system/recovery-page").then((m) => m.RecoveryPage));
const TrainingPage = lazyPage(() => import("@/features/training/training-page").then((m) => m.TrainingPage));

type Boot =
  | { state: "loading" }
  | { state: "failed"; message: string }
  | { state: "recovery" }
  | { state: "ready"; setup: SetupStatus; user: User | null };

export function App() {
  return (
    <LocationProvider>
      <ToastProvider>
        <ConfirmProvider>
          <Root />
        </ConfirmProvider>
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
      const recovering = error instanceof ApiError && error.code === "recovery_mode";
      setBoot(recovering ? { state: "recovery" } : { state: "failed", message: errorMessage(error) });
    }
  }, []);
  useEffect(() => void load(), [load]);

  if (boot.state === "loading") return <Loading />;
  if (boot.state === "failed") return <BootFailed message={boot.message} onRetry={load} />;
  if (boot.state === "recovery") return <RecoveryPage onRestored={() => location.assign("/")} />;

  const { setup, user } = boot;
  const applianceName = setup.appliance_name;
  const signIn = (signedIn: User) =>
    setBoot({ state: "ready", setup: { ...setup, needs_setup: false }, user: signedIn });
  // Re-read /api/setup: an admin may have changed the registration policy or the name meanwhile.
  const signOut = () => void load();
  const setUser = (changed: User) => setBoot((now) => (now.state === "ready" ? { ...now, user: changed } : now));
  const setApplianceName = (name: string) => {
    document.title = name;
    setBoot((now) =>
      now.state === "ready" && now.setup.appliance_name !== name
        ? { ...now, setup: { ...now.setup, appliance_name: name } }
        : now,
    );
  };

  if (setup.needs_setup) {
    return (
      <Router>
        <SetupPage
          path="/setup"
          applianceName={applianceName}
          onSignedIn={signIn}
          onAlreadySetUp={load}
          Restore={SetupRestore}
        />
        <Redirect default to="/setup" />
      </Router>
    );
  }
  if (!user) {
    return (
      <Router>
        <LoginPage path="/login" applianceName={applianceName} registration={setup.registration} onSignedIn={signIn} />
        <RegisterPage
          path="/register"
          applianceName={applianceName}
          registration={setup.registration}
          onSignedIn={signIn}
        />
        <ResetPage path="/reset" applianceName={applianceName} onSignedIn={signIn} />
        <ToLogin default />
      </Router>
    );
  }
  return (
    <SessionContext value={{ user, applianceName, setUser, setApplianceName }}>
      <Shell onSignedOut={signOut}>
        <ErrorBoundary>
          <Router>
            <DashboardPage path="/" />
            <ProjectsPage path="/projects" />
            <ProjectPage path="/projects/:id" />
            <TasksPage path="/tasks/:id?" />
            <StandupsPage path="/standups" />
            <StandupHistoryPage path="/standups/history" />
            <KnowledgePage path="/knowledge" />
            <AskPage path="/ask" />
            <ChatPage path="/chat" />
            <SitrepsPage path="/sitreps/:id?" />
            <ReviewPage path="/review" />
            <WorkflowsPage path="/workflows" />
            <WorkflowPage path="/workflows/:id" />
            <TrainingPage path="/training/:id?" />
            <ProfilePage path="/profile" />
            <PersonPage path="/people/:username" />
            <InboxPage path="/notifications" />
            <AdminOnly path="/admin/users" page={UsersPage} />
            <AdminOnly path="/admin/settings" page={SettingsPage} />
            <AdminOnly path="/admin/system" page={SystemPage} />
            <AfterLogin path="/login" />
            <Redirect path="/setup" to="/" />
            <Redirect path="/register" to="/" />
            <NotFound default />
          </Router>
        </ErrorBoundary>
      </Shell>
    </SessionContext>
  );
}

/** A page loaded on demand; if its file cannot be fetched (e.g. after an upgrade) it says so instead of hanging. */
function lazyPage(load: () => Promise<FunctionComponent>): FunctionComponent {
  return lazy(() => load().catch(() => PageLoadFailed));
}

function PageLoadFailed() {
  return (
    <section class="page" role="alert">
      <h1>This page could not be loaded</h1>
      <p>DevCell may have been updated, or the connection dropped. Reload the page to try again.</p>
      <button type="button" class="button button--primary" onClick={() => location.reload()}>
        Reload
      </button>
    </section>
  );
}

/** Shown for any path no route claims. */
function NotFound() {
  const { path } = useLocation();
  return (
    <section class="page">
      <h1>Page not found</h1>
      <p>
        Nothing lives at <code>{path}</code>.
      </p>
      <p>
        <a href="/">Go to the home page</a>
      </p>
    </section>
  );
}

function AdminOnly({ page: Page }: { page: FunctionComponent }) {
  const { user } = useSession();
  if (isAdmin(user)) return <Page />;
  return (
    <section class="page">
      <h1>Administrators only</h1>
      <p>This page needs an administrator account.</p>
      <p>
        <a href="/">Go to the home page</a>
      </p>
    </section>
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
