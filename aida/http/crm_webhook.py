"""`POST /amocrm/webhook/{secret}`: amoCRM tells AIDA a lead moved to another stage.

Off (404) unless AMO_WEBHOOK_SECRET is set; a wrong secret is 404 too (the address is the
credential: compared in constant time), a body that is not a status change is 400, a payload
naming another account (`account[subdomain]` ≠ AMO_SUBDOMAIN) is 403. The stage is written to
the lead's row and the answer goes at once: amoCRM waits only a few seconds and switches off
a webhook that keeps failing.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging

from aiohttp import web

from aida.crm.amocrm.webhooks import WEBHOOK_PATH, BadWebhook, parse_status_webhook
from aida.http.errors import error_response
from aida.http.keys import SETTINGS, STORE
from aida.ops.metrics import CRM_STAGE_WEBHOOKS

log = logging.getLogger("aida.crm")


async def status_webhook(request: web.Request) -> web.StreamResponse:
    settings = request.app[SETTINGS]
    expected = settings.amo_webhook_secret
    given = request.match_info["secret"]
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        CRM_STAGE_WEBHOOKS.labels("refused").inc()
        raise web.HTTPNotFound()
    try:
        form = await request.post()
        hook = parse_status_webhook({k: str(v) for k, v in form.items() if isinstance(v, str)})
    except BadWebhook as e:
        CRM_STAGE_WEBHOOKS.labels("refused").inc()
        return error_response(400, "bad_webhook", str(e))
    except ValueError:  # not form data at all
        CRM_STAGE_WEBHOOKS.labels("refused").inc()
        return error_response(400, "bad_webhook", "the body is not form data")
    if settings.amo_subdomain and hook.subdomain and hook.subdomain != settings.amo_subdomain:
        CRM_STAGE_WEBHOOKS.labels("refused").inc()
        return error_response(403, "other_account", "the webhook names another amoCRM account")
    store = request.app[STORE]
    now = dt.datetime.now(dt.UTC)
    for change in hook.changes:
        # A lost lead's reason is not in the webhook: the outbox worker asks amoCRM for it.
        found = await store.record_lead_stage(
            change.lead_id, change.status_id, change.pipeline_id, None, change.at(now)
        )
        outcome = "recorded" if found else "unknown_lead"
        CRM_STAGE_WEBHOOKS.labels(outcome).inc()
        log.info(
            "crm.stage lead=%s status=%s pipeline=%s outcome=%s",
            change.lead_id,
            change.status_id,
            change.pipeline_id,
            outcome,
            extra={"event": "crm.stage"},
        )
    return web.json_response({"ok": True})


def add_crm_webhook_routes(app: web.Application) -> None:
    app.router.add_post(WEBHOOK_PATH, status_webhook)
