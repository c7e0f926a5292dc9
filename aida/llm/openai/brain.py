"""The LLM brain: any OpenAI-compatible model reads messages and words replies; the machine
stays in charge.

At most one model call per customer message. The offline brain reads every message first;
only when it is not confident (`confidence.confident`) is the model asked to read it. The
model words the reply only when this message's call was not spent on reading it (and
`wording="spare"`). Every failure of the model falls back to the offline brain for that turn,
and a circuit breaker stops calling a model that keeps failing.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
from dataclasses import dataclass
from typing import Literal

from aida.catalog import Catalog
from aida.config import Settings
from aida.llm.circuit import CircuitBreaker, CircuitState
from aida.llm.guard import Guard
from aida.llm.openai.confidence import confident
from aida.llm.openai.reading import parse_reading, reading_schema, to_understanding, unmasked
from aida.llm.openai.stats import BrainStats
from aida.llm.openai.transport import (
    OUTPUT_MODES,
    ModelError,
    OutputMode,
    Transport,
    Usage,
    classify,
    json_text,
    make_transport,
)
from aida.llm.openai.wording import Rejected, SentenceGate
from aida.llm.prompts import reading_system, reading_user, wording_system, wording_user
from aida.masking import Masker, StreamUnmasker
from aida.privacy import scrub
from aida.understanding.brain import DeltaSink, RuleReader
from aida.understanding.types import ReplyDraft, TurnContext, Understanding

log = logging.getLogger(__name__)

Wording = Literal["spare", "off"]


@dataclass
class _Turn:
    """One customer message's call budget, shared by `understand` and the `word` after it."""

    message: str
    masker: Masker
    spent: bool = False


# Set by `understand`, read by `word`: the engine awaits both in the same task per message.
# A `word` with no budget in sight (none set, or already spent) uses the template.
_TURN: contextvars.ContextVar[_Turn | None] = contextvars.ContextVar("aida_llm_turn", default=None)


