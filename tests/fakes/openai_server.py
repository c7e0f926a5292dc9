"""A stand-in OpenAI-compatible server (aiohttp): `/v1/chat/completions` and `/v1/responses`.

Tests script what it answers, one answer per request, in order: structured JSON, tool calls,
HTTP errors, garbage, refusals, cut-off and slow answers, streamed or not. With nothing
scripted it behaves like a well-behaved model: a reading request is answered from
`readings` (customer message → reading JSON; an all-null "unknown" reading otherwise), a
wording request with the draft prefixed by `word_prefix`. Token usage is counted with the
o200k tokenizer (gpt-4o's) when `bpe-openai` is installed, else estimated from length.

Run it alone: `python -m tests.fakes.openai_server --port 8920`, then point AIDA at it with
`OPENAI_API_KEY=test OPENAI_BASE_URL=http://127.0.0.1:8920/v1`.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import re
import time
import warnings
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from aida.domain import SlotValues

try:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # its data loader's, not ours
        import bpe_openai

        _ENCODING: Any = bpe_openai.get_encoding("o200k_base")
except ImportError:  # the estimate below is close enough for a stand-in
    _ENCODING = None


def count_tokens(text: str) -> int:
    if _ENCODING is not None:
        return len(_ENCODING.encode(text))
    return max(1, len(text) // 3)


# -- what the server can be told to answer ---------------------------------------------------
@dataclass
class Say:
    """A normal answer: JSON text for a reading, words for a wording. To a request that forces
    a tool call it comes back as that tool call (as a real server does) unless `plain`."""

    text: str
    delay: float = 0.0  # seconds before the answer starts
    chunk_delay: float = 0.0  # seconds between streamed pieces
    plain: bool = False


@dataclass
class CallTool:
    arguments: str
    name: str | None = None  # default: the tool the request forced


@dataclass
class Fail:
    status: int
    message: str = "stand-in failure"
    retry_after: int | None = None


@dataclass
class Refuse:
    text: str = "I'm sorry, I can't help with that."


@dataclass
class Cut:
    """The answer stops at the token limit (finish_reason "length" / status "incomplete")."""

    text: str


@dataclass
class Broken:
    """A body that is not what the API promises (a proxy's HTML page)."""

    body: str = "<html><body>502 Bad Gateway</body></html>"
    status: int = 200


Answer = Say | CallTool | Fail | Refuse | Cut | Broken

_CUSTOMER = re.compile(r"<customer_message>\n(.*)\n</customer_message>", re.DOTALL)
_DRAFT = re.compile(r"<draft>\n(.*)\n</draft>", re.DOTALL)
_NULL_READING: dict[str, Any] = {
    "intent": "unknown",
    "slots": {
key: None for key in SlotValues.model_fields},
    "topics": [],
    "email_declined": False,
}


@dataclass
class Request:
    """One request as received, with what a test wants to look at."""

    api: str  # "chat" or "responses"
    body: dict[str, Any]

    @property
    def stream(self) -> bool:
        return bool(self.body.get("stream"))

    @property
    def texts(self) -> list[str]:
        """The instructions and every message's text, in order."""
        out: list[str] = []
        if self.api == "responses":
            if self.body.get("instructions"):
                out.append(str(self.body["instructions"]))
            items = self.body.get("input")
            messages = [{"content": items}] if isinstance(items, str) else items or []
        else:
            messages = self.body.get("messages") or []
        for m in messages:
            content = m.get("content")
            if isinstance(content, str):
                out.append(content)
            elif isinstance(content, list):
                out += [str(p.get("text", "")) for p in content if isinstance(p, dict)]
        return out

    @property
    def system(self) -> str:
        return self.texts[0] if self.texts else ""

    @property
    def user(self) -> str:
        return self.texts[-1] if self.texts else ""

    @property
    def output_format(self) -> str | None:
        """json_schema, tools, json_object, or None for free text (a wording)."""
        if self.body.get("tools"):
            return "tools"
        if self.api == "responses":
            fmt = (self.body.get("text") or {}).get("format") or {}
        else:
            fmt = self.body.get("response_format") or {}
        kind = fmt.get("type")
        return kind if kind in ("json_schema", "json_object") else None

    @property
    def forced_tool(self) -> str | None:
        choice = self.body.get("tool_choice")
        if not isinstance(choice, dict):
            return None
        if self.api == "responses":
            return choice.get("name")
        return (choice.get("function") or {}).get("name")

    @property
    def customer_message(self) -> str | None:
        m = _CUSTOMER.search(self.user)
        return m.group(1) if m else None

    @property
    def draft(self) -> str | None:
        m = _DRAFT.search(self.user)
        return m.group(1) if m else None

    def prompt_tokens(self) -> int:
        extra = ""
        for key in ("tools", "response_format", "text"):
            if key in self.body:
                extra += json.dumps(self.body[key], ensure_ascii=False)
        texts = self.texts
        # ~3 tokens of framing per message and 3 to prime the answer, as OpenAI counts.
        return (
            sum(count_tokens(t) for t in texts)
            + 3 * len(texts)
            + 3
            + (count_tokens(extra) if extra else 0)
        )


@dataclass
class StandIn:
    """The server's state: the script, the default behaviour and what was received."""

    readings: dict[str, dict[str, Any]] = field(default_factory=dict)
    word_prefix: str = "Хорошо. "
    chunk_delay: float = 0.0  # between streamed pieces of the default answers
    # Output formats this "server" does not support: such requests get a 400.
    unsupported: set[str] = field(default_factory=set)
    api_key: str | None = None
    requests: list[Request] = field(default_factory=list)
    _script: deque[Answer] = field(default_factory=deque)
    _ids: itertools.count[int] = field(default_factory=itertools.count)
    _runner: web.AppRunner | None = None
    base_url: str = ""

    # -- scripting ---------------------------------------------------------------------
    def script(self, *answers: Answer) -> None:
        self._script.extend(answers)

    @property
    def pending(self) -> int:
        return len(self._script)

    def reset(self) -> None:
        self._script.clear()
        self.requests.clear()

    def default_answer(self, req: Request) -> Answer:
        if req.output_format is None:
            return Say(self.word_prefix + (req.draft or ""), chunk_delay=self.chunk_delay)
        reading = _reading_for(req.customer_message or "", self.readings)
        return Say(json.dumps(reading, ensure_ascii=False), chunk_delay=self.chunk_delay)

    # -- serving -----------------------------------------------------------------------
    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._chat)
        app.router.add_post("/v1/responses", self._responses)
        app.router.add_get("/v1/models", self._models)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        self._runner = web.AppRunner(self.app())
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound = self._runner.addresses[0][1]
        self.base_url = f"http://{host}:{bound}/v1"
        return self.base_url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _models(self, request: web.Request) -> web.Response:
        return web.json_response(
            {"object": "list", "data": [{"id": "stand-in", "object": "model"}]}
        )

    async def _receive(
        self, request: web.Request, api: str
    ) -> tuple[Request, Answer] | web.Response:
        if (
            self.api_key is not None
            and request.headers.get("Authorization") != f"Bearer {self.api_key}"
        ):
            return _error(401, "invalid api key")
        try:
            body = await request.json()
        except json.JSONDecodeError:
            return _error(400, "invalid JSON body")
        req = Request(api, body)
        self.requests.append(req)
        fmt = req.output_format
        if fmt is not None and fmt in self.unsupported:
            return _error(400, f"response format {fmt} is not supported")
        answer = self._script.popleft() if self._script else self.default_answer(req)
        delay = getattr(answer, "delay", 0.0)
        if delay:
            await asyncio.sleep(delay)
        return req, answer

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        got = await self._receive(request, "chat")
        if isinstance(got, web.Response):
            return got
        req, answer = got
        if isinstance(answer, Fail | Broken):
            return _failure(answer)
        n = next(self._ids)
        model = str(req.body.get("model", "stand-in"))
        content: str | None = None
        refusal: str | None = None
        tool_calls: list[dict[str, Any]] | None = None
        finish = "stop"
        if isinstance(answer, Refuse):
            refusal = answer.text
        elif isinstance(answer, Cut):
            content, finish = answer.text, "length"
        elif isinstance(answer, CallTool) or (
            isinstance(answer, Say) and req.forced_tool and not answer.plain
        ):
            arguments = answer.arguments if isinstance(answer, CallTool) else answer.text
            name = (answer.name if isinstance(answer, CallTool) else None) or req.forced_tool
            tool_calls = [
                {
                    "id": f"call_{n}",
                    "type": "function",
                    "function": {"name": name, "arguments": arguments},
                }
            ]
            finish = "tool_calls"
        else:
            content = answer.text
        out_text = (
            content or refusal or (tool_calls[0]["function"]["arguments"] if tool_calls else "")
        )
        usage = _usage_chat(req.prompt_tokens(), count_tokens(out_text) if out_text else 0)
        base = {"id": f"chatcmpl-{n}", "created": int(time.time()), "model": model}
        if not req.stream:
            message: dict[str, Any] = {"role": "assistant", "content": content, "refusal": refusal}
            if tool_calls:
                message["tool_calls"] = tool_calls
            return web.json_response(
                {
                    **base,
                    "object": "chat.completion",
                    "choices": [
                        {"index": 0, "message": message, "finish_reason": finish, "logprobs": None}
                    ],
                    "usage": usage,
                }
            )
        resp = await _sse_start(request)
        chunk = {**base, "object": "chat.completion.chunk"}

        async def send(delta: dict[str, Any], finish_reason: str | None = None) -> None:
            choice = {"index": 0, "delta": delta, "finish_reason": finish_reason, "logprobs": None}
            await _sse(resp, {**chunk, "choices": [choice]})

        await send({"role": "assistant", "content": ""})
        if refusal is not None:
            await send({"refusal": refusal})
        for piece in _pieces(content or ""):
            await send({"content": piece})
            if isinstance(answer, Say) and answer.chunk_delay:
                await asyncio.sleep(answer.chunk_delay)
        await send({}, finish)
        if (req.body.get("stream_options") or {}).get("include_usage"):
            await _sse(resp, {**chunk, "choices": [], "usage": usage})
        await resp.write(b"data: [DONE]\n\n")
        await resp.write_eof()
        return resp

    async def _responses(self, request: web.Request) -> web.StreamResponse:
        got = await self._receive(request, "responses")
        if isinstance(got, web.Response):
            return got
        req, answer = got
        if isinstance(answer, Fail | Broken):
            return _failure(answer)
        n = next(self._ids)
        model = str(req.body.get("model", "stand-in"))
        status = "completed"
        text = ""
        output: list[dict[str, Any]] = []
        message: dict[str, Any] = {
            "type": "message",
            "id": f"msg_{n}",
            "status": "completed",
            "role": "assistant",
            "content": [],
        }
        if isinstance(answer, Refuse):
            message["content"] = [{"type": "refusal", "refusal": answer.text}]
            output.append(message)
            text = answer.text
        elif isinstance(answer, CallTool) or (
            isinstance(answer, Say) and req.forced_tool and not answer.plain
        ):
            text = answer.arguments if isinstance(answer, CallTool) else answer.text
            name = (answer.name if isinstance(answer, CallTool) else None) or req.forced_tool
            output.append(
                {
                    "type": "function_call",
                    "id": f"fc_{n}",
                    "call_id": f"call_{n}",
                    "name": name,
                    "arguments": text,
                    "status": "completed",
                }
            )
        else:
            text = answer.text
            if isinstance(answer, Cut):
                status = "incomplete"
            message["content"] = [{"type": "output_text", "text": text, "annotations": []}]
            output.append(message)
        usage = _usage_responses(req.prompt_tokens(), count_tokens(text) if text else 0)
        full = {
            "id": f"resp_{n}",
            "object": "response",
            "created_at": int(time.time()),
            "model": model,
            "status": status,
            "output": output,
            "usage": usage,
            "error": None,
            "incomplete_details": {"reason": "max_output_tokens"}
            if status == "incomplete"
            else None,
            "instructions": req.body.get("instructions"),
            "parallel_tool_calls": True,
            "tool_choice": req.body.get("tool_choice", "auto"),
            "tools": req.body.get("tools", []),
            "temperature": req.body.get("temperature"),
        }
        if not req.stream:
            return web.json_response(full)
        resp = await _sse_start(request)
        seq = itertools.count()

        async def event(kind: str, data: dict[str, Any]) -> None:
            payload = {"type": kind, "sequence_number": next(seq), **data}
            await resp.write(
                f"event: {kind}\ndata: {json.dumps(payload, ensure_ascii=False)}\n\n".encode()
            )

        await event(
            "response.created",
            {"response": {**full, "status": "in_progress", "output": [], "usage": None}},
        )
        if isinstance(answer, Refuse):
            await event(
                "response.refusal.delta",
                {
                    "item_id": f"msg_{n}",
                    "output_index": 0,
                    "content_index": 0,
                    "delta": answer.text,
                },
            )
        elif isinstance(answer, Say | Cut):
            for piece in _pieces(answer.text):
                await event(
                    "response.output_text.delta",
                    {
                        "item_id": f"msg_{n}",
                        "output_index": 0,
                        "content_index": 0,
                        "delta": piece,
                        "logprobs": [],
                    },
                )
                if isinstance(answer, Say) and answer.chunk_delay:
                    await asyncio.sleep(answer.chunk_delay)
        await event(
            "response.incomplete" if status == "incomplete" else "response.completed",
            {"response": full},
        )
        await resp.write_eof()
        return resp


