// The start page: my standup today, my tasks by status, due soon and overdue, recent activity, my projects,
// quick actions and a chart of what I finished in the last two weeks.
import type { FunctionComponent } from "preact";
import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { LoadState } from "@/components/load-state";
import { Time } from "@/components/time";
import { useToast } from "@/components/toast";
import { type Dashboard, getDashboard } from "@/features/dashboard/api";
import { CompletedChart } from "@/features/dashboard/completed-chart";
import { errorMessage } from "@/lib/api";
import { formatDay } from "@/lib/dates";
import { PROJECT_STATUS_BADGE as STATUS_BADGE, PROJECT_STATUS_LABELS as STATUS_LABELS } from "@/lib/projects";
import { displayName, useSession } from "@/lib/session";
import type { Task } from "@/lib/tasks";
import { refName } from "@/lib/types";
import { useLoad } from "@/lib/use-load";

type CreateProps = { onClose: () => void; onCreated: (task: Task) => void };
type Card = FunctionComponent<Record<string, never>>;
/** What the page shows from other features, loaded on demand; the app gives the loaders (features never import
 *  each other). */
type Props = {
  loadTaskCreate: () => Promise<FunctionComponent<CreateProps>>;
  loadSitrepCard: () => Promise<Card>;
};

export function DashboardPage({ loadTaskCreate, loadSitrepCard }: Props) {
  const { user } = useSession();
  const { route } = useLocation();
  const dashboard = useLoad(getDashboard, []);
  // The task form (and the Markdown renderer it brings) loads on first use, keeping the start page light.
  const [Create, setCreate] = useState<FunctionComponent<CreateProps> | null>(null);
  const toast = useToast();
  const openCreate = () =>
    loadTaskCreate().then(
      (found) => setCreate(() => found),
      (error: unknown) => toast(errorMessage(error), "error"),
    );
  const data = dashboard.data;

  return (
    <section class="page page--wide">
      <div class="page__header">
        <h1>Welcome, {displayName(user)}</h1>
        <div class="button-row">
          <button type="button" class="button button--primary" onClick={() => void openCreate()}>
            New task
          </button>
          <a class="button" href="/standups">
            File standup
          </a>
        </div>
      </div>
      <LoadState loaded={dashboard} what="your dashboard" />
      {data && <DashboardBody data={data} />}
      {data && <SitrepSlot load={loadSitrepCard} />}
      {Create && (
        <Create
          onClose={() => setCreate(null)}
          onCreated={(task) => {
            setCreate(null);
            route(`/tasks/${task.id}`);
          }}
        />
      )}
    </section>
  );
}

/** The SITREP card (and the Markdown renderer it brings) loads after the dashboard itself has shown. */
function SitrepSlot({ load }: { load: () => Promise<Card> }) {
  const [Card, setCard] = useState<Card | null>(null);
  const [failed, setFailed] = useState("");
  useEffect(() => {
    load().then(
      (found) => setCard(() => found),
      (error: unknown) => setFailed(errorMessage(error)),
    );
  }, []);
  if (failed) return <p class="muted">The SITREP card could not be loaded. Reload the page to try again.</p>;
  return Card ? <Card /> : null;
}

