// A project's own labels on its page: everyone who sees the project sees them; its owners (and administrators)
// add, rename, recolour and delete them. Global labels are managed on the Tasks page by administrators.
import { LabelManager } from "@/components/label-manager";
import type { Project } from "@/features/projects/api";

export function ProjectLabels({ project }: { project: Project }) {
  return (
    <section class="card" aria-labelledby="labels-heading">
      <h2 id="labels-heading">Labels</h2>
      <p class="muted">
        This project's tasks can carry these labels and the global ones.
        {project.can_manage ? "" : " Owners of the project manage them."}
      </p>
      <LabelManager projectId={project.id} canManage={project.can_manage} />
    </section>
  );
}
