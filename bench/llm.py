"""Model calls and tokens per onboarding with the LLM brain, on scripted dialogues.

    python bench/llm.py               # the stand-in server, Chat Completions
    python bench/llm.py --api responses

Each scripted onboarding (`tests/llm/onboardings.py`: plain answers, free phrasing, an office
with a question, an injection attempt and a correction) runs through the real engine with the
LLM brain pointed at the stand-in OpenAI-compatible server, which answers as a good model
would. Printed per onboarding: messages, calls (reading / wording), calls per message, prompt
and completion tokens, and whether the lead came out right — once with `wording=spare` (the
model words every reply whose message did not need it for reading) and once with
`wording=off` (templates only). A last run has the model down (HTTP 500) to show what the
circuit breaker saves. Tokens are counted by the stand-in with gpt-4o's tokenizer (o200k,
`bpe-openai`) over the real prompts; a real server's count differs by a few per cent.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aida.catalog import default_catalog
from aida.dialogue.engine import Engine
from aida.llm.circuit import CircuitBreaker
from aida.llm.openai.brain import OpenAIBrain
from bench.llm_standin import Spent, standin_brain, token_counter
from tests.fakes.openai_server import StandIn
from tests.llm.conftest import TZ
from tests.llm.onboardings import ONBOARDINGS, Onboarding, run

_ROW = "{:<56} {:>4} {:>6} {:>6} {:>8} {:>8} {:>8}  {}"


def _lead_ok(onboarding: Onboarding, leads: list[Any]) -> str:
    if len(leads) != 1:
        return f"FAIL ({len(leads)} leads)"
    lead = leads[0]
    wrong = [k for k, v in onboarding.lead.items() if getattr(lead, k) != v]
    return "ok" if not wrong else "FAIL " + ",".join(wrong)


async def _one(
    standin: StandIn, brain: OpenAIBrain, onboarding: Onboarding, session: str
) -> tuple[int, Spent, str]:
    before = Spent.of(brain.stats)
    result = await run(Engine(brain.catalog, brain, TZ), standin, onboarding, session_id=session)
    assert all(t.calls <= 1 for t in result.turns), "more than one call for a message"
    spent = Spent.of(brain.stats) - before
    return len(result.turns), spent, _lead_ok(onboarding, result.leads)


async def _table(api: Any, wording: Any, failing: bool = False) -> None:
    catalog = default_catalog()
    title = f"api={api} wording={wording}" + (" — model down (HTTP 500)" if failing else "")
    print(f"\n{title}")
    print(
        _ROW.format("onboarding", "msgs", "reads", "words", "calls/m", "prompt", "compl.", "lead")
    )
    messages, total = 0, Spent()
    for i, onboarding in enumerate(ONBOARDINGS):
        breaker = CircuitBreaker(failures=3, cooldown=600)
        async with standin_brain(
            catalog, api=api, wording=wording, failing=failing, circuit=breaker
        ) as (standin, brain):
            msgs, spent, ok = await _one(standin, brain, onboarding, f"bench-{i}")
            if failing:
                if ok.startswith("FAIL (0"):
                    ok = "none: the rules alone cannot read it"
                ok += f"; requests {len(standin.requests)}, fallbacks {dict(brain.stats.fallbacks)}"
        messages += msgs
        total += spent
        calls = spent.calls / msgs
        print(
            _ROW.format(
                onboarding.name[:56],
                msgs,
                spent.reads,
                spent.words,
                f"{calls:.2f}",
                spent.prompt,
                spent.completion,
                ok,
            )
        )
    n = len(ONBOARDINGS)
    print(
        _ROW.format(
            "per onboarding (mean)",
            f"{messages / n:.1f}",
            f"{total.reads / n:.1f}",
            f"{total.words / n:.1f}",
            f"{total.calls / messages:.2f}",
            total.prompt // n,
            total.completion // n,
            "",
        )
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--api", choices=["chat", "responses"], default="chat")
    args = parser.parse_args()
    print(f"tokens counted by the stand-in: {token_counter()}")
    await _table(args.api, "spare")
    await _table(args.api, "off")
    await _table(args.api, "spare", failing=True)


if __name__ == "__main__":
    asyncio.run(main())
