"""The amojo (Chats API) client: connect the channel, send and import messages.

Every request is signed (`aida.handoff.signing`); the body is serialised once and those exact
bytes are signed and sent. Errors say whether trying again can help: `AmojoUnavailable`
(network, timeout, 429, 5xx) is retried by the relay, `AmojoRejected` (the request itself is
wrong) is not. A message amojo already has (a repeated `msgid`, after an answer lost on the
way back) counts as delivered.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from typing import Any

import aiohttp

from aida.handoff.signing import signed_headers

log = logging.getLogger("aida.handoff")

DEFAULT_BASE_URL = "https://amojo.amocrm.ru"


class AmojoError(Exception):
    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class AmojoUnavailable(AmojoError):
    """Worth another try later."""


class AmojoRejected(AmojoError):
    """amojo refused the request (signature, channel, payload): fix the configuration."""


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _already_there(status: int, body: Any) -> bool:
    # A repeated msgid is refused; for a retry after a lost answer that means "delivered".
    text = json.dumps(body, ensure_ascii=False).lower() if body is not None else ""
    return status == 409 or ("msgid" in text and ("exist" in text or "duplicate" in text))


class AmojoClient:
    def __init__(
        self,
        base_url: str,
        channel_id: str,
        secret: str,
        *,
        timeout: float = 10.0,
        clock: Callable[[], dt.datetime] = _utcnow,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.channel_id = channel_id
        self._secret = secret
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._clock = clock
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        raw = b"" if body is None else json.dumps(body, ensure_ascii=False,
                                                  separators=(",", ":")).encode()
        headers = signed_headers(self._secret, method, path, raw, self._clock())
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        try:
            async with self._session.request(
                method, self.base_url + path, data=raw or None, headers=headers
            ) as resp:
                text = await resp.text()
                status = resp.status
        except (aiohttp.ClientError, TimeoutError) as e:
            raise AmojoUnavailable(f"amojo unreachable: {type(e).__name__}") from e
        try:
            answer = json.loads(text) if text.strip() else None
        except ValueError:
            answer = None
        if status < 300:
            return answer
        if status == 429 or status >= 500:
            raise AmojoUnavailable(f"amojo answered {status}", status)
        if _already_there(status, answer):
            return {"duplicate": True}
        detail = ""
        if isinstance(answer, dict):
            detail = str(answer.get("error_description") or answer.get("error_type") or "")
        raise AmojoRejected(f"amojo refused {method} {path.split('/')[-1]}: {status} {detail}"
                            .strip(), status)

    # -- the channel ----------------------------------------------------------------------
    async def connect(self, amojo_id: str, title: str) -> str:
        """Connect the channel to the account; returns the `scope_id` for later requests."""
        answer = await self.call(
            "POST",
            f"/v2/origin/custom/{self.channel_id}/connect",
            {"account_id": amojo_id, "title": title, "hook_api_version": "v2"},
        )
        scope_id = answer.get("scope_id") if isinstance(answer, dict) else None
        if not isinstance(scope_id, str) or not scope_id:
            raise AmojoRejected("amojo answered the connect request without a scope_id")
        return scope_id

    async def disconnect(self, amojo_id: str) -> None:
        await self.call(
            "DELETE", f"/v2/origin/custom/{self.channel_id}/disconnect", {"account_id": amojo_id}
        )

    async def create_chat(self, scope_id: str, chat: dict[str, Any]) -> str:
        """A chat for `conversation_id` without a contact or lead; returns amojo's chat id."""
        answer = await self.call("POST", f"/v2/origin/custom/{scope_id}/chats", chat)
        chat_id = answer.get("id") if isinstance(answer, dict) else None
        if not isinstance(chat_id, str) or not chat_id:
            raise AmojoUnavailable("amojo answered the chat creation without an id")
        return chat_id

    # -- messages -------------------------------------------------------------------------
    async def send(self, scope_id: str, payload: dict[str, Any]) -> Any:
        """One `new_message` event (a customer's message, or the bot's in an import)."""
        return await self.call(
            "POST", f"/v2/origin/custom/{scope_id}", {"event_type": "new_message",
                                                      "payload": payload}
        )
