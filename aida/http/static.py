"""The widget and assistant pages from `web/`: `aida/web` in a wheel, `<repo>/web` in a checkout."""

from __future__ import annotations

import logging
from pathlib import Path

from aiohttp import web

import aida

log = logging.getLogger(__name__)


def web_root() -> Path | None:
    package = Path(aida.__file__).resolve().parent
    for candidate in (package / "web", package.parent / "web"):
        if candidate.is_dir():
            return candidate
    return None


async def _index(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound("/aida_chat.html")


class _Files:
    def __init__(self, root: Path) -> None:
        self._root = root.resolve()

    async def serve(self, request: web.Request) -> web.StreamResponse:
        relative = request.match_info["path"]
        # A NUL byte or an over-long name is no file of ours (and the OS would raise).
        if "\x00" in relative or any(len(part.encode()) > 255 for part in relative.split("/")):
            raise web.HTTPNotFound()
        try:
            target = (self._root / relative).resolve()
            # Inside web/ only (no `..`, no symlink out), no dotfiles, files only.
            found = (
                target.is_relative_to(self._root)
                and not any(part.startswith(".") for part in Path(relative).parts)
                and target.is_file()
            )
        except (OSError, ValueError):  # a path the file system refuses: not one of ours
            found = False
        if not found:
            raise web.HTTPNotFound()
        return web.FileResponse(target)


def add_static_routes(app: web.Application) -> None:
    """`/` → the assistant page; every file of web/ at the root (`/widget.js`, ...).
    Registered last: the API routes match first."""
    root = web_root()
    if root is None:
        log.warning("web/ not found: the widget and the assistant page are not served")
        return
    app.router.add_get("/", _index)
    # Files have an extension; so GET /chat stays a 405, not a missing file.
    app.router.add_get(r"/{path:.+\.\w+}", _Files(root).serve)
