"""The widget and assistant pages from `web/`: `aida/web` in a wheel, `<repo>/web` in a checkout.

Every file goes out with `nosniff`; the HTML pages also with a Content-Security-Policy (scripts
from here only, plus the page's own inline scripts by hash), frame protection (only this site
and the AIDA_CORS_ORIGINS sites may frame them) and a referrer policy.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from functools import lru_cache
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


_INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE
)


@lru_cache(maxsize=32)
def _script_hashes(path: Path, mtime_ns: int) -> tuple[str, ...]:
    """CSP sources for the inline scripts of the page at `path` (as of `mtime_ns`)."""
    text = path.read_text(encoding="utf-8")
    return tuple(
        f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'"
        for body in _INLINE_SCRIPT.findall(text)
    )


def page_headers(path: Path, frame_ancestors: list[str]) -> dict[str, str]:
    """The security headers of one of our HTML pages."""
    scripts = " ".join(("'self'", *_script_hashes(path, path.stat().st_mtime_ns)))
    ancestors = "*" if "*" in frame_ancestors else " ".join(("'self'", *frame_ancestors))
    headers = {
        "Content-Security-Policy": (
            f"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
            f"form-action 'self'; frame-ancestors {ancestors}"
        ),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
    }
    if not frame_ancestors:  # older browsers, which know no frame-ancestors
        headers["X-Frame-Options"] = "SAMEORIGIN"
    return headers


class _Files:
    def __init__(self, root: Path, frame_ancestors: list[str]) -> None:
        self._root = root.resolve()
        self._frame_ancestors = frame_ancestors

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
        if target.suffix == ".html":
            headers = page_headers(target, self._frame_ancestors)
        else:
            headers = {"X-Content-Type-Options": "nosniff"}
        return web.FileResponse(target, headers=headers)


def add_static_routes(app: web.Application, frame_ancestors: list[str]) -> None:
    """`/` → the assistant page; every file of web/ at the root (`/widget.js`, ...).
    Registered last: the API routes match first. `frame_ancestors`: the other sites that may
    show the pages in a frame (AIDA_CORS_ORIGINS)."""
    root = web_root()
    if root is None:
        log.warning("web/ not found: the widget and the assistant page are not served")
        return
    app.router.add_get("/", _index)
    # Files have an extension; so GET /chat stays a 405, not a missing file.
    app.router.add_get(r"/{path:.+\.\w+}", _Files(root, frame_ancestors).serve)
