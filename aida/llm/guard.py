"""The fact check of a model-worded reply against the machine's draft.

A worded reply may change the words, never the facts. It is rejected (and the template used)
when it
- shows a number the draft does not (a price, total, speed, date, phone digit),
- names a tariff the draft does not, or drops a tariff name, price or total the draft shows,
- promises something the draft does not (free, discount, gift: "сделай бесплатно" never works),
- shows an email or link the draft does not, or rambles far beyond the draft's length,
- is not a reply in shape: no Russian text, the draft's question lost, or under 40 % of its
  length.

The check works on any prefix made of whole sentences too (`Guard.clean`), so a streamed reply
can be shown sentence by sentence, each one verified before the customer sees it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from aida.catalog import Catalog
from aida.understanding.types import ReplyDraft

# Digit groups split by a space, a no-break or thin space are one number: "1 290" is 1290.
_NUMBER = re.compile(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?!\d)|\d+")
_MONEY = re.compile(r"(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)\s*(?:₽|руб|р\.|rub)", re.IGNORECASE)
_EMAIL_OR_LINK = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|https?://\S+|www\.\S+", re.IGNORECASE)
# Promises only the machine may make: a reply may contain these only if the draft does.
_PROMISES = (
    "бесплатн",
    "даром",
    "скидк",
    "акци",
    "подар",
    "промокод",
    "free",
    "discount",
)
# Lets a model be wordier than the template, not write an essay, nor drop half of it.
_MAX_GROWTH = 2.0
_MAX_EXTRA_CHARS = 240
_MIN_SHARE = 0.4
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def numbers(text: str) -> set[int]:
    return {int(re.sub(r"\D", "", m.group())) for m in _NUMBER.finditer(text)}


def money(text: str) -> set[int]:
    return {int(re.sub(r"\D", "", m.group(1))) for m in _MONEY.finditer(text)}


def _flatten(value: Any) -> Iterable[Any]:
    if isinstance(value, dict):
        for v in value.values():
            yield from _flatten(v)
    elif isinstance(value, list | tuple | set):
        for v in value:
            yield from _flatten(v)
    else:
        yield value


def _stem(word: str) -> str:
    # Russian names decline ("Пакете Премиум", "Безлимитищем"): match on a stem.
    return re.escape(word[: max(4, len(word) - 2)].casefold())


def tariff_patterns(catalog: Catalog) -> dict[str, re.Pattern[str]]:
    """How a mention of each tariff looks: its full name, or its own word(s) written as a name.

    "тариф Премиум" mentions "Пакет Премиум"; a lower-case "домашний интернет" does not
    mention "Пакет Домашний" (the distinctive word must start with a capital letter).
    """
    names = [t.name for t in catalog.tariffs]
    counts: dict[str, int] = {}
    for name in names:
        for w in {w.casefold() for w in name.split()}:
            counts[w] = counts.get(w, 0) + 1
    patterns: dict[str, re.Pattern[str]] = {}
    for name in names:
        words = name.split()
        full = r"\w*\s+".join(f"(?i:{_stem(w)})" for w in words) + r"\w*"
        own = [w for w in words if counts[w.casefold()] == 1]
        alternatives = [full]
        if own:
            capital = [f"{re.escape(w[0].upper())}(?i:{_stem(w)[1:]})" for w in own]
            alternatives.append(r"\w*\s+".join(capital) + r"\w*")
        patterns[name] = re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + ")", re.UNICODE)
    return patterns


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reason: str = ""


@dataclass
class Guard:
    """What a worded reply of one draft may and must show."""

    allowed_numbers: set[int]
    required_money: set[int]
    tariffs: dict[str, re.Pattern[str]]  # every catalog tariff → how its mention looks
    allowed_tariffs: set[str]
    required_tariffs: set[str]
    allowed_promises: set[str]
    allowed_links: set[str]
    max_chars: int
    min_chars: int
    asks: bool  # the draft ends with a question: the reply must still ask it
    template: str = field(repr=False)

    @classmethod
    def for_draft(cls, draft: ReplyDraft, catalog: Catalog) -> Guard:
        text = draft.text()
        fact_values = list(_flatten(draft.facts))
        fact_text = " ".join(str(v) for v in fact_values if not isinstance(v, bool))
        tariffs = tariff_patterns(catalog)
        shown = {name for name, pattern in tariffs.items() if pattern.search(text)}
        in_facts = {name for name, pattern in tariffs.items() if pattern.search(fact_text)}
        fact_ints = {v for v in fact_values if isinstance(v, int) and not isinstance(v, bool)}
        lower = text.casefold()
        return cls(
            allowed_numbers=numbers(text) | numbers(fact_text),
            # What the template shows as money, and the facts it shows, must survive wording.
            required_money=money(text) | (fact_ints & numbers(text)),
            tariffs=tariffs,
            allowed_tariffs=shown | in_facts,
            required_tariffs=shown,
            allowed_promises={p for p in _PROMISES if p in lower},
            allowed_links={
                m.group().casefold().rstrip(".,;:!?)") for m in _EMAIL_OR_LINK.finditer(text)
            },
            max_chars=int(len(text) * _MAX_GROWTH) + _MAX_EXTRA_CHARS,
            min_chars=int(len(text) * _MIN_SHARE),
            asks=text.rstrip().endswith("?"),
            template=text,
        )

    def clean(self, text: str) -> Verdict:
        """No fact in `text` that the draft does not have (any whole-sentence prefix may pass)."""
        lower = text.casefold()
        foreign = numbers(text) - self.allowed_numbers
        if foreign:
            return Verdict(False, "number")
        named = {name for name, pattern in self.tariffs.items() if pattern.search(text)}
        if named - self.allowed_tariffs:
            return Verdict(False, "tariff")
        if any(p in lower for p in _PROMISES if p not in self.allowed_promises):
            return Verdict(False, "promise")
        links = {m.group().casefold().rstrip(".,;:!?)") for m in _EMAIL_OR_LINK.finditer(text)}
        if links - self.allowed_links:
            return Verdict(False, "link")
        if len(text) > self.max_chars:
            return Verdict(False, "length")
        return Verdict(True)

    def complete(self, text: str) -> Verdict:
        """The whole reply: clean, and keeping every price, total and tariff the draft shows."""
        verdict = self.clean(text)
        if not verdict.ok:
            return verdict
        if not text.strip():
            return Verdict(False, "empty")
        # Not a reply at all: no Russian, the question lost, or most of the draft left out.
        if not _CYRILLIC.search(text) or len(text.strip()) < self.min_chars:
            return Verdict(False, "shape")
        if self.asks and "?" not in text:
            return Verdict(False, "shape")
        if self.required_money - numbers(text):
            return Verdict(False, "missing_price")
        if any(not self.tariffs[name].search(text) for name in self.required_tariffs):
            return Verdict(False, "missing_tariff")
        return Verdict(True)

    def has_required(self, text: str) -> bool:
        """Does this prefix already show every required fact (so it may be shown)?"""
        return not (self.required_money - numbers(text)) and all(
            self.tariffs[name].search(text) for name in self.required_tariffs
        )


def check(worded: str, draft: ReplyDraft, catalog: Catalog) -> Verdict:
    return Guard.for_draft(draft, catalog).complete(worded)
