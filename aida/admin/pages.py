"""The dashboard's HTML, in Russian: server-rendered, no scripts, every value escaped.

The pages are served with a CSP that allows no script at all, so even a value that slipped
past escaping could not run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from html import escape
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from aida.admin.charts import STEP_RU, bars_svg, daily_svg, funnel_svg
from aida.admin.report import DateRange, Funnel
from aida.admin.views import DELIVERY_RU, KIND_RU, LeadRow
from aida.domain import ChatMessage
from aida.handoff.store import HandoffStats
from aida.store.base import SessionSummary

CSS = """
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
 color:#1f2933;background:#f3f5f8}
header{background:#1f3b73;color:#fff;padding:14px 28px;display:flex;align-items:center;gap:24px}
header h1{font-size:19px;margin:0;font-weight:600}
header form{margin-left:auto}
main{max-width:1180px;margin:0 auto;padding:20px 28px 48px}
section{background:#fff;border-radius:8px;box-shadow:0 1px 2px rgba(0,0,0,.08);
 padding:18px 22px;margin:0 0 18px}
h2{font-size:16px;margin:0 0 12px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:14px;
 margin:0 0 18px}
.card{background:#fff;border-radius:8px;box-shadow:0 1px 2px rgba(0,0,0,.08);padding:14px 18px}
.card b{display:block;font-size:26px;font-weight:650}
.card span{color:#616e7c;font-size:13px}
form.range{display:flex;flex-wrap:wrap;gap:10px;align-items:end;margin:0 0 18px}
form.range label{display:flex;flex-direction:column;font-size:13px;color:#616e7c}
input,button{font:inherit;padding:6px 10px;border:1px solid #b8c2cc;border-radius:6px;
 background:#fff}
button{background:#2f6fde;color:#fff;border-color:#2f6fde;cursor:pointer}
button.quiet{background:#fff;color:#1f3b73;border-color:#b8c2cc}
a{color:#1f4fb0}
.quick a{margin-right:10px;font-size:14px}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{text-align:left;padding:7px 8px;border-bottom:1px solid #e4e7eb;vertical-align:top}
th{font-weight:600;color:#52606d;font-size:13px}
.st{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12.5px;white-space:nowrap}
.st-delivered{background:#e3f4e8;color:#1e6b34}.st-pending{background:#fff4d6;color:#7a5800}
.st-failed{background:#fde2e1;color:#9b1c1c}.st-local{background:#e8edf5;color:#34496d}
.err{color:#9b1c1c;font-size:12.5px}
.notice{background:#e3f4e8;border-radius:6px;padding:10px 14px;margin:0 0 16px}
.alert{background:#fde8e8;border-left:4px solid #c62828;border-radius:6px;padding:10px 14px;margin:0 0 16px}
.problem{background:#fde2e1}
.muted{color:#616e7c;font-size:13px}
.nowrap{white-space:nowrap}
.msg{max-width:760px;margin:8px 0;padding:9px 13px;border-radius:10px;white-space:pre-wrap}
.user{background:#e8effc;margin-left:auto}.assistant{background:#f1f3f5}
.msg small{display:block;color:#616e7c;font-size:12px}
.login{max-width:380px;margin:12vh auto;background:#fff;padding:26px;border-radius:10px;
 box-shadow:0 1px 3px rgba(0,0,0,.12)}
.login input{width:100%;margin:8px 0 14px}
"""


def _e(value: object) -> str:
    return escape("" if value is None else str(value))


def _page(title: str, body: str, *, logout_csrf: str | None = None) -> str:
    logout = (
        f'<form method="post" action="/admin/logout"><input type="hidden" name="csrf" '
        f'value="{_e(logout_csrf)}"><button class="quiet">Выйти</button></form>'
        if logout_csrf
        else ""
    )
    return (
        '<!doctype html><html lang="ru"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="robots" content="noindex"><title>{_e(title)}</title>'
        f"<style>{CSS}</style></head><body><header><h1>AIDA · {_e(title)}</h1>"
        f'<a href="/admin" style="color:#fff">Сводка</a>{logout}</header>'
        f"<main>{body}</main></body></html>"
    )


def login_page(error: str | None = None) -> str:
    problem = f'<p class="notice problem">{_e(error)}</p>' if error else ""
    return (
        '<!doctype html><html lang="ru"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="robots" content="noindex"><title>AIDA · вход</title><style>{CSS}</style>'
        '</head><body><form class="login" method="post" action="/admin/login">'
        f"<h2>Панель AIDA</h2>{problem}"
        '<label for="token">Ключ администратора (AIDA_ADMIN_TOKEN)</label>'
        '<input id="token" name="token" type="password" autocomplete="current-password" '
        'required autofocus><button type="submit">Войти</button></form></body></html>'
    )


def _local(moment: dt.datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%d.%m.%Y %H:%M")


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    minutes = round(seconds / 60)
    if minutes < 1:
        return f"{round(seconds)} с"
    if minutes < 60:
        return f"{minutes} мин"
    return f"{minutes // 60} ч {minutes % 60} мин"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _range_form(rng: DateRange, today: dt.date) -> str:
    def link(days: int, label: str) -> str:
        start = today - dt.timedelta(days=days - 1)
        query = urlencode({"from": start.isoformat(), "to": today.isoformat()})
        return f'<a href="/admin?{query}">{label}</a>'

    return (
        '<form class="range" method="get" action="/admin">'
        f'<label>С <input type="date" name="from" value="{rng.start.isoformat()}"></label>'
        f'<label>По <input type="date" name="to" value="{rng.end.isoformat()}"></label>'
        '<button type="submit">Показать</button><span class="quick">'
        f"{link(1, 'сегодня')}{link(7, '7 дней')}{link(30, '30 дней')}{link(90, '90 дней')}"
        "</span></form>"
    )


def _cards(f: Funnel) -> str:
    cards = [
        (f.sessions, "разговоров начато"),
        (f.leads, "заявок подтверждено"),
        (_pct(f.conversion), "конверсия в заявку"),
        (_duration(f.avg_handling_seconds), "среднее время до заявки"),
        (_duration(f.median_handling_seconds), "медиана времени до заявки"),
        (f.leads_by_delivery.get("failed", 0), "заявок с ошибкой доставки"),
    ]
    return (
        '<div class="cards">'
        + "".join(f'<div class="card"><b>{_e(v)}</b><span>{_e(t)}</span></div>' for v, t in cards)
        + "</div>"
    )


def _funnel_table(f: Funnel) -> str:
    rows = "".join(
        f"<tr><td>{STEP_RU[r.step.value]}</td><td>{r.reached}</td><td>{_pct(r.share)}</td>"
        f"<td>{r.dropped if r.step.value != 'done' else ''}</td></tr>"
        for r in f.steps
    )
    return (
        "<details><summary>Таблица</summary><table><tr><th>Шаг</th><th>Дошли</th>"
        f"<th>Доля от начатых</th><th>Остановились на шаге</th></tr>{rows}</table></details>"
    )


def _sources(f: Funnel) -> str:
    if not f.by_source:
        return '<p class="muted">Заявок за период нет.</p>'
    by_source: dict[str, int] = {}
    for row in f.by_source:
        by_source[row.utm_source] = by_source.get(row.utm_source, 0) + row.leads
    chart = bars_svg(sorted(by_source.items(), key=lambda kv: -kv[1])[:12], "Заявки по utm_source")
    rows = "".join(
        f"<tr><td>{_e(r.utm_source)}</td><td>{_e(r.utm_campaign)}</td><td>{r.leads}</td>"
        f"<td>{r.connected}</td><td>{r.lost}</td></tr>"
        for r in f.by_source
    )
    return (
        f"{chart}<table><tr><th>utm_source</th><th>utm_campaign</th><th>Заявок</th>"
        f"<th>Подключено</th><th>Отказ</th></tr>{rows}</table>"
    )


def _lead_rows(leads: Iterable[LeadRow], tz: ZoneInfo, csrf: str | None, retry: bool) -> str:
    out = []
    for lead in leads:
        status = f'<span class="st st-{lead.delivery}">{_e(DELIVERY_RU[lead.delivery])}</span>'
        if lead.attempts:
            status += f' <span class="muted">попыток: {lead.attempts}</span>'
        if lead.outcome:
            status += f'<div class="muted">amoCRM: {_e(lead.outcome)}</div>'
        if lead.last_error:
            status += f'<div class="err">{_e(lead.last_error)}</div>'
        action = ""
        if retry and lead.delivery == "failed":
            action = (
                f'<form method="post" action="/admin/api/leads/{_e(lead.id)}/retry">'
                f'<input type="hidden" name="csrf" value="{_e(csrf)}">'
                '<button type="submit">Повторить</button></form>'
            )
        utm = " / ".join(v for v in (lead.utm_source, lead.utm_campaign) if v) or "—"
        link = f"/admin/conversations/{_e(lead.session_id)}"
        out.append(
            f"<tr><td>{_local(lead.created_at, tz)}</td><td>{_e(KIND_RU.get(lead.kind))}</td>"
            f"<td>{_e(lead.tariff or '—')}</td><td>{_e(lead.name or '—')}<br>"
            f'<span class="muted nowrap">{_e(lead.phone or "")}</span></td><td>{_e(utm)}</td>'
            f'<td>{status}</td><td><a href="{link}">Переписка</a>{action}</td></tr>'
        )
    return "".join(out)


def _leads(leads: list[LeadRow], tz: ZoneInfo, csrf: str | None, retry: bool) -> str:
    if not leads:
        return '<p class="muted">Заявок за период нет.</p>'
    return (
        "<table><tr><th>Когда</th><th>Что</th><th>Тариф</th><th>Клиент</th><th>UTM</th>"
        f"<th>Доставка в CRM</th><th></th></tr>{_lead_rows(leads, tz, csrf, retry)}</table>"
    )


def _sessions(sessions: list[SessionSummary], tz: ZoneInfo) -> str:
    if not sessions:
        return '<p class="muted">Разговоров за период нет.</p>'
    rows = "".join(
        f"<tr><td>{_local(s.updated_at, tz)}</td><td>{_e(STEP_RU[s.max_step.value])}</td>"
        f"<td>{_e(s.utm_source or '—')}</td>"
        f'<td><a href="/admin/conversations/{_e(s.id)}">{_e(s.id[:24])}</a></td></tr>'
        for s in sessions
    )
    return (
        "<table><tr><th>Последнее сообщение</th><th>Дошёл до шага</th><th>utm_source</th>"
        f"<th>Разговор</th></tr>{rows}</table>"
    )


def _alerts(alerts: list[str]) -> str:
    return "".join(f'<p class="alert" role="alert">{_e(a)}</p>' for a in alerts)


def _outcome(f: Funnel) -> str:
    o = f.outcome
    if o is None or not o.in_crm:
        return '<p class="muted">Доставленных в amoCRM заявок за период нет.</p>'
    rows = [
        ("В amoCRM", o.in_crm, ""),
        ("В работе", o.in_work, ""),
        ("Подключено (успешно реализовано)", o.connected, _pct(o.connection_rate)),
        ("Отказ (закрыто и не реализовано)", o.lost, _pct(o.lost / o.in_crm)),
    ]
    table = "".join(f"<tr><td>{_e(a)}</td><td>{b}</td><td>{_e(c)}</td></tr>" for a, b, c in rows)
    reasons = "".join(
        f"<tr><td>{_e(reason)}</td><td>{n}</td></tr>" for reason, n in o.loss_reasons.items()
    )
    reason_table = (
        f"<h3>Причины отказа</h3><table><tr><th>Причина</th><th>Сделок</th></tr>{reasons}</table>"
        if reasons
        else ""
    )
    return (
        "<table><tr><th>Итог</th><th>Заявок</th><th>Доля</th></tr>"
        f"{table}</table>{reason_table}"
        '<p class="muted">Этапы приходят из amoCRM вебхуком при смене этапа сделки '
        "(AMO_WEBHOOK_SECRET, `aida crm check --subscribe`).</p>"
    )


def _handoffs(h: HandoffStats | None) -> str:
    if h is None:
        return ""
    cards = [
        (h.started, "передано менеджеру"),
        (h.answered, "менеджер ответил"),
        (h.unanswered, "никто не ответил"),
        (_duration(h.median_first_reply), "медиана до первого ответа"),
    ]
    return (
        '<section><h2>Живой чат с менеджером</h2><div class="cards">'
        + "".join(f'<div class="card"><b>{_e(v)}</b><span>{_e(t)}</span></div>' for v, t in cards)
        + '</div><p class="muted">Разговоры, переданные менеджеру за период; «никто не '
        "ответил» — ассистент вернулся к клиенту, не дождавшись менеджера.</p></section>"
    )


def dashboard_page(
    *,
    alerts: list[str],
    funnel: Funnel,
    rng: DateRange,
    today: dt.date,
    leads: list[LeadRow],
    sessions: list[SessionSummary],
    csrf: str | None,
    retry: bool,
    notice: str | None,
    expiry_days: float,
    handoffs: HandoffStats | None = None,
) -> str:
    tz = ZoneInfo(rng.tz)
    period = f"{rng.start:%d.%m.%Y} — {rng.end:%d.%m.%Y}"
    note = f'<p class="notice">{_e(notice)}</p>' if notice else ""
    body = (
        f"{_alerts(alerts)}{note}{_range_form(rng, today)}{_cards(funnel)}"
        f"<section><h2>Воронка за {period}</h2>{funnel_svg(funnel.steps)}"
        f'<p class="muted">Разговоры, начатые за период; «−N» — сколько остановились на шаге. '
        f"Неактивные разговоры удаляются через {expiry_days:g} дн. (AIDA_RETENTION_DAYS), "
        f"заявки хранятся всегда.</p>{_funnel_table(funnel)}</section>"
        f"{_handoffs(handoffs)}"
        f"<section><h2>После заявки: итог в amoCRM</h2>{_outcome(funnel)}</section>"
        f"<section><h2>Заявки по дням</h2>{daily_svg(funnel.by_day, 'Заявки по дням')}</section>"
        f"<section><h2>Источники заявок (UTM)</h2>{_sources(funnel)}</section>"
        f"<section><h2>Заявки</h2>{_leads(leads, tz, csrf, retry)}</section>"
        f"<section><h2>Последние разговоры</h2>{_sessions(sessions, tz)}</section>"
    )
    return _page("сводка", body, logout_csrf=csrf)


def conversation_page(
    *,
    session_id: str,
    messages: list[ChatMessage],
    leads: list[LeadRow],
    tz: ZoneInfo,
    csrf: str | None,
    from_lead: bool,
) -> str:
    if not messages:
        body = '<p class="muted">Такого разговора нет (или он удалён за давностью).</p>'
    else:
        source = (
            '<p class="muted">Разговор удалён за давностью; показана переписка из заявки.</p>'
            if from_lead
            else ""
        )
        body = source + "".join(
            f'<div class="msg {m.role}"><small>'
            f"{'Клиент' if m.role == 'user' else 'AIDA'}"
            f"{' · ' + _local(m.at, tz) if m.at else ''}</small>{_e(m.text)}</div>"
            for m in messages
        )
    lead_part = (
        f"<section><h2>Заявки</h2>{_leads(leads, tz, csrf, retry=False)}</section>" if leads else ""
    )
    return _page(
        "разговор",
        f'<p class="muted">Разговор {_e(session_id)}</p>{lead_part}'
        f"<section><h2>Переписка</h2>{body}</section>",
        logout_csrf=csrf,
    )
