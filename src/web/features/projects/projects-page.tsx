// Projects: search, status filter, archived ones on request, and a new project.
import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { Dialog } from "@/components/dialog";
import { FormField, SelectField } from "@/components/form-field";
import { LoadState } from "@/components/load-state";
import { Pager } from "@/components/pager";
import { Time } from "@/components/time";
import { useToast } from "@/components/toast";
import { listProjects, ROLE_LABELS, STATUS_BADGE, STATUS_LABELS } from "@/features/projects/api";
import { ProjectForm, STATUS_OPTIONS } from "@/features/projects/project-form";
import { useLoad } from "@/lib/use-load";

const PAGE_SIZE = 25;
const SEARCH_DELAY_MS = 300;
const FILTER_OPTIONS = [{ value: "", label: "Any status" }, ...STATUS_OPTIONS];

export function ProjectsPage() {
  const [search, setSearch] = useState("");
  const [q, setQ] = useState("");
  const [status, setStatus] = useState("");
  const [archived, setArchived] = useState(false);
  const [offset, setOffset] = useState(0);
  const [creating, setCreating] = useState(false);
  const { route } = useLocation();
  const toast = useToast();

  useEffect(() => {
    const timer = setTimeout(() => {
      setQ(search.trim());
      setOffset(0);
    }, SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [search]);

  const projects = useLoad(
    () => listProjects({ q, status, archived: archived ? "all" : "false", limit: PAGE_SIZE, offset }),
    [q, status, archived, offset],
  );
  const page = projects.data;

  return (
    <section class="page page--wide">
      <div class="page__header">
        <h1>Projects</h1>
        <button type="button" class="button button--primary" onClick={() => setCreating(true)}>
          New project
        </button>
      </div>
      <form class="filters" aria-label="Find projects" onSubmit={(event) => event.preventDefault()}>
        <FormField id="project-search" label="Search" type="search" value={search} onInput={setSearch} noOptionalMark />
        <SelectField
          id="project-status-filter"
          label="Status"
          value={status}
          options={FILTER_OPTIONS}
          onChange={(value) => {
            setStatus(value);
            setOffset(0);
          }}
        />
        <div class="field field--check">
          <label class="checkbox">
            <input
              type="checkbox"
              checked={archived}
              onChange={(event) => {
                setArchived(event.currentTarget.checked);
                setOffset(0);
              }}
            />
            Show archived
          </label>
        </div>
      </form>
      <LoadState loaded={projects} what="projects" />
      {page && (
        <>
          {page.items.length === 0 ? (
            <p class="muted">{q || status ? "No project matches." : "No projects yet. Create the first one."}</p>
          ) : (
            <ul class="project-grid">
              {page.items.map((project) => (
                <li key={project.id} class="card project-card">
                  <h2 class="project-card__title">
                    <a href={`/projects/${project.id}`}>{project.name}</a>
                  </h2>
                  <p class="project-card__badges">
                    <span class={STATUS_BADGE[project.status]}>{STATUS_LABELS[project.status]}</span>
                    {project.archived && <span class="badge badge--muted">Archived</span>}
                    {project.my_role && <span class="badge badge--muted">{ROLE_LABELS[project.my_role]}</span>}
                  </p>
                  <p class="project-card__counts">
                    {project.task_counts.total} tasks · {project.task_counts.in_progress} in progress ·{" "}
                    {project.task_counts.blocked} blocked · {project.task_counts.done} done
                  </p>
                  <p class="muted project-card__meta">
                    {project.member_count === 1 ? "1 member" : `${project.member_count} members`} · updated{" "}
                    <Time value={project.updated_at} relative />
                  </p>
                </li>
              ))}
            </ul>
          )}
          <Pager total={page.total} offset={offset} pageSize={PAGE_SIZE} noun="projects" onOffset={setOffset} />
        </>
      )}
      {creating && (
        <Dialog title="New project" onClose={() => setCreating(false)} wide>
          <ProjectForm
            onSaved={(project) => {
              toast(`Project ${project.name} created.`, "success");
              setCreating(false);
              route(`/projects/${project.id}`);
            }}
          />
        </Dialog>
      )}
    </section>
  );
}
