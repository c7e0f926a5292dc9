"""Brains: what turns customer text into slots and intent, and a reply draft into words."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aida.catalog import Catalog
    from aida.config import Settings
    from aida.llm.brain import Brain


def make_brain(settings: Settings, catalog: Catalog) -> Brain:
    """The offline brain unless an LLM is configured (OPENAI_API_KEY); the LLM brain falls
    back to the offline one whenever the model fails."""
    # Imported here, not at the top: `aida.nlu` needs `aida.llm.types`, and the offline brain
    # needs `aida.nlu`, so the package itself stays free of either.
    from aida.llm.offline import OfflineBrain

    offline = OfflineBrain(catalog)
    if not settings.llm_enabled:
        return offline
    from aida.llm.openai.brain import OpenAIBrain  # the SDK is loaded only when used

    return OpenAIBrain.from_settings(settings, catalog, offline)
