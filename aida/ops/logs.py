"""Log lines as JSON objects (one per line), with the request id, and no personal data.

A small stdlib formatter rather than a library: what it must do beyond any JSON formatter —
masking phones and emails in every string, the request id from a context variable — is most
of its code. Messages, string fields and tracebacks pass through `aida.privacy.scrub`, a
safety net under the rule that code logs ids, steps and counts, never what customers wrote.

A line: {"ts", "level", "logger", "event", "msg", "request_id", ...the record's `extra`...,
"exc"}. `event` names what happened ("turn", "crm.delivery", ...; "log" for plain lines).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from typing import Any, Literal

from aida.ops.context import current_request_id
from aida.privacy import scrub

LogFormat = Literal["auto", "json", "text"]

# A log line carries at most this much of any one string (a header, a message, an error):
# longer ones are cut before masking, so a line costs bounded time and space whatever a client
# sent. Tracebacks get more room.
FIELD_MAX = 2000
TRACEBACK_MAX = 16000


def cut(text: str, limit: int = FIELD_MAX) -> str:
    """`text`, or its first `limit` characters and how many more there were."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}…(+{len(text) - limit})"


# Attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}


def scrubbed(value: Any) -> Any:
    """`value` with every string in it (at any depth) scrubbed of phones and emails; keys are
    the code's own field names and stay as they are."""
    if isinstance(value, str):
        return scrub(cut(value))
    if isinstance(value, dict):
        return {str(k): scrubbed(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [scrubbed(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return scrub(cut(str(value)))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        # The time, level and logger name are AIDA's own; everything else is scrubbed.
        line: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
        }
        rest: dict[str, Any] = {
            "event": "log",
            "msg": record.getMessage(),
            "request_id": current_request_id(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                rest[key] = value
        if record.exc_info:
            rest["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            rest["exc"] = record.exc_text
        if record.stack_info:
            rest["stack"] = self.formatStack(record.stack_info)
        exc: dict[str, str] = {
            k: scrub(cut(rest.pop(k), TRACEBACK_MAX)) for k in ("exc", "stack") if k in rest
        }
        line.update(scrubbed(rest))
        line.update(exc)
        return json.dumps(line, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """For a person at a terminal (AIDA_LOG_FORMAT=text): the same masking, one plain line."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        request = current_request_id()
        text = cut(super().format(record), TRACEBACK_MAX)
        return scrub(f"{text} [{request}]" if request else text)


def setup_logging(level: str = "INFO", fmt: LogFormat = "auto") -> None:
    """Send every log record to standard error (journald under systemd) in `fmt`; `auto`:
    readable lines for a person at a terminal, JSON for everything else."""
    if fmt == "auto":
        fmt = "text" if sys.stderr.isatty() else "json"
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
