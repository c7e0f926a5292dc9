"""Shared pieces for the understanding tests: the shipped catalog and a reference moment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest

from aida.catalog import Catalog, default_catalog
from aida.nlu import extract
from aida.understanding.types import Expect, Extraction

TZ = ZoneInfo("Europe/Volgograd")
# Friday 27 November 2026, 13:00 — the research note's reference moment.
FRIDAY = dt.datetime(2026, 11, 27, 13, 0, tzinfo=TZ)


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return default_catalog()


@pytest.fixture
def read(catalog: Catalog) -> Callable[..., Extraction]:
    """`read(text, expect=None, now=FRIDAY)` → the Extraction."""

    def _read(text: str, expect: Expect | None = None, now: dt.datetime = FRIDAY) -> Extraction:
        return extract(text, now=now, catalog=catalog, expect=expect)

    return _read


def codes(found: Extraction) -> set[str]:
    return {f"{p.slot}:{p.code}" for p in found.problems}
