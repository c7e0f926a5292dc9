"""Configuration from the environment (and a `.env` file in the working directory).

Names are the contract's (`../shared/spec/contract.md`): the seed's `OPENAI_*`/`AMO_*` names keep
their meaning, AIDA's own settings start with `AIDA_`.
"""

from __future__ import annotations

from functools import cached_property
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Lead custom-field ids: the setting name (without the AMO_CF_LEAD_ prefix) → lead attribute.
AMO_LEAD_FIELDS: tuple[str, ...] = (
    "CONNECTION_DATE",
    "CONNECTION_TIME",
    "ROUTER",
    "CCTV",
    "STATIC_IP",
    "TARIFF",
    "ADDRESS",
    "UTM_SOURCE",
    "UTM_MEDIUM",
    "UTM_CAMPAIGN",
    "UTM_CONTENT",
    "UTM_TERM",
    "REFERRER",
    "CONSENT",
)


def _env(name: str) -> AliasChoices:
    return AliasChoices(name)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    # -- AIDA ------------------------------------------------------------------------------
    database_url: str = Field("sqlite:///./data/aida.db", validation_alias=_env("AIDA_DATABASE_URL"))
    timezone: str = Field("Europe/Volgograd", validation_alias=_env("AIDA_TIMEZONE"))
    catalog_path: str | None = Field(None, validation_alias=_env("AIDA_CATALOG"))
    admin_token: str | None = Field(None, validation_alias=_env("AIDA_ADMIN_TOKEN"))
    redis_url: str | None = Field(None, validation_alias=_env("AIDA_REDIS_URL"))
    cors_origins: str = Field("", validation_alias=_env("AIDA_CORS_ORIGINS"))
    rate_limit: str = Field("on", validation_alias=_env("AIDA_RATE_LIMIT"))
    # Sessions and their messages are deleted this many days after the last message
    # (AIDA_SESSION_TTL_DAYS is the older name of the same setting).
    session_ttl_days: float = Field(
        30, gt=0, validation_alias=AliasChoices("AIDA_RETENTION_DAYS", "AIDA_SESSION_TTL_DAYS")
    )
    # A lead delivered to the CRM loses its personal fields and transcript here this many
    # days after delivery: the CRM is then the record. Leads kept only locally stay whole.
    lead_retention_days: float = Field(
        90, gt=0, validation_alias=_env("AIDA_LEAD_RETENTION_DAYS")
    )
    # The operator's personal-data policy, linked under the chat's input.
    privacy_url: str | None = Field(None, validation_alias=_env("AIDA_PRIVACY_URL"))
    # Which touch a lead carries: the session's first (default) or its latest attribution.
    attribution: Literal["first", "latest"] = Field(
        "first", validation_alias=_env("AIDA_ATTRIBUTION")
    )
    log_level: str = Field("INFO", validation_alias=_env("AIDA_LOG_LEVEL"))
    # `json`: one JSON object per line (journald, log shippers); `text` for a terminal.
    log_format: Literal["json", "text"] = Field("json", validation_alias=_env("AIDA_LOG_FORMAT"))
    # Prefix of AIDA's Redis keys, so several deployments (or tests) can share one Redis.
    redis_prefix: str = Field("aida:", validation_alias=_env("AIDA_REDIS_PREFIX"))

    # -- LLM -------------------------------------------------------------------------------
    openai_api_key: str | None = Field(None, validation_alias=_env("OPENAI_API_KEY"))
    openai_base_url: str | None = Field(None, validation_alias=_env("OPENAI_BASE_URL"))
    llm_model: str = Field("gpt-4o-mini", validation_alias=_env("AIDA_LLM_MODEL"))
    llm_timeout: float = Field(8.0, gt=0, validation_alias=_env("AIDA_LLM_TIMEOUT"))
    # `chat` (/chat/completions: OpenAI, vLLM, Ollama, llama.cpp) or `responses` (OpenAI).
    llm_api: Literal["chat", "responses"] = Field("chat", validation_alias=_env("AIDA_LLM_API"))
    # How the reading is requested: `auto` starts with json_schema and steps down to tools,
    # then json_object, when the server rejects the request shape.
    llm_output: Literal["auto", "json_schema", "tools", "json_object"] = Field(
        "auto", validation_alias=_env("AIDA_LLM_OUTPUT")
    )
    # `spare`: the model words a reply when the message's one call was not spent on reading
    # it; `off`: replies are always the templates (fewer calls).
    llm_wording: Literal["spare", "off"] = Field("spare", validation_alias=_env("AIDA_LLM_WORDING"))

    # -- amoCRM ----------------------------------------------------------------------------
    amo_subdomain: str | None = Field(None, validation_alias=_env("AMO_SUBDOMAIN"))
    amo_base_url: str | None = Field(None, validation_alias=_env("AMO_BASE_URL"))
    amo_access_token: str | None = Field(None, validation_alias=_env("AMO_ACCESS_TOKEN"))
    amo_refresh_token: str | None = Field(None, validation_alias=_env("AMO_REFRESH_TOKEN"))
    amo_client_id: str | None = Field(None, validation_alias=_env("AMO_CLIENT_ID"))
    amo_client_secret: str | None = Field(None, validation_alias=_env("AMO_CLIENT_SECRET"))
    amo_redirect_uri: str | None = Field(None, validation_alias=_env("AMO_REDIRECT_URI"))
    amo_cf_lead_connection_date: int | None = Field(
        None, validation_alias=_env("AMO_CF_LEAD_CONNECTION_DATE")
    )
    amo_cf_lead_connection_time: int | None = Field(
        None, validation_alias=_env("AMO_CF_LEAD_CONNECTION_TIME")
    )
    amo_cf_lead_router: int | None = Field(None, validation_alias=_env("AMO_CF_LEAD_ROUTER"))
    amo_cf_lead_cctv: int | None = Field(None, validation_alias=_env("AMO_CF_LEAD_CCTV"))
    amo_cf_lead_static_ip: int | None = Field(None, validation_alias=_env("AMO_CF_LEAD_STATIC_IP"))
    amo_cf_lead_tariff: int | None = Field(None, validation_alias=_env("AMO_CF_LEAD_TARIFF"))
    amo_cf_lead_address: int | None = Field(None, validation_alias=_env("AMO_CF_LEAD_ADDRESS"))
    amo_cf_lead_utm_source: int | None = Field(None, validation_alias=_env("AMO_CF_LEAD_UTM_SOURCE"))
    amo_cf_lead_utm_medium: int | None = Field(None, validation_alias=_env("AMO_CF_LEAD_UTM_MEDIUM"))
    amo_cf_lead_utm_campaign: int | None = Field(
        None, validation_alias=_env("AMO_CF_LEAD_UTM_CAMPAIGN")
    )
    amo_cf_lead_utm_content: int | None = Field(
        None, validation_alias=_env("AMO_CF_LEAD_UTM_CONTENT")
    )
    amo_cf_lead_utm_term: int | None = Field(None, validation_alias=_env("AMO_CF_LEAD_UTM_TERM"))
    amo_cf_lead_referrer: int | None = Field(None, validation_alias=_env("AMO_CF_LEAD_REFERRER"))
    # The consent to personal-data processing (time, text version, how given) as one line.
    amo_cf_lead_consent: int | None = Field(None, validation_alias=_env("AMO_CF_LEAD_CONSENT"))

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as e:
            raise ValueError(f"AIDA_TIMEZONE={v!r} is not a known IANA time zone") from e
        return v

    @field_validator(
        "amo_cf_lead_connection_date",
        "amo_cf_lead_connection_time",
        "amo_cf_lead_router",
        "amo_cf_lead_cctv",
        "amo_cf_lead_static_ip",
        "amo_cf_lead_tariff",
        "amo_cf_lead_address",
        "amo_cf_lead_utm_source",
        "amo_cf_lead_utm_medium",
        "amo_cf_lead_utm_campaign",
        "amo_cf_lead_utm_content",
        "amo_cf_lead_utm_term",
        "amo_cf_lead_referrer",
        "amo_cf_lead_consent",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else v

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def llm_enabled(self) -> bool:
        return bool(self.openai_api_key)

    @property
    def amo_enabled(self) -> bool:
        return bool((self.amo_subdomain or self.amo_base_url) and self.amo_access_token)

    @property
    def amo_url(self) -> str | None:
        if self.amo_base_url:
            return self.amo_base_url.rstrip("/")
        if self.amo_subdomain:
            return f"https://{self.amo_subdomain}.amocrm.ru"
        return None

    @property
    def rate_limit_enabled(self) -> bool:
        return self.rate_limit.strip().lower() not in {"off", "0", "false", "no"}

    @property
    def cors_origin_list(self) -> list[str]:
        return [o.strip().rstrip("/") for o in self.cors_origins.split(",") if o.strip()]

    def amo_lead_field(self, key: str) -> int | None:
        """The configured id of lead field `key` (one of AMO_LEAD_FIELDS), or None."""
        value: int | None = getattr(self, f"amo_cf_lead_{key.lower()}")
        return value
