"""`aida crm check` beyond the lead fields: the pipelines and stages, the managers, and the
status-change webhook AIDA listens to (subscribed on request)."""

from __future__ import annotations

from aida.config import Settings
from aida.crm.amocrm.api import AmoApi
from aida.crm.amocrm.fieldcheck import FieldReport
from aida.crm.amocrm.models import Pipeline, User, Webhook, WebhookIn
from aida.crm.amocrm.webhooks import (
    LOST_STATUS,
    WEBHOOK_EVENTS,
    WEBHOOK_PATH,
    WON_STATUS,
    webhook_url,
)
from aida.crm.port import CrmAccountBlocked

_STAGE_SETTINGS = (
    ("AMO_PIPELINE_ID", "AMO_STATUS_ID", "connection"),
    ("AMO_TECH_CHECK_PIPELINE_ID", "AMO_TECH_CHECK_STATUS_ID", "tech_check"),
    ("AMO_CALLBACK_PIPELINE_ID", "AMO_CALLBACK_STATUS_ID", "callback"),
)


def _report(setting: str, ident: int | None, status: str, message: str) -> FieldReport:
    return FieldReport(setting=setting, field_id=ident, status=status, message=message)  # type: ignore[arg-type]


def check_stages(settings: Settings, pipelines: list[Pipeline]) -> list[FieldReport]:
    by_id = {p.id: p for p in pipelines}
    main = next((p for p in pipelines if p.is_main), pipelines[0] if pipelines else None)
    reports = []
    for pipeline_key, status_key, kind in _STAGE_SETTINGS:
        pipeline_id, status_id = settings.amo_stage(kind)
        if kind != "connection" and (pipeline_id, status_id) == settings.amo_stage("connection"):
            continue  # the kind follows the general settings: checked once
        pipeline = by_id.get(pipeline_id) if pipeline_id is not None else main
        if pipeline is None:
            reports.append(
                _report(
                    pipeline_key, pipeline_id, "missing", f"в аккаунте нет воронки {pipeline_id}"
                )
            )
            continue
        if pipeline_id is None:
            reports.append(
                _report(pipeline_key, None, "not_set", f"главная воронка «{pipeline.name}»")
            )
        else:
            reports.append(_report(pipeline_key, pipeline_id, "ok", f"воронка «{pipeline.name}»"))
        statuses = {s.id: s for s in pipeline.embedded.statuses}
        if status_id is None:
            first = pipeline.embedded.statuses[1:2] or pipeline.embedded.statuses[:1]
            label = f"первый этап «{first[0].name}»" if first else "первый этап"
            reports.append(_report(status_key, None, "not_set", label))
        elif status_id in (WON_STATUS, LOST_STATUS):
            reports.append(
                _report(
                    status_key,
                    status_id,
                    "wrong_type",
                    "закрытый этап: новая заявка туда не ставится",
                )
            )
        elif status_id not in statuses:
            reports.append(
                _report(
                    status_key,
                    status_id,
                    "missing",
                    f"в воронке «{pipeline.name}» нет этапа {status_id}",
                )
            )
        else:
            reports.append(
                _report(status_key, status_id, "ok", f"этап «{statuses[status_id].name}»")
            )
    return reports


def check_users(settings: Settings, users: list[User]) -> list[FieldReport]:
    known = {u.id: u for u in users}
    ids = settings.amo_responsible_users
    if not ids:
        return [
            _report(
                "AMO_RESPONSIBLE_USER_ID",
                None,
                "not_set",
                "сделки достаются пользователю интеграции; задайте менеджеров",
            )
        ]
    return [
        _report("AMO_RESPONSIBLE_USER_ID", uid, "ok", known[uid].name or str(uid))
        if uid in known
        else _report(
            "AMO_RESPONSIBLE_USER_ID", uid, "missing", f"в аккаунте нет пользователя {uid}"
        )
        for uid in ids
    ]


def _listens(hook: Webhook, secret: str) -> bool:
    return (
        not hook.disabled
        and hook.destination.rstrip("/").endswith(WEBHOOK_PATH.format(secret=secret))
        and all(e in hook.settings for e in WEBHOOK_EVENTS)
    )


async def check_webhook(api: AmoApi, settings: Settings, subscribe_base: str | None) -> FieldReport:
    secret = settings.amo_webhook_secret
    if not secret:
        return _report(
            "AMO_WEBHOOK_SECRET",
            None,
            "not_set" if subscribe_base is None else "missing",
            "не задан: итоги сделок (подключено / отказ) в сводку не приходят",
        )
    try:
        if subscribe_base is not None:
            url = webhook_url(subscribe_base, secret)
            await api.subscribe(WebhookIn(destination=url, settings=WEBHOOK_EVENTS))
        hooks = await api.webhooks()
    except CrmAccountBlocked as e:
        # Webhooks need an account administrator's token; a 403 here may be just that.
        return _report(
            "AMO_WEBHOOK_SECRET",
            None,
            "missing",
            f"вебхуки не прочитаны ({e}): нужен токен администратора аккаунта",
        )
    if any(_listens(h, secret) for h in hooks):
        status = "subscribed" if subscribe_base is not None else "ok"
        return _report("AMO_WEBHOOK_SECRET", None, status, "вебхук смены этапа сделки подписан")
    return _report(
        "AMO_WEBHOOK_SECRET",
        None,
        "not_subscribed",
        "вебхук смены этапа не подписан: aida crm check --subscribe https://адрес-сервиса",
    )


async def check_account(
    api: AmoApi, settings: Settings, subscribe_base: str | None = None
) -> list[FieldReport]:
    return [
        *check_stages(settings, await api.pipelines()),
        *check_users(settings, await api.users()),
        await check_webhook(api, settings, subscribe_base),
    ]
