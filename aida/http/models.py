"""The request bodies of the contract, validated at the edge."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from aida.domain import Attribution

SESSION_ID_PATTERN = r"^[A-Za-z0-9_.:-]{1,128}$"
MAX_BODY_BYTES = 64 * 1024
# What a session keeps of each attribution value: UTM tags and click ids as long as amoCRM's
# text fields take (256), the referrer and landing page as a URL with its query (1024).
TOUCH_KEPT = {"referrer": 1024, "landing_page": 1024}
TOUCH_KEPT_DEFAULT = 256
HISTORY_LIMIT = 100
HISTORY_LIMIT_MAX = 500


def _storable(value: str) -> str:
    # NUL and lone surrogates cannot be stored (PostgreSQL text, UTF-8): reject, don't crash.
    if "\x00" in value:
        raise ValueError("contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as e:
        raise ValueError("is not valid Unicode text") from e
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("is empty")
    return value


SessionId = Annotated[str, StringConstraints(pattern=SESSION_ID_PATTERN)]
Message = Annotated[
    str,
    StringConstraints(min_length=1, max_length=4000),
    AfterValidator(_not_blank),
    AfterValidator(_storable),
]
MessageId = Annotated[
    str, StringConstraints(min_length=1, max_length=128), AfterValidator(_storable)
]
TouchValue = Annotated[str, StringConstraints(max_length=2048), AfterValidator(_storable)]


class ChatRequest(BaseModel):
    """`POST /chat` and `POST /chat/stream`; unknown fields are ignored."""

    model_config = ConfigDict(extra="ignore", strict=True)

    session_id: SessionId
    message: Message
    message_id: MessageId | None = None
    utm_source: TouchValue | None = None
    utm_medium: TouchValue | None = None
    utm_campaign: TouchValue | None = None
    utm_content: TouchValue | None = None
    utm_term: TouchValue | None = None
    referrer: TouchValue | None = None
    landing_page: TouchValue | None = None
    gclid: TouchValue | None = None
    yclid: TouchValue | None = None

    def touch(self) -> Attribution:
        """The attribution sent with this message; blank values count as not sent."""
        values = {
            name: value.strip()[: TOUCH_KEPT.get(name, TOUCH_KEPT_DEFAULT)] or None
            for name in Attribution.model_fields
            if isinstance(value := getattr(self, name), str)
        }
        return Attribution(**values)


class HistoryQuery(BaseModel):
    """`GET /chat/history?session_id=ID&limit=N`: the latest N messages (default 100)."""

    model_config = ConfigDict(extra="ignore")

    session_id: Annotated[str, Field(strict=True), StringConstraints(pattern=SESSION_ID_PATTERN)]
    limit: Annotated[int, Field(ge=1, le=HISTORY_LIMIT_MAX)] = HISTORY_LIMIT
