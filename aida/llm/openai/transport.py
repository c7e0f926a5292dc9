"""One model call through the official `openai` SDK: Chat Completions or the Responses API.

Every failure — timeout, connection, 429, 5xx, a refusal, an empty or cut-off answer — is
raised as `ModelError` with a short reason, so the brain can fall back and count it. No SDK
retries: a retry would be a second call for the same message and double the wait.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import openai
from openai import AsyncOpenAI, omit
from openai.types.responses import (
    ResponseCompletedEvent,
    ResponseErrorEvent,
    ResponseFailedEvent,
    ResponseIncompleteEvent,
    ResponseRefusalDeltaEvent,
    ResponseTextDeltaEvent,
)

Api = Literal["chat", "responses"]
# How the structured reading is asked for, from the strictest to the most widely supported.
OutputMode = Literal["json_schema", "tools", "json_object"]
OUTPUT_MODES: tuple[OutputMode, ...] = ("json_schema", "tools", "json_object")

_TOOL = "record_reading"
_READING_MAX_TOKENS = 400
_WORDING_MAX_TOKENS = 350


class ModelError(Exception):
    """A call that gave no usable answer; `reason` is a metric label."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0


def classify(exc: BaseException) -> ModelError:
    """Map an SDK or asyncio exception to a ModelError reason."""
    if isinstance(exc, ModelError):
        return exc
    if isinstance(exc, openai.APITimeoutError | TimeoutError):
        return ModelError("timeout")
    if isinstance(exc, openai.APIConnectionError):
        return ModelError("connection")
    if isinstance(exc, openai.RateLimitError):
        return ModelError("rate_limited")
    if isinstance(exc, openai.BadRequestError | openai.UnprocessableEntityError):
        return ModelError("bad_request", str(exc)[:200])
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return ModelError("auth")
    if isinstance(exc, openai.APIStatusError):
        return ModelError("server_error" if exc.status_code >= 500 else "http_error")
    if isinstance(exc, openai.APIResponseValidationError | json.JSONDecodeError):
        # The SDK lets a body that is not JSON (a proxy's error page) through as is.
        return ModelError("malformed")
    if isinstance(exc, openai.LengthFinishReasonError):
        return ModelError("truncated")
    if isinstance(exc, openai.ContentFilterFinishReasonError):
        return ModelError("refused")
    return ModelError("error", type(exc).__name__)


class Transport(Protocol):
    async def structured(
        self, system: str, user: str, schema: dict[str, Any], mode: OutputMode, usage: Usage
    ) -> str:
        """The model's JSON text for `schema`; counts tokens into `usage`."""
        ...

    def stream_text(self, system: str, user: str, usage: Usage) -> AsyncGenerator[str, None]:
        """The model's free-text answer, piece by piece; counts tokens into `usage`."""
        ...

    async def aclose(self) -> None:
        """Close the connection pool."""
        ...


def _count(usage: Usage, prompt: int | None, completion: int | None) -> None:
    usage.prompt_tokens += prompt or 0
    usage.completion_tokens += completion or 0


class ChatTransport:
    """`POST /chat/completions`: what OpenAI, vLLM, Ollama and llama.cpp server all speak."""

    def __init__(self, client: AsyncOpenAI, model: str, *, openai_itself: bool = False) -> None:
        self._client = client
        self._model = model
        # OpenAI's newer models take only `max_completion_tokens`; other servers know
        # `max_tokens` (some only that).
        self._openai_itself = openai_itself

    def _limit(self, tokens: int) -> dict[str, Any]:
        if self._openai_itself:
            return {"max_tokens": omit, "max_completion_tokens": tokens}
        return {"max_tokens": tokens, "max_completion_tokens": omit}

    async def aclose(self) -> None:
        await self._client.close()

    async def structured(
        self, system: str, user: str, schema: dict[str, Any], mode: OutputMode, usage: Usage
    ) -> str:
        extra: dict[str, Any]
        if mode == "json_schema":
            extra = {
                "response_format": {
                    "type": "json_schema",
                    "json_schema": {"name": "reading", "schema": schema, "strict": True},
                }
            }
        elif mode == "tools":
            extra = {
                "tools": [
                    {
                        "type": "function",
                        "function": {
                            "name": _TOOL,
                            "description": "Record what the customer's message says.",
                            "parameters": schema,
                            "strict": True,
                        },
                    }
                ],
                "tool_choice": {"type": "function", "function": {"name": _TOOL}},
            }
        else:
            extra = {"response_format": {"type": "json_object"}}
        resp = await self._client.chat.completions.create(
            model=self._model,
            messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
            temperature=0,
            **self._limit(_READING_MAX_TOKENS),
            **extra,
        )
        if resp.usage is not None:
            _count(usage, resp.usage.prompt_tokens, resp.usage.completion_tokens)
        if not resp.choices:
            raise ModelError("malformed", "no choices")
        choice = resp.choices[0]
        message = choice.message
        if getattr(message, "refusal", None) or choice.finish_reason == "content_filter":
            raise ModelError("refused")
        if choice.finish_reason == "length":
            raise ModelError("truncated")
        if mode == "tools":
            for call in message.tool_calls or []:
                function = getattr(call, "function", None)
                if function is not None and function.name == _TOOL:
                    return str(function.arguments or "")
            # Some servers answer a forced tool call with plain JSON content: take it.
        if not message.content:
            raise ModelError("malformed", "empty answer")
        return message.content

    async def stream_text(self, system: str, user: str, usage: Usage) -> AsyncGenerator[str, None]:
        stream = await self._client.chat.completions.create(
            model=self._model,
            messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
            temperature=0.3,
            **self._limit(_WORDING_MAX_TOKENS),
            stream=True,
            stream_options={"include_usage": True},
        )
        said = False
        async with stream:
            async for chunk in stream:
                if chunk.usage is not None:
                    _count(usage, chunk.usage.prompt_tokens, chunk.usage.completion_tokens)
                for choice in chunk.choices:
                    if (
                        getattr(choice.delta, "refusal", None)
                        or choice.finish_reason == "content_filter"
                    ):
                        raise ModelError("refused")
                    if choice.finish_reason == "length":
                        raise ModelError("truncated")
                    if choice.delta.content:
                        said = True
                        yield choice.delta.content
        if not said:
            raise ModelError("malformed", "empty answer")


