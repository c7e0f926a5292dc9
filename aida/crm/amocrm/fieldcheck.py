"""`aida crm check`: do the configured AMO_CF_LEAD_* ids exist in the account, with a type
that can hold what AIDA sends? Select fields must also offer every option AIDA may choose."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from aida.catalog import Catalog
from aida.config import AMO_LEAD_FIELDS, Settings
from aida.crm.amocrm.models import FieldInfo
from aida.crm.amocrm.payloads import CCTV_TEXT, router_text

_TEXT = frozenset({"text", "textarea"})
_CHOICE = frozenset({"select", "radiobutton", "multiselect"})
# Field types that accept AIDA's value for each setting (research §3.1).
ACCEPTED_TYPES: dict[str, frozenset[str]] = {
    "CONNECTION_DATE": frozenset({"date", "date_time"}),
    "CONNECTION_TIME": _TEXT,
    "ROUTER": _TEXT | _CHOICE,
    "CCTV": _TEXT | _CHOICE,
    "STATIC_IP": frozenset({"checkbox"}),
    "TARIFF": _TEXT | _CHOICE,
    "ADDRESS": _TEXT | {"streetaddress"},
    "UTM_SOURCE": _TEXT | {"tracking_data"},
    "UTM_MEDIUM": _TEXT | {"tracking_data"},
    "UTM_CAMPAIGN": _TEXT | {"tracking_data"},
    "UTM_CONTENT": _TEXT | {"tracking_data"},
    "UTM_TERM": _TEXT | {"tracking_data"},
    "REFERRER": _TEXT,
    "CONSENT": _TEXT,
    "GCLID": _TEXT | {"tracking_data"},
    "YCLID": _TEXT | {"tracking_data"},
    "LANDING_PAGE": _TEXT | {"tracking_data", "url"},
}

Status = Literal[
    "ok", "not_set", "missing", "wrong_type", "missing_options", "not_subscribed", "subscribed"
]


class FieldReport(BaseModel):
    setting: str  # AMO_CF_LEAD_…
    field_id: int | None
    status: Status
    message: str

    @property
    def problem(self) -> bool:
        return self.status not in ("ok", "not_set", "subscribed")


def choice_values(key: str, catalog: Catalog) -> list[str]:
    """Every text AIDA may send to field `key`, for comparing with a select field's options."""
    if key == "TARIFF":
        return [t.name for t in catalog.tariffs]
    if key == "ROUTER":
        return [
            router_text(o, catalog.router.rent_price) for o in ("included", "rent", "buy", "own")
        ]
    if key == "CCTV":
        return [CCTV_TEXT[n] for n in catalog.camera_choices() if n in CCTV_TEXT]
    return []


def check_fields(
    settings: Settings, fields: list[FieldInfo], catalog: Catalog
) -> list[FieldReport]:
    by_id = {f.id: f for f in fields}
    reports = []
    for key in AMO_LEAD_FIELDS:
        setting = f"AMO_CF_LEAD_{key}"
        field_id = settings.amo_lead_field(key)
        accepted = ACCEPTED_TYPES[key]
        if field_id is None:
            reports.append(
                FieldReport(
                    setting=setting,
                    field_id=None,
                    status="not_set",
                    message="не задан: это значение в сделку не передаётся",
                )
            )
            continue
        field = by_id.get(field_id)
        if field is None:
            reports.append(
                FieldReport(
                    setting=setting,
                    field_id=field_id,
                    status="missing",
                    message=f"в аккаунте нет поля сделки с id {field_id}",
                )
            )
            continue
        label = f"«{field.name}» ({field.type})"
        if field.type not in accepted:
            reports.append(
                FieldReport(
                    setting=setting,
                    field_id=field_id,
                    status="wrong_type",
                    message=f"{label}: нужен тип {' или '.join(sorted(accepted))}",
                )
            )
            continue
        if field.type in _CHOICE:
            # Exact, as amoCRM matches them: «аренда» is not «Аренда», nor «Аренда » either.
            options = {e.value for e in field.enums or []}
            absent = [v for v in choice_values(key, catalog) if v not in options]
            if absent:
                reports.append(
                    FieldReport(
                        setting=setting,
                        field_id=field_id,
                        status="missing_options",
                        message=f"{label}: добавьте варианты "
                        + ", ".join(f"«{v}»" for v in absent),
                    )
                )
                continue
        reports.append(FieldReport(setting=setting, field_id=field_id, status="ok", message=label))
    return reports
