"""HTTP routes of the tasks slice: list, CRUD, bulk, comments, activity, CSV export, saved filters, labels,
checklists."""

from __future__ import annotations

from starlette.responses import Response

from devcell.core.auth import Access
from devcell.core.cache import ReadCache
from devcell.core.web import ApiRoute, Call, JSONResponse
from devcell.settings.service import SETTINGS_STORE
from devcell.tasks import _bulk, _checklist, _comments, _export, _labels, _presets, service
from devcell.tasks.schemas import (
    ActivityList,
    BulkIn,
    BulkResult,
    ChecklistItemIn,
    ChecklistItemOut,
    ChecklistItemPatch,
    ChecklistOut,
    CommentIn,
    CommentList,
    CommentOut,
    ExportQuery,
    LabelIn,
    LabelList,
    LabelOut,
    LabelPatch,
    LabelQuery,
    PresetIn,
    PresetList,
    PresetOut,
    TaskCreate,
    TaskOut,
    TaskPage,
    TaskPatch,
    TaskQuery,
)


def _tz(call: Call) -> str:
    """The appliance time zone: "today" (overdue) is the user's own day, else the appliance's."""
    return call.state.need(SETTINGS_STORE).time_zone()


# The list is what boards and lists poll; pages are served again until anything is written (core/cache.py).
LIST_CACHE = ReadCache()


async def list_tasks(call: Call, query: TaskQuery) -> Response:
    """Tasks I can see, filtered, sorted and paged on the server."""
    # The query was parsed before this runs: an invalid one answered 422 and never reached the cache.
    user, tz = call.user, _tz(call)

    def render() -> bytes:
        # Inline on the event loop: one indexed page query plus a COUNT, well under a millisecond (see Call.read).
        return bytes(JSONResponse(call.read(service.list_tasks, user, query, tz)).body)

    # Everything the page depends on: who asks (id and role decide visibility), the exact query, the time zone.
    key = (user.user_id, user.role, call.request.url.query, tz)
    # A Response, not the page: the cached bytes are served as they are, without parsing and rendering them again.
    return Response(LIST_CACHE.get_or_render(key, render), media_type="application/json")


async def create_task(call: Call, body: TaskCreate) -> TaskOut:
    """Create a personal task, or a task in a project where I am a member or owner."""
    return await call.run(service.create_task, call.user, body, None, _tz(call))


async def get_task(call: Call) -> TaskOut:
    """One task."""
    return await call.run(service.get_task, call.user, call.path_int("task_id"), _tz(call))


async def patch_task(call: Call, body: TaskPatch) -> TaskOut:
    """Change some fields of a task; null clears the due date or assignee, or makes the task personal."""
    return await call.run(service.update_task, call.user, call.path_int("task_id"), body, _tz(call))


async def delete_task(call: Call) -> None:
    """Delete a task for good (archiving is PATCH archived=true)."""
    await call.run(service.delete_task, call.user, call.path_int("task_id"))


async def bulk_update(call: Call, body: BulkIn) -> BulkResult:
    """Change many tasks at once; nothing changes unless I may edit every one of them."""
    return await call.run(_bulk.bulk_update, call.user, body)


async def list_comments(call: Call) -> CommentList:
    """Comments on a task, oldest first."""
    return await call.run(_comments.list_comments, call.user, call.path_int("task_id"))


async def add_comment(call: Call, body: CommentIn) -> CommentOut:
    """Comment on a task I can edit."""
    return await call.run(_comments.add_comment, call.user, call.path_int("task_id"), body)


async def list_activity(call: Call) -> ActivityList:
    """The task's change log, newest first."""
    return await call.run(_comments.list_activity, call.user, call.path_int("task_id"))


async def export_csv(call: Call, query: ExportQuery) -> Response:
    """The filtered task list as a CSV file (up to 10,000 rows) for spreadsheets."""
    day, body = await call.run(_export.export_csv, call.user, query, _tz(call))
    disposition = f'attachment; filename="tasks-{day}.csv"'
    return Response(body, media_type="text/csv; charset=utf-8", headers={"Content-Disposition": disposition})


async def list_presets(call: Call) -> PresetList:
    """My saved task-list filters."""
    return await call.run(_presets.list_presets, call.user.user_id)


async def create_preset(call: Call, body: PresetIn) -> PresetOut:
    """Save a task-list filter under a name."""
    return await call.run(_presets.create_preset, call.user.user_id, body)


async def delete_preset(call: Call) -> None:
    """Delete one of my saved filters."""
    await call.run(_presets.delete_preset, call.user.user_id, call.path_int("preset_id"))


