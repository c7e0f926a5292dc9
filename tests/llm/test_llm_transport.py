"""The SDK client against the stand-in: both APIs, every output mode, streaming, failures."""

from __future__ import annotations

import asyncio
import json
import socket
import sys
from pathlib import Path

import pytest
from openai import AsyncOpenAI

from aida.llm.openai.transport import (
    ChatTransport,
    ModelError,
    OutputMode,
    Transport,
    Usage,
    classify,
    make_transport,
)
from tests.fakes.openai_server import Broken, CallTool, Cut, Fail, Refuse, Say, StandIn

SCHEMA = {
    "type": "object",
    "properties": {"intent": {"type": "string"}},
    "required": ["intent"],
    "additionalProperties": False,
}
APIS = ["chat", "responses"]


def transport(standin: StandIn, api: str, timeout: float = 2.0) -> Transport:
    return make_transport(
        api,  # type: ignore[arg-type]
        api_key="test",
        base_url=standin.base_url,
        model="stand-in",
        timeout=timeout,
    )


@pytest.mark.parametrize("api", APIS)
@pytest.mark.parametrize("mode", ["json_schema", "tools", "json_object"])
async def test_structured_answer_in_every_mode(
    standin: StandIn, api: str, mode: OutputMode
) -> None:
    standin.script(Say('{"intent": "yes"}'))
    usage = Usage()
    text = await transport(standin, api).structured("sys", "user", SCHEMA, mode, usage)
    assert json.loads(text) == {"intent": "yes"}
    assert usage.prompt_tokens > 0 and usage.completion_tokens > 0
    sent = standin.requests[-1]
    assert sent.output_format == mode
    assert sent.body["model"] == "stand-in"


@pytest.mark.parametrize("api", APIS)
async def test_a_forced_tool_answered_with_plain_json_is_still_read(
    standin: StandIn, api: str
) -> None:
    standin.script(Say('{"intent": "no"}', plain=True))
    text = await transport(standin, api).structured("sys", "user", SCHEMA, "tools", Usage())
    assert json.loads(text) == {"intent": "no"}


@pytest.mark.parametrize("api", APIS)
async def test_streamed_text_arrives_in_pieces_with_usage(standin: StandIn, api: str) -> None:
    standin.script(Say("Как к вам обращаться? Подскажите, пожалуйста."))
    usage = Usage()
    pieces = [p async for p in transport(standin, api).stream_text("sys", "user", usage)]
    assert len(pieces) > 1
    assert "".join(pieces) == "Как к вам обращаться? Подскажите, пожалуйста."
    assert usage.completion_tokens > 0


@pytest.mark.parametrize("api", APIS)
@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (Fail(500), "server_error"),
        (Fail(503), "server_error"),
        (Fail(429, retry_after=1), "rate_limited"),
        (Fail(400), "bad_request"),
        (Fail(401), "auth"),
        (Refuse(), "refused"),
        (Cut('{"intent": "ye'), "truncated"),
        (Broken(), "malformed"),
    ],
)
async def test_failures_are_classified(
    standin: StandIn, api: str, answer: object, reason: str
) -> None:
    standin.script(answer)  # type: ignore[arg-type]
    with pytest.raises(Exception) as caught:
        await transport(standin, api).structured("sys", "user", SCHEMA, "json_schema", Usage())
    assert classify(caught.value).reason == reason


@pytest.mark.parametrize("api", APIS)
async def test_a_slow_server_times_out(standin: StandIn, api: str) -> None:
    standin.script(Say('{"intent": "yes"}', delay=1.0))
    with pytest.raises(Exception) as caught:
        await transport(standin, api, timeout=0.2).structured(
            "sys", "user", SCHEMA, "json_schema", Usage()
        )
    assert classify(caught.value).reason == "timeout"


async def test_an_unreachable_server_is_a_connection_failure(standin: StandIn) -> None:
    t = transport(standin, "chat")
    await standin.stop()
    with pytest.raises(Exception) as caught:
        await t.structured("sys", "user", SCHEMA, "json_schema", Usage())
    assert classify(caught.value).reason == "connection"


async def test_a_tool_call_to_another_function_is_not_taken_as_the_reading(
    standin: StandIn,
) -> None:
    standin.script(CallTool('{"intent": "yes"}', name="delete_everything"))
    with pytest.raises(ModelError) as caught:
        await transport(standin, "chat").structured("sys", "user", SCHEMA, "tools", Usage())
    assert caught.value.reason == "malformed"


async def test_the_stand_in_runs_on_its_own() -> None:
    """`python -m tests.fakes.openai_server --port N` is a server any OpenAI client can use."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    root = Path(__file__).resolve().parents[2]
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.fakes.openai_server", "--port", str(port), cwd=root
    )
    try:
        for _ in range(100):  # up to 10 s to start
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                await asyncio.sleep(0.1)
                continue
            writer.close()
            break
        t = make_transport(
            "chat", api_key="x", base_url=f"http://127.0.0.1:{port}/v1", model="m", timeout=5
        )
        user = "<customer_message>\nда\n</customer_message>"
        text = await t.structured("sys", user, SCHEMA, "json_schema", Usage())
        assert json.loads(text)["intent"] == "unknown"
        await t.aclose()
    finally:
        proc.terminate()
        await proc.wait()


async def test_the_token_limit_is_named_as_each_server_knows_it(standin: StandIn) -> None:
    client = AsyncOpenAI(api_key="x", base_url=standin.base_url, max_retries=0)
    for openai_itself, key in ((False, "max_tokens"), (True, "max_completion_tokens")):
        standin.script(Say('{"intent": "yes"}'))
        t = ChatTransport(client, "m", openai_itself=openai_itself)
        await t.structured("sys", "user", SCHEMA, "json_schema", Usage())
        body = standin.requests[-1].body
        assert key in body and ({"max_tokens", "max_completion_tokens"} - {key}).isdisjoint(body)
    await client.close()
