"""What the provider's sales team sees the morning after: leads in their pipeline and stage,
dealt out to the managers in turn, a task on every callback and technical check due within
working hours, click ids and landing page in their fields, or requests in «Неразобранное»."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from aida.catalog.models import Hours
from aida.crm.amocrm.payloads import task_deadline
from aida.crm.port import CrmRefs
from aida.domain import Attribution
from aida.store import Store
from tests.crm.helpers import MemoryTokens, amo_settings, make_lead, open_crm_for
from tests.fakes.amocrm import (
    CHECK_NEW_STATUS,
    CHECK_PIPELINE,
    MAIN_PIPELINE,
    NEW_STATUS,
    UNSORTED_STATUS,
    FakeAmo,
    Field,
)

VOLGOGRAD = ZoneInfo("Europe/Volgograd")


async def _noop(refs: CrmRefs) -> None:
    return None


def _sales_env(amo: FakeAmo, **extra: str) -> dict[str, str]:
    return {
        **amo.env(),
        "AMO_PIPELINE_ID": str(MAIN_PIPELINE),
        "AMO_STATUS_ID": str(NEW_STATUS),
        "AMO_TECH_CHECK_PIPELINE_ID": str(CHECK_PIPELINE),
        "AMO_TECH_CHECK_STATUS_ID": str(CHECK_NEW_STATUS),
        "AMO_RESPONSIBLE_USER_ID": "5001, 5002,5003",
        **extra,
    }


async def test_leads_land_in_their_pipeline_and_stage_dealt_out_in_turn(
    amo: FakeAmo, store: Store
) -> None:
    crm = open_crm_for(amo_settings(amo, _sales_env(amo)), store)
    try:
        refs = [
            await crm.create_lead(
                make_lead(phone=f"+7999333000{i}", email=f"m{i}@example.com"), CrmRefs(), _noop
            )
            for i in range(4)
        ]
        check = await crm.create_lead(
            make_lead(kind="tech_check", phone="+79993339999", email=None), CrmRefs(), _noop
        )
    finally:
        await crm.close()
    leads = [amo.leads[r.lead_id] for r in refs]  # type: ignore[index]
    assert {(x["pipeline_id"], x["status_id"]) for x in leads} == {(MAIN_PIPELINE, NEW_STATUS)}
    assert [x["responsible_user_id"] for x in leads] == [5001, 5002, 5003, 5001]
    assert [amo.contacts[r.contact_id]["responsible_user_id"] for r in refs] == [  # type: ignore[index]
        5001,
        5002,
        5003,
        5001,
    ]
    tech = amo.leads[check.lead_id]  # type: ignore[index]
    assert (tech["pipeline_id"], tech["status_id"]) == (CHECK_PIPELINE, CHECK_NEW_STATUS)
    assert tech["responsible_user_id"] == 5002  # the turn goes on across kinds
    # No task for a plain connection request (the lead itself is the manager's work) …
    assert not [t for t in amo.tasks.values() if t["entity_id"] in {x["id"] for x in leads}]
    # … one for the technical check, for the lead's manager.
    [task] = [t for t in amo.tasks.values() if t["entity_id"] == check.lead_id]
    assert task["responsible_user_id"] == 5002 and "техническую возможность" in task["text"]


async def test_a_callback_gets_one_task_due_within_working_hours(
    amo: FakeAmo, tokens: MemoryTokens
) -> None:
    from tests.crm.helpers import FakeClock

    clock = FakeClock(start=dt.datetime(2025, 11, 20, 20, 50, tzinfo=VOLGOGRAD))  # 10 min left
    crm = open_crm_for(amo_settings(amo, _sales_env(amo)), tokens, clock=clock.now)
    lead = make_lead(kind="callback", tariff=None, address=None, date=None, time=None)
    try:
        refs = await crm.create_lead(lead, CrmRefs(), _noop)
        assert refs.lead_id is not None
        again = await crm.create_lead(lead, refs, _noop)  # a retry after a lost answer
    finally:
        await crm.close()
    assert again == refs
    [task] = amo.tasks.values()
    due = dt.datetime.fromtimestamp(task["complete_till"], VOLGOGRAD)
    # 10 minutes tonight, the other 20 tomorrow after opening at 9:00.
    assert due == dt.datetime(2025, 11, 21, 9, 20, tzinfo=VOLGOGRAD)
    assert "Перезвонить" in task["text"] and task["entity_type"] == "leads"


def test_task_deadline_stays_inside_working_hours() -> None:
    hours = Hours(start=dt.time(9), end=dt.time(21))
    half = dt.timedelta(minutes=30)
    at = lambda h, m=0, d=20: dt.datetime(2025, 11, d, h, m, tzinfo=VOLGOGRAD)
    assert task_deadline(at(7), hours, VOLGOGRAD, half) == at(9, 30)
    assert task_deadline(at(12), hours, VOLGOGRAD, half) == at(12, 30)
    assert task_deadline(at(20, 45), hours, VOLGOGRAD, half) == at(9, 15, 21)
    assert task_deadline(at(23), hours, VOLGOGRAD, half) == at(9, 30, 21)


async def test_click_ids_and_landing_page_reach_their_fields(
    amo: FakeAmo, tokens: MemoryTokens
) -> None:
    amo.lead_fields["GCLID"] = Field(2579001, "gclid", "tracking_data")
    amo.lead_fields["YCLID"] = Field(2579002, "yclid", "tracking_data")
    amo.lead_fields["LANDING_PAGE"] = Field(2579003, "Страница входа", "url")
    lead = make_lead(
        attribution=Attribution(
            utm_source="google",
            gclid="EAIaIQobChMI",
            yclid="4812734",
            landing_page="https://smit.example/tariffs",
        )
    )
    crm = open_crm_for(amo_settings(amo), tokens)
    try:
        refs = await crm.create_lead(lead, CrmRefs(), _noop)
    finally:
        await crm.close()
    assert refs.lead_id is not None
    assert amo.lead_field(refs.lead_id, "GCLID") == "EAIaIQobChMI"
    assert amo.lead_field(refs.lead_id, "YCLID") == "4812734"
    assert amo.lead_field(refs.lead_id, "LANDING_PAGE") == "https://smit.example/tariffs"


async def test_unsorted_requests_carry_the_page_and_referrer(
    amo: FakeAmo, tokens: MemoryTokens
) -> None:
    lead = make_lead(
        attribution=Attribution(
            utm_source="yandex",
            landing_page="https://smit.example/?utm_source=yandex",
            referrer="https://yandex.ru/search/?text=интернет",
        )
    )
    crm = open_crm_for(amo_settings(amo, _sales_env(amo, AMO_UNSORTED="on")), tokens)
    try:
        refs = await crm.create_lead(lead, CrmRefs(), _noop)
        again = await crm.create_lead(lead, CrmRefs(), _noop)  # found again by its reference
    finally:
        await crm.close()
    assert again.lead_id == refs.lead_id and amo.leads_created == 1
    [form] = amo.unsorted
    assert form["metadata"]["form_page"] == "https://smit.example/?utm_source=yandex"
    # The search words are a query parameter: not stored (issue 13, only utm_*, gclid, yclid).
    assert form["metadata"]["referer"] == "https://yandex.ru/search/"
    assert form["source_uid"] == lead.id
    created = amo.leads[refs.lead_id]  # type: ignore[index]
    assert (created["pipeline_id"], created["status_id"]) == (MAIN_PIPELINE, UNSORTED_STATUS)
    assert created["contacts"] == [refs.contact_id]
    assert amo.lead_field(refs.lead_id, "TARIFF") == "Пакет Премиум"  # type: ignore[arg-type]
    assert len(amo.notes[refs.lead_id]) == 1  # type: ignore[index]
