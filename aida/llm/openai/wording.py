"""Streaming a model-worded reply without ever showing an unverified fact.

Model tokens are buffered; a sentence is sent to the customer only when it is complete and
the text shown so far passes the guard. While the draft's prices, totals or tariff names have
not all appeared yet, nothing is sent (a summary streams once its totals are in; a plain
question streams sentence by sentence). If the guard rejects the text, or the model fails,
what was already sent stays (it was verified) and the template follows it; when nothing was
sent yet, the template simply replaces the worded reply.
"""

from __future__ import annotations

import re

from aida.llm.guard import Guard
from aida.understanding.brain import DeltaSink

# A sentence ends at . ! ? … (or a line break) followed by white space.
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")


class Rejected(Exception):
    """The guard refused the worded text; `reason` is a metric label."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class SentenceGate:
    def __init__(self, guard: Guard, on_delta: DeltaSink | None) -> None:
        self._guard = guard
        self._on_delta = on_delta
        self._buffer = ""
        self.shown = ""  # exactly what the customer has been sent

    async def _emit(self, text: str) -> None:
        if not text:
            return
        self.shown += text
        if self._on_delta is not None:
            await self._on_delta(text)

    async def feed(self, piece: str) -> None:
        self._buffer += piece
        if not self.shown:
            self._buffer = self._buffer.lstrip()
        ends = list(_SENTENCE_END.finditer(self._buffer))
        if not ends:
            return
        # Whole sentences, without the white space after the last one (kept for the next).
        cut = ends[-1].start()
        ready = self._buffer[:cut]
        candidate = self.shown + ready
        verdict = self._guard.clean(candidate)
        if not verdict.ok:
            raise Rejected(verdict.reason)
        if not self._guard.has_required(candidate):
            return  # hold until the prices and names the draft shows are all in
        self._buffer = self._buffer[cut:]
        await self._emit(ready)

    async def finish(self) -> str:
        """The whole verified reply, its unsent rest sent; raises Rejected."""
        rest = self._buffer.rstrip()
        verdict = self._guard.complete(self.shown + rest)
        if not verdict.ok:
            raise Rejected(verdict.reason)
        self._buffer = ""
        await self._emit(rest)
        return self.shown

    async def fall_back(self, template: str) -> str:
        """Send the template after whatever verified text was already sent."""
        if not self.shown:
            await self._emit(template)
            return self.shown
        await self._emit("\n\n" + template)
        return self.shown
