"""Tasks errors, each with a stable code."""

from __future__ import annotations

from devcell.core.errors import Conflict, Forbidden, NotFound


class TaskNotFound(NotFound):
    """Also for tasks that exist but the caller cannot see: ids must not leak."""

    code = "task_not_found"

    def __init__(self, task_id: int) -> None:
        super().__init__(f"There is no task with id {task_id}, or you cannot see it.")


class TaskEditForbidden(Forbidden):
    """A personal task the caller may see but not change (not creator or assignee)."""

    code = "task_edit_forbidden"


class TaskMoveForbidden(Forbidden):
    """Moving a task to another scope takes it away from everyone who saw it there: a delete from that scope."""

    code = "task_move_forbidden"

    def __init__(self, task_id: int, message: str, have: str | None = None) -> None:
        super().__init__(message, detail={"task_id": task_id, "have": have})


class PresetNotFound(NotFound):
    code = "preset_not_found"

    def __init__(self, preset_id: int) -> None:
        super().__init__(f"You have no saved filter with id {preset_id}.")


class PresetNameTaken(Conflict):
    code = "preset_name_taken"

    def __init__(self, name: str) -> None:
        super().__init__(
            f"You already have a saved filter called {name!r}.",
            detail=[{"field": "name", "message": "is already in use"}],
        )


class LabelNotFound(NotFound):
    """Also for another project's label the caller cannot see."""

    code = "label_not_found"

    def __init__(self, label_id: int) -> None:
        super().__init__(f"There is no label with id {label_id}, or you cannot see it.")


class LabelNameTaken(Conflict):
    code = "label_name_taken"

    def __init__(self, name: str, scope: str) -> None:
        super().__init__(
            f"There is already a label called {name!r} {scope} (names are compared without case).",
            detail=[{"field": "name", "message": "is already in use"}],
        )


class GlobalLabelsForbidden(Forbidden):
    """Global labels show on every task of the appliance: only administrators manage them."""

    code = "global_labels_forbidden"

    def __init__(self) -> None:
        super().__init__("Only an administrator can create, change or delete global labels.")


class ChecklistItemNotFound(NotFound):
    code = "checklist_item_not_found"

    def __init__(self, task_id: int, item_id: int) -> None:
        super().__init__(f"Task {task_id} has no checklist item with id {item_id}.")
