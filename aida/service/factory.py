"""Building the service's parts from Settings, shared by `aida serve` and `aida chat`."""

from __future__ import annotations

from aida.config import Settings
from aida.service.turns import TurnEngine, TurnService
from aida.store.base import Store


def build_engine(settings: Settings) -> TurnEngine:
    """The conversation engine with the configured catalog and brain (offline without a key)."""
    from aida.catalog import load_catalog
    from aida.dialogue.engine import Engine
    from aida.llm import make_brain

    catalog = load_catalog(settings.catalog_path)
    engine = Engine(catalog, make_brain(settings, catalog), settings.tz)
    engine.warm_up()
    return engine


def build_turn_service(
    settings: Settings, store: Store, engine: TurnEngine | None = None
) -> TurnService:
    return TurnService(
        engine if engine is not None else build_engine(settings),
        store,
        attribution=settings.attribution,
        enqueue_leads=settings.amo_enabled,
    )
