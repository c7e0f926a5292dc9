"""Building the service's parts from Settings, shared by `aida serve` and `aida chat`."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from aida.config import Settings
from aida.service.turns import TurnEngine, TurnService
from aida.store.base import Store

if TYPE_CHECKING:
    from aida.catalog import Catalog
    from aida.nlu.brain import OfflineBrain
    from aida.understanding.brain import Brain


def _brains(settings: Settings, catalog: Catalog) -> tuple[Brain, OfflineBrain]:
    """The configured brain and the offline one it falls back to (the same without an LLM).
    The LLM brain is given the offline brain: it reads first, validates the model's values,
    and answers whenever the model fails, so `aida.llm` never imports `aida.nlu`."""
    from aida.nlu.brain import OfflineBrain

    offline = OfflineBrain(catalog)
    if not settings.llm_enabled:
        return offline, offline
    from aida.llm.openai.brain import OpenAIBrain  # the SDK is loaded only when used

    return OpenAIBrain.from_settings(settings, catalog, offline), offline


def make_brain(settings: Settings, catalog: Catalog) -> Brain:
    """The offline brain unless an LLM is configured (OPENAI_API_KEY); the LLM brain falls
    back to the offline one whenever the model fails."""
    return _brains(settings, catalog)[0]


def build_engine(settings: Settings, *, live_handoff: bool = False) -> TurnEngine:
    """The conversation engine with the configured catalog and brain (offline without a key);
    `live_handoff`: a manager can take the chat over (the HTTP service with AMOJO_*)."""
    from aida.catalog import load_catalog
    from aida.dialogue.engine import Engine

    catalog = load_catalog(settings.catalog_path)
    brain, offline = _brains(settings, catalog)
    offline.warm_up(dt.datetime.now(settings.tz))
    return Engine(catalog, brain, settings.tz, fallback=offline, live_handoff=live_handoff)


def build_turn_service(
    settings: Settings, store: Store, engine: TurnEngine | None = None,
    *, live_handoff: bool = False,
) -> TurnService:
    return TurnService(
        engine if engine is not None else build_engine(settings, live_handoff=live_handoff),
        store,
        attribution=settings.attribution,
        enqueue_leads=settings.amo_enabled,
    )