async def list_labels(call: Call, query: LabelQuery) -> LabelList:
    """Labels I can see: those usable on a project's tasks (?project=ID: global and its own), on personal tasks
    (?project=none: global), or all of them."""
    return await call.run(_labels.list_labels, call.user, query)


async def create_label(call: Call, body: LabelIn) -> LabelOut:
    """A global label (administrators) or a project's own (its owners and administrators)."""
    return await call.run(_labels.create_label, call.user, body)


async def patch_label(call: Call, body: LabelPatch) -> LabelOut:
    """Rename or recolour a label."""
    return await call.run(_labels.update_label, call.user, call.path_int("label_id"), body)


async def delete_label(call: Call) -> None:
    """Delete a label; it leaves every task that carried it."""
    await call.run(_labels.delete_label, call.user, call.path_int("label_id"))


async def get_checklist(call: Call) -> ChecklistOut:
    """The task's checklist in order, with how many items are done."""
    return await call.run(_checklist.get_checklist, call.user, call.path_int("task_id"))


async def add_checklist_item(call: Call, body: ChecklistItemIn) -> ChecklistItemOut:
    """Add an item at the end of the checklist of a task I can edit."""
    return await call.run(_checklist.add_item, call.user, call.path_int("task_id"), body)


async def patch_checklist_item(call: Call, body: ChecklistItemPatch) -> ChecklistItemOut:
    """Edit an item's text, tick or untick it, or move it to another position (0 is the top)."""
    task_id, item_id = call.path_int("task_id"), call.path_int("item_id")
    return await call.run(_checklist.update_item, call.user, task_id, item_id, body)


async def delete_checklist_item(call: Call) -> None:
    """Remove an item from the checklist."""
    await call.run(_checklist.delete_item, call.user, call.path_int("task_id"), call.path_int("item_id"))


U = Access.USER
TASK = "/api/tasks/{task_id:int}"
LABEL = "/api/tasks/labels/{label_id:int}"
ITEM = TASK + "/checklist/{item_id:int}"
ROUTES = [
    ApiRoute("GET", "/api/tasks", list_tasks, access=U, query=TaskQuery, response=TaskPage),
    ApiRoute("POST", "/api/tasks", create_task, access=U, body=TaskCreate, response=TaskOut, status=201),
    ApiRoute("POST", "/api/tasks/bulk", bulk_update, access=U, body=BulkIn, response=BulkResult),
    ApiRoute("GET", "/api/tasks/export.csv", export_csv, access=U, query=ExportQuery),
    ApiRoute("GET", "/api/tasks/presets", list_presets, access=U, response=PresetList),
    ApiRoute("POST", "/api/tasks/presets", create_preset, access=U, body=PresetIn, response=PresetOut, status=201),
    ApiRoute("DELETE", "/api/tasks/presets/{preset_id:int}", delete_preset, access=U, status=204),
    ApiRoute("GET", "/api/tasks/labels", list_labels, access=U, query=LabelQuery, response=LabelList),
    ApiRoute("POST", "/api/tasks/labels", create_label, access=U, body=LabelIn, response=LabelOut, status=201),
    ApiRoute("PATCH", LABEL, patch_label, access=U, body=LabelPatch, response=LabelOut),
    ApiRoute("DELETE", LABEL, delete_label, access=U, status=204),
    ApiRoute("GET", TASK, get_task, access=U, response=TaskOut),
    ApiRoute("PATCH", TASK, patch_task, access=U, body=TaskPatch, response=TaskOut),
    ApiRoute("DELETE", TASK, delete_task, access=U, status=204),
    ApiRoute("GET", TASK + "/comments", list_comments, access=U, response=CommentList),
    ApiRoute("POST", TASK + "/comments", add_comment, access=U, body=CommentIn, response=CommentOut, status=201),
    ApiRoute("GET", TASK + "/activity", list_activity, access=U, response=ActivityList),
    ApiRoute("GET", TASK + "/checklist", get_checklist, access=U, response=ChecklistOut),
    ApiRoute(
        "POST",
        TASK + "/checklist",
        add_checklist_item,
        access=U,
        body=ChecklistItemIn,
        response=ChecklistItemOut,
        status=201,
    ),
    ApiRoute("PATCH", ITEM, patch_checklist_item, access=U, body=ChecklistItemPatch, response=ChecklistItemOut),
    ApiRoute("DELETE", ITEM, delete_checklist_item, access=U, status=204),
]
