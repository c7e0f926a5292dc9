"""The coverage list: which houses of which streets can be connected.

Streets are stored under their canonical names ("проспект Ленина"); matching free text to a
canonical name is the understanding layer's job (`aida.nlu`), this module only answers
"is this canonical address covered?".
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, Field, field_validator

from aida.domain import Address

_HOUSE_NUMBER = re.compile(r"\d+")


def house_number(house: str) -> int | None:
    """The number a house counts as: `15а`, `15 к2` and `15/2` all count as 15."""
    m = _HOUSE_NUMBER.match(house.strip())
    return int(m.group()) if m else None


def _key(name: str) -> str:
    """Names compared as people mean them: case, `ё`/`е` and spacing do not matter."""
    return " ".join(name.casefold().replace("ё", "е").split())


def _parse_ranges(spec: str) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for part in spec.split(";"):
        part = part.strip()
        if not part:
            continue
        lo, _, hi = part.partition("-")
        a, b = int(lo), int(hi or lo)
        if a > b:
            raise ValueError(f"house range {part!r} is reversed")
        ranges.append((a, b))
    if not ranges:
        raise ValueError("a coverage row needs at least one house")
    return ranges


class CoverageRow(BaseModel):
    city: str
    street: str
    houses: list[tuple[int, int]]

    @field_validator("houses", mode="before")
    @classmethod
    def _ranges(cls, v: object) -> object:
        return _parse_ranges(v) if isinstance(v, str) else v

    def covers(self, number: int) -> bool:
        return any(a <= number <= b for a, b in self.houses)


class CoverageList(BaseModel):
    rows: list[CoverageRow] = Field(default_factory=list)

    @classmethod
    def from_csv(cls, path: Path) -> CoverageList:
        with path.open(encoding="utf-8", newline="") as f:
            return cls.from_records(csv.DictReader(f))

    @classmethod
    def from_records(cls, records: Iterable[dict[str, str]]) -> CoverageList:
        return cls(rows=[CoverageRow.model_validate(r) for r in records])

    def cities(self) -> list[str]:
        return sorted({r.city for r in self.rows})

    def streets(self, city: str | None = None) -> list[str]:
        key = _key(city) if city else None
        return sorted({r.street for r in self.rows if key is None or _key(r.city) == key})

    def houses(self, city: str, street: str) -> list[tuple[int, int]]:
        """The house ranges connected on a street (empty when the street is not served)."""
        c, st = _key(city), _key(street)
        return [h for r in self.rows if _key(r.city) == c and _key(r.street) == st
                for h in r.houses]

    def covers(self, address: Address) -> bool:
        number = house_number(address.house)
        if number is None:
            return False
        city, street = _key(address.city), _key(address.street)
        return any(
            r.covers(number) for r in self.rows if _key(r.city) == city and _key(r.street) == street
        )
