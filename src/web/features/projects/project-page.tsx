// One project: description, status, counts, edit (owners and admins), members, archive and delete.
import type { ComponentType } from "preact";
import { useState } from "preact/hooks";
import { useLocation, useRoute } from "preact-iso";
import { useConfirm } from "@/components/confirm-dialog";
import { Dialog } from "@/components/dialog";
import { LoadState } from "@/components/load-state";
import { Markdown } from "@/components/markdown";
import { Time } from "@/components/time";
import { useToast } from "@/components/toast";
import { WatchButton } from "@/components/watch-button";
import {
  deleteProject,
  getProject,
  type Project,
  ROLE_LABELS,
  STATUS_BADGE,
  STATUS_LABELS,
  updateProject,
} from "@/features/projects/api";
import { MembersPanel } from "@/features/projects/members-panel";
import { ProjectForm } from "@/features/projects/project-form";
import { ProjectLabels } from "@/features/projects/project-labels";
import { errorMessage } from "@/lib/api";
import { refName } from "@/lib/types";
import { useLoad } from "@/lib/use-load";

/** `Summary`: the assistant's summary of the project's recent work, given by the app (features never import each
 *  other). */
type Props = { Summary: ComponentType<{ kind: "project"; projectId: number }> };

export function ProjectPage({ Summary }: Props) {
  const { params } = useRoute();
  const id = Number(params.id);
  const project = useLoad(() => getProject(id), [id]);
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const toast = useToast();
  const confirm = useConfirm();
  const current = project.data;

  if (!current || current.id !== id) {
    return (
      <section class="page">
        <p>
          <a href="/projects">← Projects</a>
        </p>
        <LoadState loaded={project} what="the project" />
      </section>
    );
  }

  async function setArchived(archived: boolean) {
    if (!current) return;
    if (archived) {
      const ok = await confirm({
        title: `Archive ${current.name}?`,
        message: "The project leaves the default lists; its members and tasks stay. You can restore it later.",
        confirmLabel: "Archive project",
      });
      if (!ok) return;
    }
    try {
      await updateProject(current.id, { archived });
      toast(archived ? "Project archived." : "Project restored.", "success");
      project.reload();
    } catch (error) {
      toast(errorMessage(error), "error");
    }
  }

  const counts = current.task_counts;
  return (
    <section class="page page--wide">
      <p>
        <a href="/projects">← Projects</a>
      </p>
      <div class="page__header">
        <h1>{current.name}</h1>
        <div class="button-row">
          <a class="button" href={`/tasks?project=${current.id}`}>
            Tasks
          </a>
          <a class="button" href={`/tasks?project=${current.id}&view=board`}>
            Board
          </a>
          <WatchButton path={`/api/projects/${current.id}`} what="project" small={false} />
          {current.can_manage && (
            <button type="button" class="button" onClick={() => setEditing(true)}>
              Edit project
            </button>
          )}
        </div>
      </div>
      <p class="project-card__badges">
        <span class={STATUS_BADGE[current.status]}>{STATUS_LABELS[current.status]}</span>
        {current.archived && <span class="badge badge--muted">Archived</span>}
        {current.my_role && <span class="badge badge--muted">Your role: {ROLE_LABELS[current.my_role]}</span>}
      </p>
      <div class="project-layout">
        <div>
          <section class="card" aria-labelledby="about-heading">
            <h2 id="about-heading">About</h2>
            {current.description.trim() ? (
              <Markdown text={current.description} />
            ) : (
              <p class="muted">No description.</p>
            )}
            {current.standup_time && (
              <p>
                Team standup at <strong>{current.standup_time}</strong> (the appliance's clock, Monday to Friday):
                members who have not filed by then get a reminder.
              </p>
            )}
            <p class="muted item-list__meta">
              Created by {refName(current.created_by)} on <Time value={current.created_at} /> · updated{" "}
              <Time value={current.updated_at} relative />
            </p>
          </section>
          <section class="card" aria-labelledby="tasks-heading">
            <h2 id="tasks-heading">Tasks</h2>
            <ul class="stat-list">
              <li>
                <a href={`/tasks?project=${current.id}`}>{counts.total}</a> total
              </li>
              <li>
                <a href={`/tasks?project=${current.id}&status=todo`}>{counts.todo}</a> to do
              </li>
              <li>
                <a href={`/tasks?project=${current.id}&status=in_progress`}>{counts.in_progress}</a> in progress
              </li>
              <li>
                <a href={`/tasks?project=${current.id}&status=blocked`}>{counts.blocked}</a> blocked
              </li>
              <li>
                <a href={`/tasks?project=${current.id}&status=done`}>{counts.done}</a> done
              </li>
            </ul>
          </section>
          <Summary key={current.id} kind="project" projectId={current.id} />
          <ProjectLabels project={current} />
          {current.can_manage && (
            <section class="card" aria-labelledby="danger-heading">
              <h2 id="danger-heading">Archive or delete</h2>
              <div class="button-row">
                <button type="button" class="button" onClick={() => void setArchived(!current.archived)}>
                  {current.archived ? "Restore project" : "Archive project"}
                </button>
                <button type="button" class="button button--danger" onClick={() => setDeleting(true)}>
                  Delete project…
                </button>
              </div>
            </section>
          )}
        </div>
        <MembersPanel project={current} onChanged={project.reload} />
      </div>
      {editing && (
        <Dialog title="Edit project" onClose={() => setEditing(false)} wide>
          <ProjectForm
            project={current}
            onSaved={() => {
              toast("Project saved.", "success");
              setEditing(false);
              project.reload();
            }}
          />
        </Dialog>
      )}
      {deleting && <DeleteProjectDialog project={current} onClose={() => setDeleting(false)} />}
    </section>
  );
}

/** Deleting asks what happens to the project's tasks; nothing is preselected, so the choice is explicit. */
function DeleteProjectDialog({ project, onClose }: { project: Project; onClose: () => void }) {
  const [choice, setChoice] = useState<"archive" | "delete" | "">("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const toast = useToast();
  const { route } = useLocation();
  const total = project.task_counts.total;

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (!choice) {
      setError("Choose what happens to the project's tasks.");
      return;
    }
    setBusy(true);
    try {
      await deleteProject(project.id, choice);
      toast(`Project ${project.name} deleted.`, "success");
      onClose();
      route("/projects");
    } catch (failure) {
      setError(errorMessage(failure));
      setBusy(false);
    }
  }

  return (
    <Dialog title={`Delete ${project.name}?`} role="alertdialog" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <p>The project and its member list are deleted permanently. Standups that mention it are kept.</p>
        <fieldset class="radio-group" aria-describedby={error ? "delete-choice-error" : undefined}>
          <legend>What happens to its {total === 1 ? "task" : `${total} tasks`}?</legend>
          <label class="checkbox">
            <input
              type="radio"
              name="delete-tasks"
              value="archive"
              checked={choice === "archive"}
              onChange={() => setChoice("archive")}
            />
            Keep them as archived personal tasks of their creators and assignees
          </label>
          <label class="checkbox">
            <input
              type="radio"
              name="delete-tasks"
              value="delete"
              checked={choice === "delete"}
              onChange={() => setChoice("delete")}
            />
            Delete them permanently, with their comments and history
          </label>
        </fieldset>
        {error && (
          <p id="delete-choice-error" class="form-error" role="alert">
            {error}
          </p>
        )}
        <div class="dialog__actions">
          <button type="button" class="button" autofocus onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="button button--danger" disabled={busy}>
            Delete project
          </button>
        </div>
      </form>
    </Dialog>
  );
}