class OpenAIBrain:
    name = "llm"

    def __init__(
        self,
        transport: Transport,
        catalog: Catalog,
        fallback: RuleReader,
        *,
        timeout: float = 8.0,
        output: OutputMode | Literal["auto"] = "auto",
        wording: Wording = "spare",
        circuit: CircuitBreaker | None = None,
    ) -> None:
        self.transport = transport
        self.catalog = catalog
        self.fallback = fallback
        self.timeout = timeout
        self.wording: Wording = wording
        self.circuit = circuit or CircuitBreaker()
        self.stats = BrainStats()
        self._auto = output == "auto"
        self._mode: OutputMode = "json_schema" if output == "auto" else output
        self._schema = reading_schema(catalog)
        self._wording_system = wording_system(catalog)

    @classmethod
    def from_settings(
        cls, settings: Settings, catalog: Catalog, fallback: RuleReader
    ) -> OpenAIBrain:
        if not settings.openai_api_key:
            raise ValueError("the LLM brain needs OPENAI_API_KEY")
        transport = make_transport(
            settings.llm_api,
            api_key=settings.openai_api_key,
            base_url=settings.openai_base_url,
            model=settings.llm_model,
            timeout=settings.llm_timeout,
        )
        return cls(
            transport,
            catalog,
            fallback,
            timeout=settings.llm_timeout,
            output=settings.llm_output,
            wording=settings.llm_wording,
        )

    async def aclose(self) -> None:
        await self.transport.aclose()

    @property
    def output_mode(self) -> OutputMode:
        return self._mode

    @property
    def circuit_state(self) -> CircuitState:
        return self.circuit.state

    # -- reading -------------------------------------------------------------------------
    async def understand(self, message: str, ctx: TurnContext) -> Understanding:
        offline = await self.fallback.understand(message, ctx)
        # What the conversation and the rules already know is masked wherever it appears.
        turn = _Turn(message=message, masker=Masker([ctx.slots, offline.slots]))
        _TURN.set(turn)
        self.stats.messages += 1
        if confident(offline, message, ctx):
            self.stats.confident += 1
            return offline
        if not self.circuit.allow():
            self.stats.fallbacks["circuit_open"] += 1
            return offline
        turn.spent = True
        mode = self._mode
        # Plain JSON mode cannot send the schema separately: it goes into the instructions.
        system = reading_system(
            self.catalog, schema=self._schema if mode == "json_object" else None
        )
        usage = Usage()
        try:
            async with asyncio.timeout(self.timeout):
                text = await self.transport.structured(
                    system, reading_user(message, ctx, turn.masker), self._schema, mode, usage
                )
            reading = unmasked(parse_reading(json_text(text)), turn.masker)
            understood = to_understanding(reading, message, ctx, offline, self.fallback)
        except asyncio.CancelledError:
            self.circuit.failure()
            raise
        except Exception as exc:  # noqa: BLE001 - any failure of the model is a fallback
            self._failed(exc, mode)
            return offline
        finally:
            self.stats.record_call(
                "understand", ctx.session_id, usage.prompt_tokens, usage.completion_tokens
            )
        self.circuit.success()
        return understood

    def _failed(self, exc: Exception, mode: OutputMode | None) -> None:
        error = classify(exc)
        self.stats.fallbacks[error.reason] += 1
        self.circuit.failure()
        if error.reason == "error":
            log.warning("llm call failed unexpectedly; offline fallback", exc_info=exc)
        elif error.reason in ("auth", "bad_request"):
            # The operator's to fix (key, model name, server features): worth a warning.
            log.warning(
                "llm call failed (%s): %s; offline fallback", error.reason, scrub(str(error))
            )
        else:
            log.info("llm call failed (%s); offline fallback", error.reason)
        # A server that rejects the request shape gets a more widely supported one next time.
        if mode is not None and self._auto and error.reason == "bad_request" and mode == self._mode:
            following = OUTPUT_MODES.index(mode) + 1
            if following < len(OUTPUT_MODES):
                self._mode = OUTPUT_MODES[following]
                log.warning("llm server rejected %s output; using %s", mode, self._mode)

    # -- wording -------------------------------------------------------------------------
    async def word(
        self, draft: ReplyDraft, ctx: TurnContext, on_delta: DeltaSink | None = None
    ) -> str:
        turn = _TURN.get()
        if self.wording == "off" or turn is None or turn.spent or not draft.text().strip():
            return await self.fallback.word(draft, ctx, on_delta=on_delta)
        if not self.circuit.allow():
            self.stats.fallbacks["circuit_open"] += 1
            return await self.fallback.word(draft, ctx, on_delta=on_delta)
        turn.spent = True
        gate = SentenceGate(Guard.for_draft(draft, self.catalog), on_delta)
        usage = Usage()
        # The draft knows the slots as they are now (a name given in this very message too).
        turn.masker.learn(ctx.slots)
        unmasker = StreamUnmasker(turn.masker)
        try:
            async with asyncio.timeout(self.timeout):
                pieces = self.transport.stream_text(
                    self._wording_system, wording_user(draft, turn.message, turn.masker), usage
                )
                # Closed on a rejection too, so the server stops generating.
                async with contextlib.aclosing(pieces):
                    async for piece in pieces:
                        await gate.feed(unmasker.feed(piece))
                await gate.feed(unmasker.flush())
            reply = await gate.finish()
        except asyncio.CancelledError:
            self.circuit.failure()
            raise
        except Rejected as rejected:
            if rejected.reason == "shape":
                # Not a reply at all: a model that keeps doing this is failing.
                self._failed(ModelError("malformed", "not a reply"), None)
            else:
                # The model answered; it just did not keep to the facts.
                self.circuit.success()
                self.stats.guard_rejections[rejected.reason] += 1
                log.info("worded reply rejected (%s); template used", rejected.reason)
            return await gate.fall_back(await self.fallback.word(draft, ctx))
        except Exception as exc:  # noqa: BLE001 - any failure of the model is a fallback
            self._failed(exc, None)
            return await gate.fall_back(await self.fallback.word(draft, ctx))
        finally:
            self.stats.record_call(
                "word", ctx.session_id, usage.prompt_tokens, usage.completion_tokens
            )
        self.circuit.success()
        return reply
