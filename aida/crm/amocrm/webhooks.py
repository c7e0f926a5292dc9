"""amoCRM's lead status-change webhooks, read from their form-encoded body.

amoCRM posts `application/x-www-form-urlencoded` data shaped like PHP arrays (webhooks-format):
`leads[status][0][id]`, `…[status_id]`, `…[pipeline_id]`, `…[old_status_id]`,
`…[old_pipeline_id]`, `…[last_modified]`, and `account[id]`, `account[subdomain]`. Webhooks
carry no signature; what can be checked is the secret in the address (AMO_WEBHOOK_SECRET) and
the account the payload names.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from pydantic import BaseModel, Field, ValidationError

# Where amoCRM posts them (`aida crm check --subscribe BASE_URL` subscribes this address).
WEBHOOK_PATH = "/amocrm/webhook/{secret}"
WEBHOOK_EVENTS = ["status_lead"]


def webhook_url(base_url: str, secret: str) -> str:
    return base_url.rstrip("/") + WEBHOOK_PATH.format(secret=secret)


# amoCRM's fixed stages of every pipeline: «Успешно реализовано» and «Закрыто и не реализовано».
WON_STATUS, LOST_STATUS = 142, 143
_KEY = re.compile(r"^leads\[status\]\[(\d{1,4})\]\[([a-z_]+)\]$")
MAX_CHANGES = 500  # amoCRM batches changes; more than this in one post is not a webhook


class StageChange(BaseModel):
    lead_id: int = Field(validation_alias="id")
    status_id: int
    pipeline_id: int | None = None
    old_status_id: int | None = None
    last_modified: int | None = None

    def at(self, received: dt.datetime) -> dt.datetime:
        """When the change happened (amoCRM's time, else when it arrived)."""
        if self.last_modified:
            return dt.datetime.fromtimestamp(self.last_modified, dt.UTC)
        return received


class StatusWebhook(BaseModel):
    account_id: int | None = None
    subdomain: str | None = None
    changes: list[StageChange]


class BadWebhook(ValueError):
    """The body is not a status-change webhook."""


def parse_status_webhook(form: Mapping[str, str]) -> StatusWebhook:
    items: dict[int, dict[str, str]] = {}
    for key, value in form.items():
        m = _KEY.match(key)
        if m:
            items.setdefault(int(m.group(1)), {})[m.group(2)] = value
    if not items:
        raise BadWebhook("no leads[status][…] in the body")
    if len(items) > MAX_CHANGES:
        raise BadWebhook("too many changes in one webhook")
    try:
        changes = [
            StageChange.model_validate({k: v or None for k, v in items[n].items()})
            for n in sorted(items)
        ]
        account = form.get("account[id]") or None
        return StatusWebhook(
            account_id=int(account) if account else None,
            subdomain=form.get("account[subdomain]") or None,
            changes=changes,
        )
    except (ValidationError, ValueError) as e:
        raise BadWebhook(f"a status change is not understood: {e}") from e