_PLACEHOLDER = re.compile(r"\[(?:PHONE|EMAIL|NAME|HOUSE|FLAT)_\d+\]")


def _reading_for(masked: str, readings: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The reading scripted for the customer's raw message, as a model that sees only the
    masked one answers it: a value it was shown as a placeholder comes back as that one."""
    if masked in readings:
        return readings[masked]
    holders = _PLACEHOLDER.findall(masked)
    pattern = "".join(
        f"({'.+?'})" if _PLACEHOLDER.fullmatch(part) else re.escape(part)
        for part in re.split(f"({_PLACEHOLDER.pattern})", masked)
    )
    for raw, reading in readings.items():
        m = re.fullmatch(pattern, raw, re.DOTALL)
        if m is None:
            continue
        return _as_shown(reading, dict(zip(m.groups(), holders, strict=True)))
    return _NULL_READING


def _as_shown(reading: dict[str, Any], shown: dict[str, str]) -> dict[str, Any]:
    """`reading` with each value the model saw as a placeholder (raw → placeholder) replaced."""
    def hook(d: dict[str, Any]) -> dict[str, Any]:
        return {k: shown.get(v, v) if isinstance(v, str) else v for k, v in d.items()}

    result: dict[str, Any] = json.loads(json.dumps(reading), object_hook=hook)
    return result


def _pieces(text: str) -> list[str]:
    """Split like a tokenizer would stream: a word with its following space per piece."""
    return re.findall(r"\S+\s*|\s+", text)


def _usage_chat(prompt: int, completion: int) -> dict[str, int]:
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def _usage_responses(prompt: int, completion: int) -> dict[str, Any]:
    return {
        "input_tokens": prompt,
        "input_tokens_details": {"cached_tokens": 0},
        "output_tokens": completion,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": prompt + completion,
    }


def _error(status: int, message: str, retry_after: int | None = None) -> web.Response:
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    kind = (
        "rate_limit_exceeded"
        if status == 429
        else "server_error"
        if status >= 500
        else "invalid_request_error"
    )
    return web.json_response(
        {"error": {"message": message, "type": kind, "code": kind, "param": None}},
        status=status,
        headers=headers,
    )


def _failure(answer: Fail | Broken) -> web.Response:
    if isinstance(answer, Fail):
        return _error(answer.status, answer.message, answer.retry_after)
    return web.Response(text=answer.body, status=answer.status, content_type="application/json")


async def _sse_start(request: web.Request) -> web.StreamResponse:
    resp = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
    )
    await resp.prepare(request)
    return resp


async def _sse(resp: web.StreamResponse, data: dict[str, Any]) -> None:
    await resp.write(f"data: {json.dumps(data, ensure_ascii=False)}\n\n".encode())


def main() -> None:
    parser = argparse.ArgumentParser(description="A stand-in OpenAI-compatible server for AIDA.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8920)
    args = parser.parse_args()
    print(f"stand-in OpenAI server on http://{args.host}:{args.port}/v1", flush=True)
    web.run_app(StandIn().app(), host=args.host, port=args.port, print=None)


if __name__ == "__main__":
    main()
