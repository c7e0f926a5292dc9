"""A scripted customer who answers whatever the assistant asks, as written by someone who never
saw the rules, and the score of how the assistant understood them.

A dialogue (TOML, see tests/conversations/README.md) gives the customer's opening messages, how
they answer each kind of question (and what they say when asked the same thing again), things
they interject before a given question, and what the conversation must end with. The customer
reads only the assistant's question kind (the state's answer space) and, for a read-back
(«Правильно понимаю…?»), compares the value read back with what they meant.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aida.dialogue.engine import Engine
from aida.domain import ConversationState, Lead, Step

TZ = ZoneInfo("Europe/Volgograd")
HERE = Path(__file__).resolve().parent
MAX_TURNS = 40
SECONDS_PER_TURN = 40
# The slots a request carries, compared with what the customer meant.
LEAD_FIELDS = ("tariff", "router", "cctv_cameras", "static_ip", "address", "name", "phone",
               "email", "date", "time")


@dataclass(frozen=True)
class Script:
    id: str
    persona: str
    now: dt.datetime
    opening: list[str]
    answers: dict[str, str]
    interject: list[tuple[str, str]]
    expect: dict[str, Any]
    source: str

    @property
    def outcome(self) -> str:
        return str(self.expect.get("outcome", "lead"))


def load(paths: list[Path]) -> list[Script]:
    out: list[Script] = []
    for path in paths:
        with path.open("rb") as f:
            data = tomllib.load(f)
        for d in data.get("dialogue", []):
            now = dt.datetime.fromisoformat(d["now"])
            out.append(Script(
                id=d["id"], persona=d.get("persona", ""),
                now=now if now.tzinfo else now.replace(tzinfo=TZ),
                opening=list(d.get("opening", [])),
                answers={k: str(v) for k, v in d.get("answers", {}).items()},
                interject=[(i["before"], i["text"]) for i in d.get("interject", [])],
                expect=dict(d.get("expect", {})), source=path.name,
            ))
    return out


def corpus_files(holdout: bool = False) -> list[Path]:
    folder = HERE / "holdout" if holdout else HERE
    return sorted(folder.glob("*.toml"))


# -- what the assistant asked ------------------------------------------------------------

def asked(state: ConversationState) -> str | None:
    """The kind of question the assistant's last reply asked, in the scripts' vocabulary."""
    pending = state.pending
    if pending is None:
        return None
    return {"house": "address", "date": "when", "time": "when", "cctv_cameras": "cctv"}.get(
        pending, pending)


def _same(a: Any, b: Any) -> bool:
    norm = lambda v: "" if v is None else str(v).strip().casefold().replace("ё", "е")
    return norm(a) == norm(b)


def _same_words(v: Any) -> set[str]:
    return set(str(v).casefold().replace("ё", "е").split())


def _same_house(a: Any, b: Any) -> bool:
    """«7 к2», «7к2», «7 корп. 2»: one building."""
    norm = lambda v: re.sub(r"корп(?:ус)?\.?", "к", str(v or "").casefold()).replace(" ", "")
    return norm(a) == norm(b)


def _address_dict(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    d = value.model_dump() if hasattr(value, "model_dump") else dict(value)
    return {k: d.get(k) or None for k in ("city", "street", "house", "flat")}


def same_value(field_name: str, got: Any, meant: Any) -> bool:
    if field_name == "address":
        g, m = _address_dict(got), _address_dict(meant)
        # «улица Садовая» and «Садовая улица» (a street outside the list has no one spelling)
        return g is not None and m is not None and all(
            _same_words(g[k] or "") == _same_words(m[k] or "") if k == "street"
            else _same_house(g[k], m[k]) if k == "house" else _same(g[k], m[k]) for k in g)
    if field_name == "name" and got and meant:
        # «Геннадий Степанович» for «Геннадий Степанович Фомин»: what was said, not a wrong name
        said, whole = _same_words(got), _same_words(meant)
        return bool(said) and said <= whole
    if field_name == "email":
        return _same(got or "", meant or "")
    if isinstance(got, bool) or isinstance(meant, bool):
        return got is meant or got == meant
    if isinstance(got, dt.date):
        got = got.isoformat()
    return _same(got, meant)


def _topic(key: str) -> str:
    """A question and its read-back ask about the same thing."""
    return {"verify_date": "when", "verify_name": "name"}.get(
        key, key.removeprefix("verify_"))


# -- the customer ------------------------------------------------------------------------

@dataclass
class Customer:
    script: Script
    said: Counter[str] = field(default_factory=Counter)
    interjected: set[int] = field(default_factory=set)

    def reply(self, key: str, state: ConversationState) -> tuple[str | None, bool]:
        """(message, is_an_answer): what the customer writes to a question of kind `key`."""
        for i, (before, text) in enumerate(self.script.interject):
            if before == key and i not in self.interjected:
                self.interjected.add(i)
                return text, False
        if key.startswith("verify_"):
            return self._verify(key.removeprefix("verify_"), state), True
        text = self._answer(key)
        self.said[key] += 1
        return text, True

    def _answer(self, key: str) -> str | None:
        a, outcome = self.script.answers, self.script.outcome
        if self.said[key] and f"{key}_again" in a:
            return a[f"{key}_again"]
        if key in a:
            return a[key]
        if key == "flat_split":  # «7/18 — это дом 7, квартира 18?»
            meant = self.script.expect.get("address") or {}
            return a.get("yes", "да") if meant.get("flat") else a.get("no", "нет")
        if key == "flat":  # the flat (or office) alone: they repeat the address, or say none
            meant = self.script.expect.get("address") or {}
            return a.get("address", "") if meant.get("flat") else "частный дом"
        defaults = {
            "confirm": "да",
            "consent": "согласен",
            "referrer": "пропустить",
            # Asked "another address or a technical check?": writers answer as to the address.
            "tech_check": a.get("address_again", "да" if outcome == "tech_check" else "нет"),
            # Offered a call back: the ones who came for one leave a phone; the rest say their
            # no (and go on) if the writer gave one, else leave.
            "callback": a.get("phone") if outcome == "callback" else a.get("no"),
            "change": "всё верно",
        }
        return defaults.get(key)

    def _verify(self, slot: str, state: ConversationState) -> str:
        meant = self.script.expect.get(slot)
        got = getattr(state.slots, slot, None)
        if meant is None or same_value(slot, got, meant):  # nothing meant: no reason to object
            return self.script.answers.get("yes", "да")
        return self.script.answers.get("no", "нет")


# -- one conversation --------------------------------------------------------------------

@dataclass
class Run:
    script: Script
    transcript: list[tuple[str, str]] = field(default_factory=list)
    leads: list[Lead] = field(default_factory=list)
    final: ConversationState | None = None
    reasks: int = 0
    stuck: bool = False
    wrong: list[str] = field(default_factory=list)  # silent wrong values: "field: got ≠ meant"
    missing: list[str] = field(default_factory=list)
    outcome_ok: bool = False

    @property
    def right(self) -> bool:
        return self.outcome_ok and not self.wrong and not self.missing and not self.stuck

    def show(self) -> str:
        lines = [f"== {self.script.id} ({self.script.source}) — {self.script.persona}",
                 f"   now {self.script.now:%a %Y-%m-%d %H:%M}; expected {self.script.expect}"]
        for role, text in self.transcript:
            lines.append(f"   {role}: {text}".replace("\n", "\n        "))
        lines.append(f"   => leads {[(ld.kind, _lead_values(ld)) for ld in self.leads]}")
        lines.append(f"   => re-asks {self.reasks}, stuck {self.stuck}, wrong {self.wrong}, "
                     f"missing {self.missing}, outcome_ok {self.outcome_ok}")
        return "\n".join(lines)


def _lead_values(lead: Lead) -> dict[str, Any]:
    values = {f: getattr(lead, f) for f in LEAD_FIELDS}
    if lead.address is not None:
        values["address"] = lead.address.display()
    if isinstance(values["date"], dt.date):
        values["date"] = values["date"].isoformat()
    return values


async def converse(engine: Engine, script: Script) -> Run:
    run = Run(script)
    customer = Customer(script)
    state = engine.new_state()
    now = script.now
    queue = list(script.opening)
    answered: str | None = None  # the question kind the last message answered
    same_key: Counter[str] = Counter()
    same_topic: Counter[str] = Counter()
    for _ in range(MAX_TURNS):
        if queue:
            text: str | None = queue.pop(0)
            answered = None
        else:
            key = asked(state)
            if key is None:
                break
            text, is_answer = customer.reply(key, state)
            answered = key if is_answer else None
        if text is None:
            break
        result = await engine.turn(state, text, now=now, session_id=script.id)
        state = result.state
        now += dt.timedelta(seconds=SECONDS_PER_TURN)
        run.transcript += [("клиент", text), ("аида", result.reply)]
        if result.lead is not None:
            run.leads.append(result.lead)
        key_now = asked(state)
        if answered is not None and key_now is not None and _topic(key_now) == _topic(answered):
            # Asked about the same thing again; a read-back of it counts as the same thing.
            run.reasks += 1
            same_key[key_now] += key_now == answered
            same_topic[_topic(answered)] += 1
            # The same question a third time, or a fourth round on one thing (asked, read
            # back, asked, read back): a real customer leaves here.
            if same_key[key_now] >= 2 or same_topic[_topic(answered)] >= 3:
                run.stuck = True
                break
        if state.step is Step.done and key_now is None:
            break
    else:
        run.stuck = True  # still going round after MAX_TURNS messages
    run.final = state
    _score(run)
    return run


def _score(run: Run) -> None:
    expect, outcome = run.script.expect, run.script.outcome
    connection = [ld for ld in run.leads if ld.kind in ("connection", "tech_check")]
    callbacks = [ld for ld in run.leads if ld.kind == "callback"]
    if outcome in ("lead", "tech_check"):
        want_kind = "tech_check" if outcome == "tech_check" else "connection"
        run.outcome_ok = len(connection) == 1 and connection[0].kind == want_kind
        made = connection
    elif outcome == "callback":
        run.outcome_ok = len(callbacks) == 1 and not connection
        made = callbacks
    else:
        run.outcome_ok = not connection and not callbacks
        made = connection + callbacks
        run.wrong.extend(f"unwanted {ld.kind} lead" for ld in made)
    for lead in made:
        for f in LEAD_FIELDS:
            got = getattr(lead, f)
            if f not in expect:
                continue
            if got is None or got == "":
                if expect[f] not in ("", None) and not (f == "email" and got in ("", None)):
                    run.missing.append(f)
                continue
            if not same_value(f, got, expect[f]):
                run.wrong.append(f"{f}: {_lead_values(lead)[f]!r} ≠ {expect[f]!r}")


@dataclass
class Summary:
    runs: list[Run]

    @property
    def right(self) -> int:
        return sum(r.right for r in self.runs)

    @property
    def silent_wrong(self) -> int:
        return sum(len(r.wrong) for r in self.runs)

    @property
    def stuck(self) -> int:
        return sum(r.stuck for r in self.runs)

    @property
    def reasks(self) -> float:
        return sum(r.reasks for r in self.runs) / max(1, len(self.runs))

    def worst(self, n: int) -> list[Run]:
        def badness(r: Run) -> tuple[int, int, int, int]:
            return (len(r.wrong), r.stuck, len(r.missing) + (not r.outcome_ok), r.reasks)
        return sorted((r for r in self.runs if not r.right or r.reasks),
                      key=badness, reverse=True)[:n]

    def figures(self) -> str:
        n = len(self.runs)
        return (f"{n} dialogues: finished right {self.right}/{n} "
                f"({100 * self.right / max(1, n):.1f}%), silent wrong values {self.silent_wrong} "
                f"(in {sum(bool(r.wrong) for r in self.runs)} dialogues), re-asks per dialogue "
                f"{self.reasks:.2f}, stuck {self.stuck}")


async def converse_all(engine: Engine, scripts: list[Script]) -> Summary:
    return Summary([await converse(engine, s) for s in scripts])
