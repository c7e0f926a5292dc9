"""One event per turn: the metrics it moves and one log line ("turn") without the text.

Called by `TurnService.handle` after the turn is committed (or answered from the store for a
retried message_id).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from aida.domain import Lead, Step
from aida.ops.metrics import LEADS_CONFIRMED, SESSIONS_STARTED, TURN_REPLAYS, TURN_SECONDS, TURNS
from aida.privacy import session_ref

log = logging.getLogger("aida.turn")
_TURNS_BY_STEP = {step: TURNS.labels(step.value) for step in Step}  # labels() costs a lock


def record_turn(
    *,
    session_id: str,
    step: Step,
    seconds: float,
    events: Sequence[str] = (),
    new_session: bool = False,
    lead: Lead | None = None,
    replayed: bool = False,
) -> None:
    """Count the turn and log it: ids, step, events and timing; never what anyone wrote."""
    if replayed:
        TURN_REPLAYS.inc()
    else:
        _TURNS_BY_STEP[step].inc()
        TURN_SECONDS.observe(seconds)
    if new_session:
        SESSIONS_STARTED.inc()
    if lead is not None:
        LEADS_CONFIRMED.labels(lead.kind).inc()
    if not log.isEnabledFor(logging.INFO):
        return
    ms = round(seconds * 1000, 1)
    session = session_ref(session_id)
    log.info(
        "turn session=%s step=%s ms=%s%s",
        session,
        step.value,
        ms,
        " replayed" if replayed else "",
        extra={
            "event": "turn",
            "session": session,
            "step": step.value,
            "ms": ms,
            "events": list(events),
            "new_session": new_session,
            "replayed": replayed,
            "lead": lead.id if lead is not None else None,
            "lead_kind": lead.kind if lead is not None else None,
        },
    )
