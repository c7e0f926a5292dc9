"""Scoring the extractor on a labelled corpus (tests/nlu/corpus.jsonl): accuracy per slot kind.

A corpus line is `{"text", "now"?, "expect"?, "want", "problems"?, "none"?, "split"?}`:
`want` is the expected `aida extract` object (plus `segment` when it is not the tariff's),
`problems` the expected `slot:code` list, `none` the slot kinds that must NOT be found (the
negatives), `split` is `dev` (written while building the extractor) or `holdout` (written
after it was done, never tuned on). `now` defaults to BASE_NOW, in the provider's zone.

A line counts for a slot kind when that kind is expected, found, or listed in `none`; it is
right when the value found equals the value expected (or both are absent). So a slot found
where none was expected is a miss, and lines that say nothing about a kind do not inflate it.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from aida.catalog import Catalog
from aida.domain import Address
from aida.nlu.extractor import extract
from aida.understanding.types import Expect, Extraction

BASE_NOW = "2026-11-27T13:00"  # a Friday, the research note's reference
KINDS: tuple[str, ...] = (
    "tariff",
    "segment",
    "router",
    "cctv_cameras",
    "static_ip",
    "address",
    "name",
    "phone",
    "email",
    "date",
    "time",
    "problems",
)


class Case(BaseModel):
    text: str
    now: str = BASE_NOW
    expect: Expect | None = None
    want: dict[str, Any] = Field(default_factory=dict)
    problems: list[str] = Field(default_factory=list)
    none: list[str] = Field(default_factory=list)
    split: Literal["dev", "holdout"] = "dev"


class Miss(BaseModel):
    kind: str
    text: str
    expect: Expect | None
    want: Any
    got: Any


class KindScore(BaseModel):
    right: int = 0
    total: int = 0

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 1.0


class Report(BaseModel):
    scores: dict[str, KindScore]
    misses: list[Miss]
    seconds: list[float]  # extraction time per line, wall clock
    cpu_seconds: list[float]  # the same in CPU time of this thread


def load_corpus(path: Path) -> list[Case]:
    cases = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                cases.append(Case.model_validate_json(line))
            except ValueError as e:
                raise ValueError(f"{path}:{n}: {e}") from e
    return cases


def observed(found: Extraction) -> dict[str, Any]:
    """What the extractor said, in the corpus's terms."""
    got = found.found()
    if found.segment is not None:
        got["segment"] = found.segment
    got["problems"] = sorted(f"{p.slot}:{p.code}" for p in found.problems)
    return got


def expected(case: Case, catalog: Catalog) -> dict[str, Any]:
    want = dict(case.want)
    if "address" in want:
        want["address"] = Address.model_validate(want["address"]).model_dump()
    tariff = catalog.tariff(want.get("tariff"))
    if tariff is not None:
        want.setdefault("segment", tariff.segment)
    want["problems"] = sorted(case.problems)
    return want


def run(cases: Iterable[Case], catalog: Catalog, tz: ZoneInfo) -> Report:
    scores = {k: KindScore() for k in KINDS}
    misses: list[Miss] = []
    seconds: list[float] = []
    cpu_seconds: list[float] = []
    for case in cases:
        now = dt.datetime.fromisoformat(case.now)
        now = now.replace(tzinfo=tz) if now.tzinfo is None else now.astimezone(tz)
        started, started_cpu = time.perf_counter(), time.thread_time()
        found = extract(case.text, now=now, catalog=catalog, expect=case.expect)
        seconds.append(time.perf_counter() - started)
        cpu_seconds.append(time.thread_time() - started_cpu)
        got, want = observed(found), expected(case, catalog)
        for kind in KINDS:
            if kind == "problems":
                counts = bool(want["problems"] or got["problems"] or "problems" in case.none)
            else:
                counts = kind in want or kind in got or kind in case.none
            if not counts:
                continue
            scores[kind].total += 1
            if want.get(kind) == got.get(kind):
                scores[kind].right += 1
            else:
                misses.append(
                    Miss(
                        kind=kind,
                        text=case.text,
                        expect=case.expect,
                        want=want.get(kind),
                        got=got.get(kind),
                    )
                )
    return Report(scores=scores, misses=misses, seconds=seconds, cpu_seconds=cpu_seconds)
