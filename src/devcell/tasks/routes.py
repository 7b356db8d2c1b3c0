"""HTTP routes of the tasks slice: list, CRUD, bulk, comments, activity, CSV export, saved filters."""

from __future__ import annotations

from starlette.responses import Response

from devcell.core.auth import Access
from devcell.core.cache import ReadCache
from devcell.core.web import ApiRoute, Call, JSONResponse, json, no_content
from devcell.tasks import _bulk, _comments, _export, _presets, service
from devcell.tasks.schemas import (
    ActivityList,
    BulkIn,
    BulkResult,
    CommentIn,
    CommentList,
    CommentOut,
    ExportQuery,
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
    return str(call.state.settings.get_str("time_zone"))


# The list is what boards and lists poll; pages are served again until anything is written (core/cache.py).
LIST_CACHE = ReadCache()


async def list_tasks(call: Call) -> Response:
    """Tasks I can see, filtered, sorted and paged on the server."""
    user, tz = call.user, _tz(call)

    def render() -> bytes:
        query = call.query(TaskQuery)  # an invalid query raises here, so it is never cached
        # Inline on the event loop: one indexed page query plus a COUNT, well under a millisecond (see Call.read).
        return bytes(JSONResponse(call.read(service.list_tasks, user, query, tz)).body)

    # Everything the page depends on: who asks (id and role decide visibility), the exact query, the time zone.
    key = (user.user_id, user.role, call.request.url.query, tz)
    return Response(LIST_CACHE.get_or_render(key, render), media_type="application/json")


async def create_task(call: Call) -> Response:
    """Create a personal task, or a task in a project where I am a member or owner."""
    data = await call.body(TaskCreate)
    return json(await call.run(service.create_task, call.user, data, None, _tz(call)), 201)


async def get_task(call: Call) -> Response:
    """One task."""
    return json(await call.run(service.get_task, call.user, call.path_int("task_id"), _tz(call)))


async def patch_task(call: Call) -> Response:
    """Change some fields of a task; null clears the due date or assignee, or makes the task personal."""
    patch = await call.body(TaskPatch)
    return json(await call.run(service.update_task, call.user, call.path_int("task_id"), patch, _tz(call)))


async def delete_task(call: Call) -> Response:
    """Delete a task for good (archiving is PATCH archived=true)."""
    await call.run(service.delete_task, call.user, call.path_int("task_id"))
    return no_content()


async def bulk_update(call: Call) -> Response:
    """Change many tasks at once; nothing changes unless I may edit every one of them."""
    data = await call.body(BulkIn)
    return json(await call.run(_bulk.bulk_update, call.user, data))


async def list_comments(call: Call) -> Response:
    """Comments on a task, oldest first."""
    return json(await call.run(_comments.list_comments, call.user, call.path_int("task_id")))


async def add_comment(call: Call) -> Response:
    """Comment on a task I can edit."""
    data = await call.body(CommentIn)
    return json(await call.run(_comments.add_comment, call.user, call.path_int("task_id"), data), 201)


async def list_activity(call: Call) -> Response:
    """The task's change log, newest first."""
    return json(await call.run(_comments.list_activity, call.user, call.path_int("task_id")))


async def export_csv(call: Call) -> Response:
    """The filtered task list as a CSV file (up to 10,000 rows) for spreadsheets."""
    query = call.query(ExportQuery)
    day, body = await call.run(_export.export_csv, call.user, query, _tz(call))
    disposition = f'attachment; filename="tasks-{day}.csv"'
    return Response(body, media_type="text/csv; charset=utf-8", headers={"Content-Disposition": disposition})


async def list_presets(call: Call) -> Response:
    """My saved task-list filters."""
    return json(await call.run(_presets.list_presets, call.user.user_id))


async def create_preset(call: Call) -> Response:
    """Save a task-list filter under a name."""
    data = await call.body(PresetIn)
    return json(await call.run(_presets.create_preset, call.user.user_id, data), 201)


async def delete_preset(call: Call) -> Response:
    """Delete one of my saved filters."""
    await call.run(_presets.delete_preset, call.user.user_id, call.path_int("preset_id"))
    return no_content()


U = Access.USER
TASK = "/api/tasks/{task_id:int}"
ROUTES = [
    ApiRoute("GET", "/api/tasks", list_tasks, access=U, query=TaskQuery, response=TaskPage),
    ApiRoute("POST", "/api/tasks", create_task, access=U, body=TaskCreate, response=TaskOut, status=201),
    ApiRoute("POST", "/api/tasks/bulk", bulk_update, access=U, body=BulkIn, response=BulkResult),
    ApiRoute("GET", "/api/tasks/export.csv", export_csv, access=U, query=ExportQuery),
    ApiRoute("GET", "/api/tasks/presets", list_presets, access=U, response=PresetList),
    ApiRoute("POST", "/api/tasks/presets", create_preset, access=U, body=PresetIn, response=PresetOut, status=201),
    ApiRoute("DELETE", "/api/tasks/presets/{preset_id:int}", delete_preset, access=U, status=204),
    ApiRoute("GET", TASK, get_task, access=U, response=TaskOut),
    ApiRoute("PATCH", TASK, patch_task, access=U, body=TaskPatch, response=TaskOut),
    ApiRoute("DELETE", TASK, delete_task, access=U, status=204),
    ApiRoute("GET", TASK + "/comments", list_comments, access=U, response=CommentList),
    ApiRoute("POST", TASK + "/comments", add_comment, access=U, body=CommentIn, response=CommentOut, status=201),
    ApiRoute("GET", TASK + "/activity", list_activity, access=U, response=ActivityList),
]
