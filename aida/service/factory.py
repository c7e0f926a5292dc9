"""Building the service's parts from Settings, shared by `aida serve` and `aida chat`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aida.config import Settings
from aida.service.turns import TurnEngine, TurnService
from aida.store.base import Store

if TYPE_CHECKING:
    from aida.catalog import Catalog
    from aida.understanding.brain import Brain


def make_brain(settings: Settings, catalog: Catalog) -> Brain:
    """The offline brain unless an LLM is configured (OPENAI_API_KEY); the LLM brain falls
    back to the offline one whenever the model fails."""
    from aida.nlu.brain import OfflineBrain

    offline = OfflineBrain(catalog)
    if not settings.llm_enabled:
        return offline
    from aida.llm.openai.brain import OpenAIBrain  # the SDK is loaded only when used

    return OpenAIBrain.from_settings(settings, catalog, offline)


def build_engine(settings: Settings, *, live_handoff: bool = False) -> TurnEngine:
    """The conversation engine with the configured catalog and brain (offline without a key);
    `live_handoff`: a manager can take the chat over (the HTTP service with AMOJO_*)."""
    from aida.catalog import load_catalog
    from aida.dialogue.engine import Engine

    catalog = load_catalog(settings.catalog_path)
    engine = Engine(catalog, make_brain(settings, catalog), settings.tz,
                    live_handoff=live_handoff)
    engine.warm_up()
    return engine


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
