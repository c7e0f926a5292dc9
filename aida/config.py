"""Configuration from the environment (and a `.env` file in the working directory).

Names are the contract's (`../shared/spec/contract.md`): the seed's `OPENAI_*`/`AMO_*` names keep
their meaning, AIDA's own settings start with `AIDA_`.
"""

from __future__ import annotations

import ipaddress
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
    "GCLID",
    "YCLID",
    "LANDING_PAGE",
)


# Shorter admin tokens can be guessed; `aida serve` refuses them and `aida doctor` fails them.
MIN_ADMIN_TOKEN = 16

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(text: str) -> tuple[IpNetwork, ...]:
    """`10.0.0.0/8, ::1` → networks (a bare address is its own /32 or /128); ValueError on a
    malformed entry."""
    return tuple(
        ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip()
    )


def _env(name: str) -> AliasChoices:
    return AliasChoices(name)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    # -- AIDA ------------------------------------------------------------------------------
    database_url: str = Field("sqlite:///./data/aida.db", validation_alias=_env("AIDA_DATABASE_URL"))
    # PostgreSQL: connections per instance, and how long a turn waits for one (or for a
    # session another instance holds) before it is answered 503 busy.
    database_pool_size: int = Field(20, ge=1, validation_alias=_env("AIDA_DATABASE_POOL_SIZE"))
    database_wait_seconds: float = Field(
        5.0, gt=0, validation_alias=_env("AIDA_DATABASE_WAIT_SECONDS")
    )
    timezone: str = Field("Europe/Volgograd", validation_alias=_env("AIDA_TIMEZONE"))
    catalog_path: str | None = Field(None, validation_alias=_env("AIDA_CATALOG"))
    admin_token: str | None = Field(None, validation_alias=_env("AIDA_ADMIN_TOKEN"))
    redis_url: str | None = Field(None, validation_alias=_env("AIDA_REDIS_URL"))
    cors_origins: str = Field("", validation_alias=_env("AIDA_CORS_ORIGINS"))
    # Whose X-Real-IP / X-Forwarded-For is believed (CIDRs, comma-separated): the proxies in
    # front of AIDA. Anyone else could forge them to dodge the per-address limits.
    trusted_proxies: str = Field(
        "127.0.0.0/8, ::1/128", validation_alias=_env("AIDA_TRUSTED_PROXIES")
    )
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
    # `json`: one JSON object per line (journald, log shippers); `text`: readable lines;
    # `auto` (default): text on a terminal, JSON otherwise.
    log_format: Literal["auto", "json", "text"] = Field(
        "auto", validation_alias=_env("AIDA_LOG_FORMAT")
    )
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
    amo_cf_lead_gclid: int | None = Field(None, validation_alias=_env("AMO_CF_LEAD_GCLID"))
    amo_cf_lead_yclid: int | None = Field(None, validation_alias=_env("AMO_CF_LEAD_YCLID"))
    amo_cf_lead_landing_page: int | None = Field(
        None, validation_alias=_env("AMO_CF_LEAD_LANDING_PAGE")
    )
    # Where new leads go: a pipeline and its stage (amoCRM's main pipeline and first stage
    # when unset); technical-check requests and callbacks may have their own.
    amo_pipeline_id: int | None = Field(None, validation_alias=_env("AMO_PIPELINE_ID"))
    amo_status_id: int | None = Field(None, validation_alias=_env("AMO_STATUS_ID"))
    amo_tech_check_pipeline_id: int | None = Field(
        None, validation_alias=_env("AMO_TECH_CHECK_PIPELINE_ID")
    )
    amo_tech_check_status_id: int | None = Field(
        None, validation_alias=_env("AMO_TECH_CHECK_STATUS_ID")
    )
    amo_callback_pipeline_id: int | None = Field(
        None, validation_alias=_env("AMO_CALLBACK_PIPELINE_ID")
    )
    amo_callback_status_id: int | None = Field(
        None, validation_alias=_env("AMO_CALLBACK_STATUS_ID")
    )
    # `on`: requests go to «Неразобранное» (incoming leads a manager accepts or declines).
    amo_unsorted: bool = Field(False, validation_alias=_env("AMO_UNSORTED"))
    # One manager's id, or several separated by commas (new leads are dealt out in turn).
    amo_responsible_user_id: str = Field("", validation_alias=_env("AMO_RESPONSIBLE_USER_ID"))
    # `on`: a returning customer's new request joins their open lead instead of a second one.
    amo_attach_to_open_lead: bool = Field(False, validation_alias=_env("AMO_ATTACH_TO_OPEN_LEAD"))
    # `off`: no task for the manager on callbacks and technical-check requests.
    amo_tasks: bool = Field(True, validation_alias=_env("AMO_TASKS"))
    # The path secret of `POST /amocrm/webhook/{secret}` (lead stage changes); unset: off.
    amo_webhook_secret: str | None = Field(None, validation_alias=_env("AMO_WEBHOOK_SECRET"))
    # Warn this many days before a long-lived token expires.
    amo_token_warn_days: int = Field(14, ge=1, validation_alias=_env("AMO_TOKEN_WARN_DAYS"))

    # -- live handoff (amoCRM Chats API) ----------------------------------------------------
    amojo_channel_id: str | None = Field(None, validation_alias=_env("AMOJO_CHANNEL_ID"))
    amojo_channel_secret: str | None = Field(None, validation_alias=_env("AMOJO_CHANNEL_SECRET"))
    amojo_bot_id: str | None = Field(None, validation_alias=_env("AMOJO_BOT_ID"))
    amojo_base_url: str = Field("https://amojo.amocrm.ru", validation_alias=_env("AMOJO_BASE_URL"))
    # After this long without a word from either side the assistant takes the chat back.
    handoff_silence_minutes: float = Field(
        15, gt=0, validation_alias=_env("AIDA_HANDOFF_SILENCE_MINUTES")
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as e:
            raise ValueError(f"AIDA_TIMEZONE={v!r} is not a known IANA time zone") from e
        return v

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, v: str) -> str:
        try:
            parse_networks(v)
        except ValueError as e:
            raise ValueError(f"AIDA_TRUSTED_PROXIES: {e} (CIDRs such as 10.0.0.0/8)") from e
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
        "amo_cf_lead_gclid",
        "amo_cf_lead_yclid",
        "amo_cf_lead_landing_page",
        "amo_pipeline_id",
        "amo_status_id",
        "amo_tech_check_pipeline_id",
        "amo_tech_check_status_id",
        "amo_callback_pipeline_id",
        "amo_callback_status_id",
        "amo_webhook_secret",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else v

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @cached_property
    def trusted_proxy_networks(self) -> tuple[IpNetwork, ...]:
        return parse_networks(self.trusted_proxies)

    @property
    def llm_enabled(self) -> bool:
        return bool(self.openai_api_key)

    @property
    def amo_enabled(self) -> bool:
        return bool((self.amo_subdomain or self.amo_base_url) and self.amo_access_token)

    @property
    def amojo_enabled(self) -> bool:
        return bool(self.amojo_channel_id and self.amojo_channel_secret and self.amojo_bot_id)

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

    @field_validator("amo_responsible_user_id")
    @classmethod
    def _user_ids(cls, v: str) -> str:
        for part in v.split(","):
            if part.strip() and not part.strip().isdigit():
                raise ValueError(f"AMO_RESPONSIBLE_USER_ID: {part.strip()!r} is not a user id")
        return v

    @property
    def amo_responsible_users(self) -> list[int]:
        return [int(p) for p in self.amo_responsible_user_id.split(",") if p.strip()]

    def amo_stage(self, kind: str) -> tuple[int | None, int | None]:
        """(pipeline_id, status_id) for a new lead of `kind`: the kind's own settings where
        given (an own pipeline without a stage means its first stage), else the general ones."""
        pipeline, status = {
            "tech_check": (self.amo_tech_check_pipeline_id, self.amo_tech_check_status_id),
            "callback": (self.amo_callback_pipeline_id, self.amo_callback_status_id),
        }.get(kind, (None, None))
        if pipeline is not None:
            return pipeline, status
        return self.amo_pipeline_id, status if status is not None else self.amo_status_id

    def amo_lead_field(self, key: str) -> int | None:
        """The configured id of lead field `key` (one of AMO_LEAD_FIELDS), or None."""
        value: int | None = getattr(self, f"amo_cf_lead_{key.lower()}")
        return value