class ResponsesTransport:
    """`POST /responses`: OpenAI's newer API; nothing is stored on the provider's side."""

    def __init__(self, client: AsyncOpenAI, model: str) -> None:
        self._client = client
        self._model = model

    async def aclose(self) -> None:
        await self._client.close()

    async def structured(
        self, system: str, user: str, schema: dict[str, Any], mode: OutputMode, usage: Usage
    ) -> str:
        extra: dict[str, Any]
        if mode == "json_schema":
            extra = {
                "text": {
                    "format": {
                        "type": "json_schema",
                        "name": "reading",
                        "schema": schema,
                        "strict": True,
                    }
                }
            }
        elif mode == "tools":
            extra = {
                "tools": [
                    {
                        "type": "function",
                        "name": _TOOL,
                        "description": "Record what the customer's message says.",
                        "parameters": schema,
                        "strict": True,
                    }
                ],
                "tool_choice": {"type": "function", "name": _TOOL},
            }
        else:
            extra = {"text": {"format": {"type": "json_object"}}}
        resp = await self._client.responses.create(
            model=self._model,
            instructions=system,
            input=[{"role": "user", "content": user}],
            temperature=0,
            max_output_tokens=_READING_MAX_TOKENS,
            store=False,
            **extra,
        )
        if resp.usage is not None:
            _count(usage, resp.usage.input_tokens, resp.usage.output_tokens)
        if resp.status == "incomplete":
            raise ModelError("truncated")
        if resp.status == "failed" or resp.error is not None:
            raise ModelError("server_error", "response failed")
        texts: list[str] = []
        for item in resp.output:
            if item.type == "function_call" and getattr(item, "name", None) == _TOOL:
                return str(getattr(item, "arguments", "") or "")
            if item.type == "message":
                for part in item.content:
                    if part.type == "refusal":
                        raise ModelError("refused")
                    if part.type == "output_text":
                        texts.append(part.text)
        text = "".join(texts)
        if not text:
            raise ModelError("malformed", "empty answer")
        return text

    async def stream_text(self, system: str, user: str, usage: Usage) -> AsyncGenerator[str, None]:
        stream = await self._client.responses.create(
            model=self._model,
            instructions=system,
            input=[{"role": "user", "content": user}],
            temperature=0.3,
            max_output_tokens=_WORDING_MAX_TOKENS,
            store=False,
            stream=True,
        )
        said = False
        async with stream:
            async for event in stream:
                if isinstance(event, ResponseTextDeltaEvent):
                    said = said or bool(event.delta)
                    yield event.delta
                elif isinstance(event, ResponseRefusalDeltaEvent):
                    raise ModelError("refused")
                elif isinstance(event, ResponseCompletedEvent | ResponseIncompleteEvent):
                    if event.response.usage is not None:
                        done = event.response.usage
                        _count(usage, done.input_tokens, done.output_tokens)
                    if isinstance(event, ResponseIncompleteEvent):
                        raise ModelError("truncated")
                elif isinstance(event, ResponseFailedEvent | ResponseErrorEvent):
                    raise ModelError("server_error", "stream failed")
        if not said:
            raise ModelError("malformed", "empty answer")


def make_transport(
    api: Api, *, api_key: str, base_url: str | None, model: str, timeout: float
) -> Transport:
    # max_retries=0: one customer message is at most one call; the caller falls back instead.
    client = AsyncOpenAI(api_key=api_key, base_url=base_url, timeout=timeout, max_retries=0)
    if api == "responses":
        return ResponsesTransport(client, model)
    openai_itself = base_url is None or "api.openai.com" in base_url
    return ChatTransport(client, model, openai_itself=openai_itself)


def json_text(text: str) -> Any:
    """The first JSON object in a model's text (tolerates ```json fences and chatter)."""
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        raise ModelError("malformed", "no JSON object")
    try:
        return json.loads(text[start : end + 1])
    except json.JSONDecodeError as e:
        raise ModelError("malformed", f"invalid JSON: {e.msg}") from e
