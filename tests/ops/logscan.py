"""Every log line of the test run, formatted as in production, scanned for personal data.

`tests/conftest.py` imports `log_scan`, a session-wide autouse fixture: it puts a handler with
the production JSON formatter on the root logger (AIDA's loggers at DEBUG, everything else at
INFO), and when the run ends fails it if any line held a raw phone number or email.
`scan_line` uses its own patterns, not `aida.privacy`'s, so a pattern the masking misses is
caught rather than agreed with.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest

from aida.ops.logs import JsonFormatter

_SEP = r"[\s\-().]*"
# A Russian number written any usual way (+7 999 123-45-67, 8 (999) 123 45 67, 79991234567,
# URL-encoded %2B7…), and any other E.164 run of 11–15 digits after a plus. A number is a
# whole token: digits inside a word (a hex request id such as `f8bad89589254390`) are not one.
RAW_PHONE = re.compile(
    rf"(?<![\w*])(?:\+|%2B)?[78]{_SEP}\(?9\d\d{_SEP}\d\d\d{_SEP}\d\d{_SEP}\d\d(?![\w*])"
    r"|(?:\+|%2B)\d{11,15}(?!\d)",
    re.IGNORECASE,
)
# An address with its local part intact (the masked form is `i***@mail.ru`).
RAW_EMAIL = re.compile(r"[\w.+-]*[\w+-]@[\w-]+(?:\.[\w-]+)*\.[a-zа-яё]{2,}", re.IGNORECASE)


def scan_line(line: str) -> list[str]:
    """The raw phones and emails in one log line."""
    return [m.group(0) for m in RAW_PHONE.finditer(line)] + [
        m.group(0) for m in RAW_EMAIL.finditer(line)
    ]


class ScanHandler(logging.Handler):
    """Formats each record as production would and keeps the lines that leak."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.setFormatter(JsonFormatter())
        self.lines = 0
        self.leaks: list[tuple[str, str]] = []  # (where, line)

    def emit(self, record: logging.LogRecord) -> None:
        line = self.format(record)
        self.lines += 1
        if scan_line(line):
            self.leaks.append((f"{record.name} {record.pathname}:{record.lineno}", line))


@pytest.fixture(scope="session", autouse=True)
def log_scan() -> Iterator[ScanHandler]:
    handler = ScanHandler()
    root = logging.getLogger()
    aida = logging.getLogger("aida")
    saved = root.level, aida.level
    root.addHandler(handler)
    root.setLevel(min(root.level, logging.INFO))
    aida.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(saved[0])
        aida.setLevel(saved[1])
    leaks = handler.leaks
    if leaks:
        shown = "\n".join(f"  {where}: {line[:400]}" for where, line in leaks[:20])
        pytest.fail(
            f"{len(leaks)} of {handler.lines} log lines hold a raw phone or email:\n{shown}",
            pytrace=False,
        )
