"""The service layer: turns as transactions over the engine and the store."""

from aida.service.turns import AttributionPolicy, TurnEngine, TurnOutcome, TurnService

__all__ = ["AttributionPolicy", "TurnEngine", "TurnOutcome", "TurnService"]
