// Training: the plans of the projects I can see (filtered by project), importing a roadmap into a new plan,
// and one plan at /training/:id.
import { useState } from "preact/hooks";
import { useLocation, useRoute } from "preact-iso";
import { SelectField } from "@/components/form-field";
import { LoadState } from "@/components/load-state";
import { Pager } from "@/components/pager";
import { Time } from "@/components/time";
import { useToast } from "@/components/toast";
import { listPlans, type PlanSummary, percent } from "@/features/training/api";
import { ImportPanel } from "@/features/training/import-panel";
import { PlanView } from "@/features/training/plan-view";
import { useProjects } from "@/lib/pickers";
import "@/features/training/training.css";
import { refName } from "@/lib/types";
import { useLoad } from "@/lib/use-load";

const PAGE_SIZE = 25;

export function TrainingPage() {
  const { params } = useRoute();
  const id = params.id && /^\d+$/.test(params.id) ? Number(params.id) : null;
  return id === null ? <PlanList /> : <PlanView id={id} />;
}

function PlanList() {
  const { route } = useLocation();
  const [project, setProject] = useState("");
  const [offset, setOffset] = useState(0);
  const [importing, setImporting] = useState(false);
  const projects = useProjects();
  const toast = useToast();
  const plans = useLoad(
    () => listPlans({ project: project ? Number(project) : null, limit: PAGE_SIZE, offset }),
    [project, offset],
  );
  const page = plans.data;

  return (
    <section class="page page--wide">
      <div class="page__header">
        <h1>Training</h1>
        {!importing && (
          <button type="button" class="button button--primary" onClick={() => setImporting(true)}>
            Import a roadmap
          </button>
        )}
      </div>
      <p class="muted">
        Turn a roadmap into weekly units, store it as a plan of a project, seed tasks from its units and follow the
        progress week by week.
      </p>
      {importing && (
        <ImportPanel
          projects={projects.filter((item) => item.can_edit)}
          initialProject={project ? Number(project) : null}
          onCancel={() => setImporting(false)}
          onStored={(plan) => {
            toast(`${plan.title} stored with ${plan.units.length} units.`, "success");
            route(`/training/${plan.id}`);
          }}
        />
      )}
      <form class="filters" aria-label="Filter plans" onSubmit={(event) => event.preventDefault()}>
        <SelectField
          id="training-project"
          label="Project"
          value={project}
          options={[
            { value: "", label: "All my projects" },
            ...projects.map((p) => ({ value: String(p.id), label: p.name })),
          ]}
          onChange={(value) => {
            setProject(value);
            setOffset(0);
          }}
        />
      </form>
      <LoadState loaded={plans} what="training plans" />
      {page && page.items.length === 0 && (
        <p class="muted">No training plans yet. Import a roadmap, or start with the sample.</p>
      )}
      {page && page.items.length > 0 && <PlanTable plans={page.items} />}
      {page && <Pager total={page.total} offset={offset} pageSize={PAGE_SIZE} noun="plans" onOffset={setOffset} />}
    </section>
  );
}

function PlanTable({ plans }: { plans: PlanSummary[] }) {
  return (
    <div class="table-wrap">
      <table class="table">
        <caption class="visually-hidden">Training plans</caption>
        <thead>
          <tr>
            <th scope="col">Plan</th>
            <th scope="col">Project</th>
            <th scope="col">Units</th>
            <th scope="col">Done</th>
            <th scope="col">Updated</th>
          </tr>
        </thead>
        <tbody>
          {plans.map((plan) => (
            <tr key={plan.id}>
              <td>
                <a href={`/training/${plan.id}`}>{plan.title}</a>
                <p class="item-list__meta muted">by {refName(plan.created_by)}</p>
              </td>
              <td>{plan.project.name}</td>
              <td>
                {plan.units} in {plan.weeks} week{plan.weeks === 1 ? "" : "s"}
                <p class="item-list__meta muted">{plan.seeded} with tasks</p>
              </td>
              <td>
                <progress
                  class="training-progress__overall"
                  max={Math.max(plan.units, 1)}
                  value={plan.done}
                  aria-label={`${plan.title}: ${plan.done} of ${plan.units} done`}
                />{" "}
                {percent(plan.done, plan.units)} %
              </td>
              <td>
                <Time value={plan.updated_at} relative />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
