"""`aida serve [--host H] [--port P]`: the HTTP service (default 127.0.0.1:8900).

SIGTERM or Ctrl+C stops it gracefully: it stops accepting, lets turns in flight finish (up
to 30 s), stops background tasks, then closes the database.
"""

from __future__ import annotations

import argparse
import gc
import logging
import sys
from urllib.parse import urlsplit, urlunsplit

from aiohttp import web
from pydantic import ValidationError

from aida.catalog import CatalogError
from aida.config import MIN_ADMIN_TOKEN, Settings
from aida.http import create_app
from aida.http.accesslog import AccessLogger
from aida.ops.logs import setup_logging

SHUTDOWN_TIMEOUT = 30.0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("serve", help="запустить HTTP-сервис (виджет, /chat, /health)")
    p.add_argument("--host", default="127.0.0.1", help="адрес (по умолчанию 127.0.0.1)")
    p.add_argument("--port", type=int, default=8900, help="порт (по умолчанию 8900)")
    p.set_defaults(func=run)


def _shown(url: str) -> str:
    """The database URL without its password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def run(args: argparse.Namespace) -> int:
    try:
        settings = Settings()  # type: ignore[call-arg]  # values come from the environment
    except ValidationError as e:
        print(f"aida: ошибка в настройках:\n{e}", file=sys.stderr)
        return 2
    token = (settings.admin_token or "").strip()
    if token and len(token) < MIN_ADMIN_TOKEN:
        print(
            f"aida: AIDA_ADMIN_TOKEN короче {MIN_ADMIN_TOKEN} символов — такой ключ можно "
            "подобрать. Возьмите длинный случайный: AIDA_ADMIN_TOKEN=$(openssl rand -hex 24)",
            file=sys.stderr,
        )
        return 2
    setup_logging(settings.log_level, settings.log_format)
    log = logging.getLogger("aida.serve")
    try:
        app = create_app(settings)
    except (CatalogError, ValueError) as e:
        print(f"aida: {e}", file=sys.stderr)
        return 2
    # What start-up loaded (catalog, morphology, engine) lives as long as the process: keep it
    # out of the garbage collector's full passes, which otherwise stall turns for tens of ms.
    gc.collect()
    gc.freeze()
    log.info(
        "AIDA: open http://%s:%s/ (the assistant; the widget is /widget.js); database %s",
        "127.0.0.1" if args.host in ("0.0.0.0", "::", "") else args.host,
        args.port,
        _shown(settings.database_url),
    )
    web.run_app(
        app,
        host=args.host,
        port=args.port,
        shutdown_timeout=SHUTDOWN_TIMEOUT,
        access_log_class=AccessLogger,
        print=lambda line: log.info("%s", line.strip()),
    )
    return 0
