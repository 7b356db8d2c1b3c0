"""Serve the built frontend: hashed assets with long cache lifetimes, index.html for every other path."""

from __future__ import annotations

import os
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

IMMUTABLE = "public, max-age=31536000, immutable"
NOT_BUILT = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>DevCell</title></head>
<body><h1>DevCell</h1><p>The web interface is not built. Run <code>python3 build.py web</code>,
or use the API at <a href="/api/openapi.json">/api/openapi.json</a>.</p></body></html>"""


class HashedAssets(StaticFiles):
    """Vite puts a content hash in every asset name, so browsers may keep them forever."""

    def file_response(
        self, full_path: str | os.PathLike[str], stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = IMMUTABLE
        return response


def spa_routes(dist: Path) -> list[BaseRoute]:
    index = dist / "index.html"
    # Top-level files (favicon, robots.txt) are listed once: a release never changes them while running.
    root_files = {p.name: p for p in dist.glob("*") if p.is_file() and p.name != "index.html"}

    async def serve_index(request: Request) -> Response:
        if not index.is_file():
            return HTMLResponse(NOT_BUILT, status_code=503)
        # index.html must be revalidated so a new release's asset names are picked up.
        return FileResponse(index, headers={"Cache-Control": "no-cache"})

    async def serve_root_file(request: Request) -> Response:
        found = root_files.get(request.path_params["name"])
        if found is not None:
            return FileResponse(found, headers={"Cache-Control": "public, max-age=3600"})
        return await serve_index(request)

    routes: list[BaseRoute] = []
    if (dist / "assets").is_dir():
        routes.append(Mount("/assets", app=HashedAssets(directory=dist / "assets"), name="assets"))
    routes += [
        Route("/", serve_index, methods=["GET", "HEAD"]),
        Route("/{name:str}", serve_root_file, methods=["GET", "HEAD"]),
        Route("/{path:path}", serve_index, methods=["GET", "HEAD"]),
    ]
    return routes
