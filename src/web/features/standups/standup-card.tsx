// One standup: author, day, project, the three sections, linked tasks, and the author's actions.
import { Markdown } from "@/components/markdown";
import { SECTION_LABELS, SECTIONS, type Standup } from "@/features/standups/api";
import { asList } from "@/features/standups/lines";
import { formatDay } from "@/lib/dates";
import { TASK_STATUS_BADGE, TASK_STATUS_LABELS } from "@/lib/tasks";
import { refName } from "@/lib/types";

type Props = {
  standup: Standup;
  /** Heading level inside the page. */
  level?: 2 | 3;
  showDay?: boolean;
  onEdit?: (standup: Standup) => void;
  onConvert?: (standup: Standup) => void;
  onDelete?: (standup: Standup) => void;
  /** Give the card the id `standup-<id>` that links (e.g. a summary's sources) point at. One card per standup. */
  anchor?: boolean;
};

export function StandupCard({ standup, level = 3, showDay = false, onEdit, onConvert, onDelete, anchor }: Props) {
  const Heading = level === 2 ? "h2" : "h3";
  const title = showDay ? `${refName(standup.author)} · ${formatDay(standup.day)}` : refName(standup.author);
  return (
    <article
      class="card standup"
      id={anchor ? `standup-${standup.id}` : undefined}
      tabIndex={anchor ? -1 : undefined}
      aria-label={`Standup of ${refName(standup.author)}, ${formatDay(standup.day)}`}
    >
      <div class="standup__head">
        <Heading class="standup__author">{title}</Heading>
        {standup.project && (
          <a class="badge badge--muted" href={`/projects/${standup.project.id}`}>
            {standup.project.name}
          </a>
        )}
      </div>
      {SECTIONS.filter((section) => standup[section].trim()).map((section) => (
        <div key={section} class={`standup__section standup__section--${section}`}>
          <p class="standup__label">{SECTION_LABELS[section]}</p>
          <Markdown text={asList(standup[section])} />
        </div>
      ))}
      {standup.tasks.length > 0 && (
        <div class="standup__section">
          <p class="standup__label">Tasks from this standup</p>
          <ul class="standup__tasks">
            {standup.tasks.map((task) => (
              <li key={task.id}>
                <a href={`/tasks/${task.id}`}>{task.title}</a>{" "}
                <span class={TASK_STATUS_BADGE[task.status]}>{TASK_STATUS_LABELS[task.status]}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {standup.can_edit && (onEdit || onConvert || onDelete) && (
        <div class="button-row standup__actions">
          {onEdit && (
            <button type="button" class="button button--small" onClick={() => onEdit(standup)}>
              Edit<span class="visually-hidden"> standup of {formatDay(standup.day)}</span>
            </button>
          )}
          {onConvert && (
            <button type="button" class="button button--small" onClick={() => onConvert(standup)}>
              Convert to tasks…
            </button>
          )}
          {onDelete && (
            <button type="button" class="button button--small" onClick={() => onDelete(standup)}>
              Delete<span class="visually-hidden"> standup of {formatDay(standup.day)}</span>
            </button>
          )}
        </div>
      )}
    </article>
  );
}