function DashboardBody({ data }: { data: Dashboard }) {
  const mine = data.my_tasks;
  return (
    <div class="dashboard">
      <section class="card dashboard__standup" aria-labelledby="dash-standup">
        <h2 id="dash-standup">Standup</h2>
        {data.standup.filed ? (
          <p>
            <span class="badge badge--ok">Filed</span> You filed your standup for {formatDay(data.standup.day)}.{" "}
            <a href="/standups">See the team's</a>
          </p>
        ) : (
          <p>
            <span class="badge badge--warn">Not filed</span> You have not filed your standup for{" "}
            {formatDay(data.standup.day)} yet. <a href="/standups">File it now</a>
          </p>
        )}
      </section>
      <section class="card" aria-labelledby="dash-tasks">
        <h2 id="dash-tasks">My tasks</h2>
        <ul class="stat-grid">
          <Stat count={mine.todo} label="To do" href="/tasks?mine=true&status=todo" />
          <Stat count={mine.in_progress} label="In progress" href="/tasks?mine=true&status=in_progress" />
          <Stat count={mine.blocked} label="Blocked" href="/tasks?mine=true&status=blocked" tone="fail" />
          <Stat count={mine.done_recent} label="Done, last 14 days" href="/tasks?mine=true&status=done" tone="ok" />
        </ul>
      </section>
      <section class="card" aria-labelledby="dash-overdue">
        <h2 id="dash-overdue">Overdue</h2>
        <TaskLinks tasks={data.overdue} empty="Nothing overdue." more="/tasks?mine=true&overdue=true&sort=due" />
      </section>
      <section class="card" aria-labelledby="dash-due">
        <h2 id="dash-due">Due in the next 7 days</h2>
        <TaskLinks tasks={data.due_soon} empty="Nothing due this week." more="/tasks?mine=true&sort=due" />
      </section>
      <section class="card" aria-labelledby="dash-chart">
        <h2 id="dash-chart">Completed by me</h2>
        <CompletedChart days={data.completed_by_day} />
      </section>
      <section class="card" aria-labelledby="dash-activity">
        <h2 id="dash-activity">Recent activity</h2>
        {data.recent_activity.length === 0 ? (
          <p class="muted">Nothing happened yet.</p>
        ) : (
          <ul class="item-list dashboard__activity">
            {data.recent_activity.map((item) => (
              <li key={`${item.kind}-${item.id}-${item.at}`}>
                <strong>{refName(item.actor)}</strong> {item.action}{" "}
                <a href={item.kind === "task" ? `/tasks/${item.id}` : "/standups/history"}>{item.title}</a>{" "}
                <span class="muted">
                  <Time value={item.at} relative />
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section class="dashboard__projects" aria-labelledby="dash-projects">
        <div class="page__header">
          <h2 id="dash-projects">My projects</h2>
          <a href="/projects">All projects</a>
        </div>
        {data.projects.length === 0 ? (
          <p class="muted">
            You are in no project yet. <a href="/projects">Create one</a>.
          </p>
        ) : (
          <ul class="project-grid">
            {data.projects.map((project) => (
              <li key={project.id} class="card project-card">
                <h3 class="project-card__title">
                  <a href={`/projects/${project.id}`}>{project.name}</a>
                </h3>
                <p class="project-card__badges">
                  <span class={STATUS_BADGE[project.status]}>{STATUS_LABELS[project.status]}</span>
                </p>
                <p class="project-card__counts">
                  {project.task_counts.total} tasks · {project.task_counts.in_progress} in progress ·{" "}
                  {project.task_counts.blocked} blocked · {project.task_counts.done} done
                </p>
                <p class="muted project-card__meta">
                  {project.member_count === 1 ? "1 member" : `${project.member_count} members`}
                  {project.last_update && (
                    <>
                      {" "}
                      · updated <Time value={project.last_update} relative />
                    </>
                  )}
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function Stat({ count, label, href, tone }: { count: number; label: string; href: string; tone?: "ok" | "fail" }) {
  return (
    <li class={tone ? `stat stat--${tone}` : "stat"}>
      <a href={href}>
        <span class="stat__count">{count}</span>
        <span class="stat__label">{label}</span>
      </a>
    </li>
  );
}

function TaskLinks({ tasks, empty, more }: { tasks: Task[]; empty: string; more: string }) {
  if (tasks.length === 0) return <p class="muted">{empty}</p>;
  return (
    <>
      <ul class="task-links">
        {tasks.map((task) => (
          <li key={task.id}>
            <a href={`/tasks/${task.id}`}>{task.title}</a>
            <span class={task.overdue ? "overdue" : "muted"}> {formatDay(task.due_date)}</span>
            {task.project && <span class="muted"> · {task.project.name}</span>}
          </li>
        ))}
      </ul>
      <a href={more}>See all</a>
    </>
  );
}
