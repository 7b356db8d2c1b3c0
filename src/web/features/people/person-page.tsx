// A person's page (/people/:username, where @mentions link): names, away days if any, their open tasks the
// viewer can see and their recent standups the viewer may read. Unknown or deactivated user names: not found.
import "@/features/people/people.css";
import { useRoute } from "preact-iso";
import { LoadState } from "@/components/load-state";
import { Markdown } from "@/components/markdown";
import { openTasksOf, recentStandupsOf, STANDUP_LIMIT, type Standup, TASK_LIMIT } from "@/features/people/api";
import { ApiError } from "@/lib/api";
import { formatDay, todayIso } from "@/lib/dates";
import { getPerson, type Person } from "@/lib/people";
import { TASK_STATUS_BADGE, TASK_STATUS_LABELS, type Task, type TaskStatus } from "@/lib/tasks";
import { useLoad } from "@/lib/use-load";

const SECTIONS = [
  ["yesterday", "Yesterday"],
  ["today", "Today"],
  ["blockers", "Blockers"],
] as const;

/** The person, or null when nobody active has this user name (404, or 422: it cannot be one). */
function findPerson(username: string): Promise<Person | null> {
  return getPerson(username).catch((error: unknown) => {
    if (error instanceof ApiError && (error.status === 404 || error.status === 422)) return null;
    throw error;
  });
}

export function PersonPage() {
  const { params } = useRoute();
  const username = (params.username ?? "").toLowerCase();
  const person = useLoad(() => findPerson(username), [username]);
  if (person.data === null) {
    return (
      <section class="page">
        <h1>Person not found</h1>
        <p>Nobody active is called @{username}.</p>
      </section>
    );
  }
  if (!person.data) {
    return (
      <section class="page">
        <h1>Person</h1>
        <LoadState loaded={person} what="this person" />
      </section>
    );
  }
  return <PersonView person={person.data} />;
}

function Away({ person }: { person: Person }) {
  const { away_from: from, away_until: until } = person;
  if (!from || !until || until < todayIso()) return null;
  const now = from <= todayIso();
  return (
    <p class="person__away">
      <span class="badge badge--warn">{now ? "Away" : "Going away"}</span>{" "}
      {now ? `until ${formatDay(until)}` : `from ${formatDay(from)} to ${formatDay(until)}`}
    </p>
  );
}

function PersonView({ person }: { person: Person }) {
  const name = person.display_name || person.username;
  return (
    <section class="page person">
      <div class="page__header">
        <h1>{name}</h1>
      </div>
      <p class="person__username muted">@{person.username}</p>
      <Away person={person} />
      <OpenTasks person={person} />
      <RecentStandups person={person} />
    </section>
  );
}

function TaskLine({ task }: { task: Task }) {
  const status = task.status as TaskStatus;
  return (
    <li class="person__task">
      <a href={`/tasks/${task.id}`}>{task.title}</a>
      <span class={TASK_STATUS_BADGE[status]}>{TASK_STATUS_LABELS[status]}</span>
      {task.project && <span class="muted">{task.project.name}</span>}
      {task.due_date && <span class="muted">due {formatDay(task.due_date)}</span>}
    </li>
  );
}

function OpenTasks({ person }: { person: Person }) {
  const tasks = useLoad(() => openTasksOf(person.id), [person.id]);
  const items = tasks.data?.items ?? [];
  return (
    <section class="person__section" aria-labelledby="person-tasks">
      <h2 id="person-tasks">Open tasks</h2>
      <LoadState loaded={tasks} what="their tasks" />
      {tasks.data && items.length === 0 && <p class="muted">No open tasks assigned to them that you can see.</p>}
      {items.length > 0 && (
        <ul class="person__list">
          {items.map((task) => (
            <TaskLine key={task.id} task={task} />
          ))}
        </ul>
      )}
      {tasks.data && tasks.data.total > TASK_LIMIT && (
        <p class="muted">
          Showing the first {TASK_LIMIT} of {tasks.data.total}, soonest due first.
        </p>
      )}
    </section>
  );
}

function StandupEntry({ entry }: { entry: Standup }) {
  return (
    <li class="person__standup">
      <h3>
        <a href={`/standups?day=${entry.day}#standup-${entry.id}`}>{formatDay(entry.day)}</a>
        {entry.project && <span class="muted"> · {entry.project.name}</span>}
      </h3>
      {SECTIONS.filter(([key]) => entry[key].trim()).map(([key, label]) => (
        <div key={key} class="person__section-text">
          <h4>{label}</h4>
          <Markdown text={entry[key]} />
        </div>
      ))}
    </li>
  );
}

function RecentStandups({ person }: { person: Person }) {
  const standups = useLoad(() => recentStandupsOf(person.id), [person.id]);
  const items = standups.data?.items ?? [];
  return (
    <section class="person__section" aria-labelledby="person-standups">
      <h2 id="person-standups">Recent standups</h2>
      <LoadState loaded={standups} what="their standups" />
      {standups.data && items.length === 0 && <p class="muted">No standups of theirs that you can read.</p>}
      {items.length > 0 && (
        <ul class="person__list">
          {items.map((entry) => (
            <StandupEntry key={entry.id} entry={entry} />
          ))}
        </ul>
      )}
      {standups.data && standups.data.total > STANDUP_LIMIT && (
        <p>
          <a href="/standups/history">All their standups in the history</a>
        </p>
      )}
    </section>
  );
}
