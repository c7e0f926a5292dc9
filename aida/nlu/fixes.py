"""A number of the address corrected in place: «квартира не 18 а 81», «дом не 27, а 72»,
«квартира 21 а не 12».

Read against the address already given: the old number must be the one on record, so a
correction is never applied to the wrong part (or to an address not given yet).
"""

from __future__ import annotations

import re

from aida.domain import Address
from aida.nlu.intents import normalise

_FIX = re.compile(r"(?<!\w)(?P<part>квартир\w*|кв|дом\w*|д)\.?\s+(?:"
                  r"не\s+(?P<old>\d+[а-я]?)\s*(?:,\s*)?а\s+(?P<new>\d+[а-я]?)"
                  r"|(?P<new2>\d+[а-я]?)\s*(?:,\s*)?а\s+не\s+(?P<old2>\d+[а-я]?))(?!\w)")


def fixed_address(text: str, address: Address | None) -> Address | None:
    """The address on record with the corrected number, or None."""
    if address is None:
        return None
    m = _FIX.search(normalise(text))
    if m is None:
        return None
    old, new = m.group("old") or m.group("old2"), m.group("new") or m.group("new2")
    if m.group("part").startswith("к"):
        return address.model_copy(update={"flat": new}) if address.flat == old else None
    return address.model_copy(update={"house": new}) if address.house == old else None
