// Select options shared by the task pages.
import {
  PRIORITIES,
  PRIORITY_LABELS,
  type Priority,
  TASK_STATUS_LABELS,
  TASK_STATUSES,
  type TaskStatus,
} from "@/lib/tasks";
import { refName, type UserRef } from "@/lib/types";

export const STATUS_OPTIONS = TASK_STATUSES.map((value: TaskStatus) => ({ value, label: TASK_STATUS_LABELS[value] }));
export const PRIORITY_OPTIONS = PRIORITIES.map((value: Priority) => ({ value, label: PRIORITY_LABELS[value] }));

export function personOptions(people: readonly UserRef[], meId: number) {
  return people.map((person) => ({
    value: String(person.id),
    label: person.id === meId ? `${refName(person)} (me)` : refName(person),
  }));
}
