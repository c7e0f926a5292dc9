"""Properties of what AIDA sends: no text value over amoCRM's limit whatever the customer or
the ad platform wrote, and a manager's task always due inside working hours."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from aida.catalog.models import Hours
from aida.config import AMO_LEAD_FIELDS
from aida.crm.amocrm.models import FieldEnum, FieldInfo
from aida.crm.amocrm.payloads import (
    AccountView,
    contact_payload,
    lead_custom_fields,
    lead_name,
    task_deadline,
)
from aida.domain import Address, Attribution
from tests.crm.helpers import make_lead
from tests.fakes.amocrm import DEFAULT_LEAD_FIELDS, FakeAmo

LIMIT = 256
_text = st.text(min_size=0, max_size=2048)
_SETTINGS = FakeAmo().env()


def _account() -> AccountView:
    fields = {
        f.id: FieldInfo(
            id=f.id,
            name=f.name,
            type=f.type,
            enums=[FieldEnum(id=f.id * 10 + i, value=v) for i, v in enumerate(f.enums)] or None,
        )
        for f in DEFAULT_LEAD_FIELDS.values()
    }
    return AccountView(fields=fields, tz=ZoneInfo("Europe/Kaliningrad"))


@settings(max_examples=60, deadline=None)
@given(
    utm=st.lists(_text, min_size=5, max_size=5),
    street=_text,
    name=_text,
    referrer=_text,
    tariff=st.text(min_size=1, max_size=400),
)
def test_no_text_value_exceeds_the_limit(
    utm: list[str], street: str, name: str, referrer: str, tariff: str
) -> None:
    from tests.crm.helpers import amo_settings

    settings_ = amo_settings(FakeAmo(), _SETTINGS)
    lead = make_lead(
        tariff=tariff,
        name=name or None,
        referrer=referrer or None,
        address=Address(street=street or "улица Мира", house="1"),
        attribution=Attribution(
            utm_source=utm[0],
            utm_medium=utm[1],
            utm_campaign=utm[2],
            utm_content=utm[3],
            utm_term=utm[4],
        ),
    )
    fields = lead_custom_fields(lead, settings_, 200, _account())
    for cf in fields.values:
        for v in cf.values:
            if isinstance(v.value, str):
                assert 0 < len(v.value) <= LIMIT
    assert len(lead_name(lead)) <= LIMIT and lead_name(lead).endswith(f"(AIDA-{lead.id[:8]})")
    assert len(contact_payload(lead).name) <= LIMIT
    assert set(AMO_LEAD_FIELDS) >= {"GCLID", "YCLID", "LANDING_PAGE"}


@settings(max_examples=200, deadline=None)
@given(
    moment=st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2027, 12, 31)),
    minutes=st.integers(min_value=1, max_value=6 * 60),
)
def test_a_task_is_due_inside_working_hours(moment: dt.datetime, minutes: int) -> None:
    tz = ZoneInfo("Europe/Volgograd")
    hours = Hours(start=dt.time(9), end=dt.time(21))
    now = moment.replace(tzinfo=tz)
    due = task_deadline(now, hours, tz, dt.timedelta(minutes=minutes))
    local = due.astimezone(tz)
    assert due > now
    assert hours.start <= local.time() <= hours.end
