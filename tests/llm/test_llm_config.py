"""Configuration: no key, the offline brain as today; a key, the LLM brain on any server."""

from __future__ import annotations

import pytest

from aida.catalog import Catalog
from aida.config import Settings
from aida.domain import Step
from aida.llm.openai.brain import OpenAIBrain
from aida.nlu.brain import OfflineBrain
from aida.service.factory import make_brain
from tests.fakes.openai_server import StandIn

from .conftest import context, reading


def test_without_a_key_the_offline_brain_is_used(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    assert isinstance(make_brain(Settings(_env_file=None), catalog), OfflineBrain)  # type: ignore[call-arg]


async def test_the_environment_points_the_brain_at_any_server(
    standin: StandIn, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "local")
    monkeypatch.setenv("OPENAI_BASE_URL", standin.base_url)
    monkeypatch.setenv("AIDA_LLM_MODEL", "qwen2.5:7b-instruct")
    monkeypatch.setenv("AIDA_LLM_API", "responses")
    monkeypatch.setenv("AIDA_LLM_OUTPUT", "tools")
    monkeypatch.setenv("AIDA_LLM_WORDING", "off")
    monkeypatch.setenv("AIDA_LLM_TIMEOUT", "3")
    brain = make_brain(Settings(_env_file=None), catalog)  # type: ignore[call-arg]
    assert isinstance(brain, OpenAIBrain)
    assert (brain.timeout, brain.wording, brain.output_mode) == (3.0, "off", "tools")
    standin.readings["беру премиальный"] = reading(tariff="Пакет Премиум")
    u = await brain.understand("беру премиальный", context(catalog, Step.tariff, "tariff"))
    await brain.aclose()
    assert u.slots.tariff == "Пакет Премиум"
    sent = standin.requests[0]
    assert (sent.api, sent.body["model"], sent.output_format) == (
        "responses",
        "qwen2.5:7b-instruct",
        "tools",
    )
    assert sent.body["store"] is False  # nothing of the customer's kept at the provider
