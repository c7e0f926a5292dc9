"""The customer dialogues (tests/conversations/) with the LLM brain: what the model costs per
message and per onboarding, and that the result is never worse than the offline brain's.

The stand-in server cannot understand Russian, so it answers as a model that adds nothing: an
empty reading (the rules' reading stands) and, when it words a reply, the draft itself. The
figures are therefore the cost of the LLM brain on these dialogues and a check that asking a
model changes no outcome for the worse; they say nothing of what a real model would add.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass, field

from aida.catalog import Catalog
from aida.dialogue.engine import Engine, TurnResult
from aida.dialogue.types import DeltaSink
from aida.domain import ConversationState
from aida.llm.openai.brain import OpenAIBrain, Wording
from aida.understanding.questions import AnswerSpace
from aida.understanding.types import Intent, Understanding
from bench.llm_standin import RecordingReader, Spent, standin_brain, token_counter
from tests.conversations.customer import TZ, Run, Script, Summary, asked, converse_all

NOTE = (
    "The stand-in server cannot understand Russian: it answers as a model that adds nothing\n"
    "(an empty reading, the draft as its wording). These figures are the LLM brain's cost on\n"
    "the dialogues and a check that the result is never worse than offline, not what a real\n"
    "model would add."
)


def in_answer_space(u: Understanding, message: str, space: AnswerSpace | None) -> bool:
    """The rules read an answer to the pending question in its own answer space: a button
    or its words, a yes/no to a yes/no question, any words where words are wanted, the asked
    slot; and nothing in doubt. Such a message needs no model."""
    if space is None or u.slots.doubtful or u.slots.problems:
        return False  # a doubt the model may settle (a street not in the list, which day)
    if u.choice is not None or (space.free_text and message.strip()):
        return True
    if space.yes_no and u.intent in (Intent.yes, Intent.no) and not u.slots.has_slots():
        return True
    slot = space.slot
    return slot is not None and getattr(u.slots, slot) is not None


@dataclass(frozen=True)
class TurnCost:
    dialogue: str
    asked: str | None  # the question the message answered (None before the first)
    text: str
    spent: Spent
    needless: bool  # read by the model although the rules read an answer in the space


class MeteredEngine(Engine):
    """The engine with the LLM brain, noting each message's calls and tokens."""

    def __init__(self, catalog: Catalog, brain: OpenAIBrain, reader: RecordingReader) -> None:
        super().__init__(catalog, brain, TZ)
        self.llm = brain
        self.reader = reader
        self.costs: list[TurnCost] = []

    async def turn(
        self,
        state: ConversationState,
        text: str,
        *,
        now: dt.datetime,
        session_id: str,
        on_delta: DeltaSink | None = None,
    ) -> TurnResult:
        before = Spent.of(self.llm.stats)
        self.reader.last = None
        result = await super().turn(
            state, text, now=now, session_id=session_id, on_delta=on_delta
        )
        spent = Spent.of(self.llm.stats) - before
        needless = False
        if spent.reads and self.reader.last is not None:
            offline, ctx = self.reader.last
            needless = in_answer_space(offline, text, ctx.expect)
        self.costs.append(TurnCost(session_id, asked(state), text, spent, needless))
        return result


@dataclass
class Measured:
    wording: Wording
    summary: Summary
    costs: list[TurnCost]
    by_dialogue: dict[str, Spent] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for c in self.costs:
            self.by_dialogue[c.dialogue] = self.by_dialogue.get(c.dialogue, Spent()) + c.spent


async def measure(catalog: Catalog, scripts: list[Script], wording: Wording) -> Measured:
    reader = RecordingReader(catalog)
    async with standin_brain(
        catalog, wording=wording, reader=reader, warm_up=dt.datetime.now(TZ)
    ) as (_, brain):
        engine = MeteredEngine(catalog, brain, reader)
        summary = await converse_all(engine, scripts)
    return Measured(wording, summary, engine.costs)


def _reached_request(run: Run) -> bool:
    return bool(run.leads)


def report(m: Measured, offline: Summary, each: bool = False) -> str:
    costs = m.costs
    n_msgs = max(1, len(costs))
    total = sum((c.spent for c in costs), Spent())
    lines = [f"\n=== LLM brain, wording={m.wording} (tokens: {token_counter()})"]
    lines.append(
        f"model calls per customer message: {total.calls / n_msgs:.2f} "
        f"(reading {total.reads / n_msgs:.2f}, wording {total.words / n_msgs:.2f}) "
        f"over {len(costs)} messages; {sum(c.spent.calls > 1 for c in costs)} messages "
        "with more than one call"
    )
    read_by_question = Counter(c.asked or "(opening)" for c in costs if c.spent.reads)
    asked_by_question = Counter(c.asked or "(opening)" for c in costs)
    lines.append(
        "messages read by the model, by the question they answered: "
        + ", ".join(
            f"{q} {k}/{asked_by_question[q]}" for q, k in read_by_question.most_common()
        )
    )
    requests = [r for r in m.summary.runs if _reached_request(r)]
    spent = [m.by_dialogue.get(r.script.id, Spent()) for r in requests]
    if spent:
        prompts = [s.prompt for s in spent]
        completions = [s.completion for s in spent]
        lines.append(
            f"per dialogue that reached a request ({len(spent)}): "
            f"reads {statistics.mean(s.reads for s in spent):.1f}, "
            f"wordings {statistics.mean(s.words for s in spent):.1f}, prompt tokens mean "
            f"{statistics.mean(prompts):.0f} (median {statistics.median(prompts):.0f}, "
            f"max {max(prompts)}), completion tokens mean {statistics.mean(completions):.0f} "
            f"(median {statistics.median(completions):.0f}, max {max(completions)})"
        )
    if each:
        lines.append(f"  {'dialogue':<10} {'msgs':>4} {'reads':>5} {'words':>5} "
                     f"{'prompt':>7} {'compl.':>7}")
        msgs = Counter(c.dialogue for c in costs)
        for r, s in zip(requests, spent, strict=True):
            lines.append(f"  {r.script.id:<10} {msgs[r.script.id]:>4} {s.reads:>5} "
                         f"{s.words:>5} {s.prompt:>7} {s.completion:>7}")
    needless = [c for c in costs if c.needless]
    lines.append(
        f"read by the model although the rules read an answer in the question's answer "
        f"space: {len(needless)}"
    )
    lines += [f"  {c.dialogue} [{c.asked}] {c.text!r}" for c in needless[:20]]
    lines.append(f"LLM:     {m.summary.figures()}")
    lines.append(f"offline: {offline.figures()}")
    was = {r.script.id: r.right for r in offline.runs}
    worse = [r.script.id for r in m.summary.runs if was.get(r.script.id) and not r.right]
    better = [r.script.id for r in m.summary.runs if r.right and not was.get(r.script.id)]
    lines.append(
        f"worse than offline: {len(worse)} {worse[:10]}; better: {len(better)} {better[:10]}"
    )
    return "\n".join(lines)
