"""The process's metrics, counted by the code that does the work (prometheus-client).

They are this process's own: with several instances each exposes its own and Prometheus sums
them. Created without a registry: each app's `/metrics` registry (`aida.ops.endpoint`) holds
them beside the collectors bound to that app. Importing this module stays cheap (no aiohttp),
so `aida chat` does not pay for the HTTP side.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

SESSIONS_STARTED = Counter(
    "aida_sessions_started", "Conversations begun on this instance (first turn).", registry=None
)
TURNS = Counter(
    "aida_turns",
    "Turns answered on this instance, by the step the conversation is in after the turn.",
    ["step"],
    registry=None,
)
TURN_REPLAYS = Counter(
    "aida_turn_replays",
    "Retried messages (same message_id) answered from the store without a new turn.",
    registry=None,
)
TURN_SECONDS = Histogram(
    "aida_turn_seconds",
    "Time to answer one customer message: session lock, understanding, reply, commit.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
    registry=None,
)
LEADS_CONFIRMED = Counter(
    "aida_leads_confirmed",
    "Leads confirmed on this instance (connection, tech_check, callback).",
    ["kind"],
    registry=None,
)
CRM_DELIVERIES = Counter(
    "aida_crm_deliveries",
    "CRM delivery attempts by this instance's outbox worker, by job kind and outcome "
    "(delivered, retry, failed, stopped, paused).",
    ["kind", "outcome"],
    registry=None,
)
AMOCRM_REQUESTS = Counter(
    "aida_amocrm_requests",
    "Requests to amoCRM by answer: the HTTP status, or timeout / network.",
    ["status"],
    registry=None,
)
AMOCRM_ERRORS = Counter(
    "aida_amocrm_errors",
    "amoCRM requests that did not succeed: an HTTP status of 400 or more, timeout, network.",
    ["status"],
    registry=None,
)
RATE_LIMITED = Counter(
    "aida_rate_limited",
    "Requests answered 429, by the limit hit (session, address).",
    ["rule"],
    registry=None,
)
HTTP_REQUESTS = Counter(
    "aida_http_requests",
    "HTTP requests by route, method and status.",
    ["route", "method", "status"],
    registry=None,
)

CRM_ACCOUNT_BLOCKED = Gauge(
    "aida_crm_account_blocked",
    "1 while the CRM account refuses all work (amoCRM 402 unpaid / 403 blocked) and delivery "
    "is paused on this instance's outbox worker; leads wait, nothing is marked failed.",
    registry=None,
)
AMOCRM_TOKEN_EXPIRES = Gauge(
    "aida_amocrm_token_expires_timestamp",
    "When the amoCRM access token in use expires (unix seconds; a long-lived token's `exp`). "
    "Alert when it is near: a long-lived token must be replaced by hand.",
    registry=None,
)
CRM_STAGE_WEBHOOKS = Counter(
    "aida_crm_stage_webhooks",
    "amoCRM lead status-change webhooks received, by outcome (recorded, unknown_lead, refused).",
    ["outcome"],
    registry=None,
)

PROCESS_METRICS = (
    SESSIONS_STARTED,
    TURNS,
    TURN_REPLAYS,
    TURN_SECONDS,
    LEADS_CONFIRMED,
    CRM_DELIVERIES,
    AMOCRM_REQUESTS,
    AMOCRM_ERRORS,
    RATE_LIMITED,
    HTTP_REQUESTS,
    CRM_ACCOUNT_BLOCKED,
    AMOCRM_TOKEN_EXPIRES,
    CRM_STAGE_WEBHOOKS,
)


def record_amocrm(status: int | str) -> None:
    """One amoCRM exchange ended with `status` (an HTTP status, "timeout" or "network")."""
    label = str(status)
    AMOCRM_REQUESTS.labels(label).inc()
    if not (isinstance(status, int) and status < 400):
        AMOCRM_ERRORS.labels(label).inc()


def record_delivery(kind: str, outcome: str) -> None:
    CRM_DELIVERIES.labels(kind, outcome).inc()


def record_rate_limited(rule: str) -> None:
    RATE_LIMITED.labels(rule).inc()
