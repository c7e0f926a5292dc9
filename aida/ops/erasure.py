"""An erasure request (152-FZ, art. 21): whose data, read as the customer would write it, and
what was removed, in words. Used by `aida forget` and `POST /admin/api/forget`."""

from __future__ import annotations

import datetime as dt

from aida.nlu.phone import normalize_phone, phone_problem
from aida.store.base import Store
from aida.store.erasure import ErasureReport, ErasureTarget


class BadTarget(ValueError):
    """The request does not name one person clearly; the message says why (in Russian)."""


def erasure_target(
    *, phone: str | None = None, email: str | None = None, session_id: str | None = None
) -> ErasureTarget:
    given = {k: v.strip() for k, v in
             (("phone", phone), ("email", email), ("session_id", session_id)) if v and v.strip()}
    if len(given) != 1:
        raise BadTarget("Укажите что-то одно: телефон, email или номер сессии.")
    if "phone" in given:
        # In any written form; a valid foreign number can still be in messages' text.
        e164 = normalize_phone(given["phone"])
        problem = phone_problem(given["phone"])
        if e164 is None and problem is not None and problem.code == "foreign":
            e164 = problem.value
        if e164 is None:
            raise BadTarget(f"Не похоже на номер телефона: {given['phone']!r}.")
        return ErasureTarget(phone=e164)
    if "email" in given:
        if "@" not in given["email"] or len(given["email"]) > 254:
            raise BadTarget(f"Не похоже на email: {given['email']!r}.")
        return ErasureTarget(email=given["email"])
    if len(given["session_id"]) > 128:
        raise BadTarget("Номер сессии длиннее 128 символов.")
    return ErasureTarget(session_id=given["session_id"])


async def forget(store: Store, target: ErasureTarget) -> ErasureReport:
    return await store.forget(target, dt.datetime.now(dt.UTC))


def report_lines(report: ErasureReport) -> list[str]:
    lines = [
        f"Удалено разговоров: {report.sessions} (сообщений: {report.messages})",
        f"Обезличено заявок: {report.leads}",
        f"Удалено или очищено заданий доставки в CRM: {report.outbox_jobs}",
    ]
    if report.crm_lead_ids:
        ids = ", ".join(str(i) for i in report.crm_lead_ids)
        lines.append(f"Эти заявки уже в amoCRM — удалите данные там вручную: {ids}")
    if not (report.sessions or report.leads):
        lines.append("Данных этого человека не найдено.")
    return lines
