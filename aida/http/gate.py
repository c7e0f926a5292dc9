"""The per-address limits on what a turn creates: new conversations and confirmed leads.

Checked inside the turn (`aida.service.turns.TurnGate`), so a refused turn saves nothing and
the customer may send the same message again later.
"""

from __future__ import annotations

from aida.http.ratelimit import LEAD, NEW_SESSION, Limiter, Rule
from aida.ops.metrics import record_rate_limited
from aida.service.turns import TurnRefused

_NEW_SESSION = (
    "С вашего адреса начато слишком много новых разговоров. "
    "Пожалуйста, подождите немного или позвоните нам."
)
_LEAD = (
    "С вашего адреса за последний час отправлено много заявок. "
    "Пожалуйста, повторите позже или позвоните нам — мы всё оформим по телефону."
)


class AddressGate:
    def __init__(self, limiter: Limiter, address: str) -> None:
        self._limiter = limiter
        self._address = address

    async def _take(self, rule: Rule, message: str) -> None:
        wait = await self._limiter.hit(rule, self._address)
        if wait > 0:
            record_rate_limited(rule.name)
            raise TurnRefused("rate_limited", message, retry_after=wait)

    async def new_session(self) -> None:
        await self._take(NEW_SESSION, _NEW_SESSION)

    async def lead(self) -> None:
        await self._take(LEAD, _LEAD)
