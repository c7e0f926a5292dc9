"""Brains: what turns customer text into slots and intent, and a reply draft into words."""

from __future__ import annotations

from aida.catalog import Catalog
from aida.config import Settings
from aida.llm.brain import Brain
from aida.llm.offline import OfflineBrain


def make_brain(settings: Settings, catalog: Catalog) -> Brain:
    """The offline brain unless an LLM is configured (OPENAI_API_KEY); the LLM brain falls
    back to the offline one whenever the model fails."""
    offline = OfflineBrain(catalog)
    if not settings.llm_enabled:
        return offline
    from aida.llm.openai.brain import OpenAIBrain  # the SDK is loaded only when used

    return OpenAIBrain.from_settings(settings, catalog, offline)
