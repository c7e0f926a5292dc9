"""`extract`: every slot in one customer message, each parser seeing only what is left.

Order (research note, section 8): email → phone → address → tariff and segment → extras →
date and time → name. Each step blanks what it understood, so a phone never becomes a Unix
timestamp, `кв. 12, две камеры` never a date, `Домашний 70` never a house, and `Ленина`
never a name. Emails go first because their local part may hold a phone-like digit run.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import cast

from aida.catalog import Catalog
from aida.domain import CameraCount
from aida.nlu.address import find_address
from aida.nlu.datetime import find_date_time
from aida.nlu.email import find_emails
from aida.nlu.extras import find_extras
from aida.nlu.intents import GREETING_PHRASE
from aida.nlu.name import FoundName, find_name, has_name_reading
from aida.nlu.phone import find_phones
from aida.nlu.tariff import find_tariff
from aida.nlu.text import Scratch
from aida.understanding.types import Expect, Extraction, Problem

# Longer input is not a chat message; reading only its start keeps the cost bounded.
MAX_CHARS = 4000
ADDRESS_ASKED = ("address", "house", "flat")
# Between two phone numbers: the later one corrects the earlier.
PHONE_CORRECTED = re.compile(r"(?<![\w-])(?:нов\w*|правильн\w*|верн\w*|точнее|вернее|ошиб\w*"
                             r"|не\s+тот|актуальн\w*|теперь|сейчас|а\s+не|исправ\w*|опечат\w*)"
                             r"(?![\w-])")
# Contacts typed unasked come in a short message; a long one is not read twice for a name.
UNASKED_NAME_CHARS = 200
PHONE_EITHER = re.compile(r"(?<![\w-])(?:или|либо)(?![\w-])")


def extract(
    text: str, *, now: dt.datetime, catalog: Catalog, expect: Expect | None = None,
    city: str | None = None,
) -> Extraction:
    """The slots in `text`, with what was unusable (`problems`) and what is unsure (`doubtful`).

    `now` is the current time in the provider's time zone; relative dates count from it.
    `expect` is the slot just asked for: it lets a bare answer count (`2` for cameras,
    `ольга` for the name, `к 10` for the time). `city` is one named earlier in the
    conversation: an address without a city is there. Never raises on any text.
    """
    s = Scratch(text[:MAX_CHARS])
    s.mask(m.span() for m in GREETING_PHRASE.finditer(s.text))  # «доброе утро» is not 09:00
    out = Extraction()
    problems: list[Problem] = []
    doubtful: list[str] = []

    emails = find_emails(s.original, s.text)
    out.email = next((e.email for e in emails if e.email), None)
    if out.email is None:
        problems += [e.problem for e in emails if e.problem][:1]
    s.mask((e.start, e.end) for e in emails)

    phones = find_phones(s.text, expect)
    numbers = list(dict.fromkeys(p.e164 for p in phones if p.e164))
    out.phone = numbers[0] if numbers else None
    if len(numbers) > 1:
        # «старый номер …, новый …» takes the one after the word that corrects; «… или …»
        # offers either (the first is taken); two numbers and neither word: which one is
        # asked, neither is guessed
        valid = [p for p in phones if p.e164]
        between = s.text[valid[0].end : valid[-1].start]
        if PHONE_CORRECTED.search(between):
            out.phone = numbers[-1]
        elif not PHONE_EITHER.search(between):
            out.phone = None
            problems.append(Problem(slot="phone", code="ambiguous", options=numbers[:3]))
    if out.phone is None and len(numbers) <= 1:
        problems += [p.problem for p in phones if p.problem][:1]
    s.mask((p.start, p.end) for p in phones)

    # The house or the flat asked: the customer often writes the whole address again.
    address = find_address(s.text, catalog, "address" if expect in ADDRESS_ASKED else expect,
                           city=city)
    out.address = address.address
    problems += address.problems
    if address.doubtful:
        doubtful.append("address")
    s.mask(address.spans)

    tariff = find_tariff(s.text, catalog, expect)
    out.tariff, out.segment = tariff.tariff, tariff.segment
    problems += tariff.problems
    if tariff.doubtful and tariff.tariff:
        doubtful.append("tariff")
    s.mask(tariff.spans)

    extras = find_extras(s.text, catalog, expect)
    out.router, out.static_ip = extras.router, extras.static_ip
    out.cctv_cameras = cast(CameraCount | None, extras.cctv_cameras)  # checked vs the catalog
    problems += extras.problems
    s.mask(extras.spans)

    when = find_date_time(s.text, now, catalog, expect)
    out.date, out.time = when.date, when.time
    problems += when.problems
    doubtful += when.doubtful
    s.mask(when.spans)

    name = find_name(s.text, s.original, expect)
    if name.name is None and out.phone and expect != "name" and len(s.text) <= UNASKED_NAME_CHARS:
        # «Надежда, 8 904 …»: contacts given unasked; a name that is also a word is read back
        unasked = find_name(s.text, s.original, "name")
        if unasked.name is not None and has_name_reading(unasked.name.split()[0]):
            name = FoundName(unasked.name, doubtful=True)
    out.name = name.name
    if name.doubtful:
        doubtful.append("name")

    out.problems = problems
    out.doubtful = list(dict.fromkeys(doubtful))
    return out
