"""What a lead looks like in amoCRM: every field, every value type, the contact and the note."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from aida.crm.amocrm.payloads import day_timestamp, lead_values
from aida.crm.port import CrmRefs
from tests.crm.helpers import MemoryTokens, amo_settings, make_lead, open_crm_for
from tests.fakes.amocrm import FakeAmo


async def _noop(refs: CrmRefs) -> None:
    return None


async def test_every_field_arrives_with_its_type(amo: FakeAmo, tokens: MemoryTokens) -> None:
    crm = open_crm_for(amo_settings(amo), tokens)
    try:
        refs = await crm.create_lead(make_lead(), CrmRefs(), _noop)
    finally:
        await crm.close()

    assert refs.lead_id is not None and refs.contact_id is not None
    lead = amo.leads[refs.lead_id]
    assert lead["name"].startswith("Заявка с сайта: Пакет Премиум")
    assert lead["price"] == 1990
    assert lead["tags"] == ["AIDA"]
    assert lead["contacts"] == [refs.contact_id]
    value = lambda key: amo.lead_field(refs.lead_id, key)
    assert value("TARIFF") == "Пакет Премиум"
    assert value("ADDRESS") == "Волгоград, улица Мира, д. 12, кв. 5"
    # Midnight of 25 November in Volgograd (UTC+3) is 21:00 UTC the day before.
    assert value("CONNECTION_DATE") == int(dt.datetime(2025, 11, 24, 21, tzinfo=dt.UTC).timestamp())
    assert value("CONNECTION_TIME") == "18:00"
    assert value("ROUTER") == "Аренда 200 ₽/мес"
    assert value("CCTV") == "2 камеры"
    assert value("STATIC_IP") is True
    assert value("UTM_SOURCE") == "yandex"
    assert value("UTM_MEDIUM") == "cpc"
    assert value("UTM_CAMPAIGN") == "winter"
    assert value("UTM_CONTENT") == "banner-1"
    assert value("UTM_TERM") == "интернет волгоград"
    assert value("REFERRER") is None  # not given: left out, not sent empty

    contact = amo.contacts[refs.contact_id]
    assert contact["name"] == "Иван Петров"
    fields = {f["field_code"]: f["values"] for f in contact["custom_fields_values"]}
    assert fields["PHONE"] == [{"value": "+79991234567", "enum_code": "WORK"}]
    assert fields["EMAIL"] == [{"value": "ivan@example.com", "enum_code": "WORK"}]

    [note] = amo.notes[refs.lead_id]
    assert "Клиент: Хочу Премиум" in note["params"]["text"]
    assert "АИДА: Отличный выбор!" in note["params"]["text"]


async def test_unconfigured_fields_are_left_out(amo: FakeAmo, tokens: MemoryTokens) -> None:
    env = amo.env()
    env.pop("AMO_CF_LEAD_UTM_TERM")
    settings = amo_settings(amo, env, AMO_CF_LEAD_ROUTER="")
    crm = open_crm_for(settings, tokens)
    try:
        refs = await crm.create_lead(make_lead(), CrmRefs(), _noop)
    finally:
        await crm.close()
    assert refs.lead_id is not None
    assert amo.lead_field(refs.lead_id, "ROUTER") is None
    assert amo.lead_field(refs.lead_id, "UTM_TERM") is None
    assert amo.lead_field(refs.lead_id, "TARIFF") == "Пакет Премиум"


async def test_included_router_no_cameras_no_static_ip(amo: FakeAmo, tokens: MemoryTokens) -> None:
    crm = open_crm_for(amo_settings(amo), tokens)
    lead = make_lead(router="included", cctv_cameras=0, static_ip=False, email=None)
    try:
        refs = await crm.create_lead(lead, CrmRefs(), _noop)
    finally:
        await crm.close()
    assert refs.lead_id is not None and refs.contact_id is not None
    assert amo.lead_field(refs.lead_id, "ROUTER") == "В подарок"
    assert amo.lead_field(refs.lead_id, "CCTV") == "Нет"
    assert amo.lead_field(refs.lead_id, "STATIC_IP") is False  # a "no" is a value, not absent
    codes = [f["field_code"] for f in amo.contacts[refs.contact_id]["custom_fields_values"]]
    assert codes == ["PHONE"]


async def test_technical_check_is_tagged(amo: FakeAmo, tokens: MemoryTokens) -> None:
    crm = open_crm_for(amo_settings(amo), tokens)
    try:
        refs = await crm.create_lead(make_lead(kind="tech_check"), CrmRefs(), _noop)
    finally:
        await crm.close()
    assert refs.lead_id is not None
    assert amo.leads[refs.lead_id]["tags"] == ["AIDA", "нет покрытия"]


async def test_existing_contact_with_same_phone_is_reused(
    amo: FakeAmo, tokens: MemoryTokens
) -> None:
    crm = open_crm_for(amo_settings(amo), tokens)
    try:
        first = await crm.create_lead(make_lead(), CrmRefs(), _noop)
        # The same person again; the manager had stored the number in the 8-prefixed form,
        # which a search for "+7…" would miss (research §8).
        assert first.contact_id is not None
        amo.contacts[first.contact_id]["custom_fields_values"][0]["values"][0]["value"] = (
            "89991234567"
        )
        second = await crm.create_lead(make_lead(tariff="Безлимитище"), CrmRefs(), _noop)
        other = await crm.create_lead(
            make_lead(phone="+79990000000", email="other@example.com"), CrmRefs(), _noop
        )
    finally:
        await crm.close()
    assert second.contact_id == first.contact_id
    assert other.contact_id != first.contact_id
    assert amo.contacts_created == 2 and amo.leads_created == 3


async def test_referrer_is_patched_onto_the_lead(amo: FakeAmo, tokens: MemoryTokens) -> None:
    crm = open_crm_for(amo_settings(amo), tokens)
    try:
        refs = await crm.create_lead(make_lead(), CrmRefs(), _noop)
        assert refs.lead_id is not None
        await crm.update_lead_referrer(refs.lead_id, "сосед Андрей")
    finally:
        await crm.close()
    assert amo.lead_field(refs.lead_id, "REFERRER") == "сосед Андрей"
    assert amo.lead_field(refs.lead_id, "TARIFF") == "Пакет Премиум"  # the rest untouched


async def test_referrer_without_configured_field_sends_nothing(
    amo: FakeAmo, tokens: MemoryTokens
) -> None:
    env = amo.env()
    env.pop("AMO_CF_LEAD_REFERRER")
    crm = open_crm_for(amo_settings(amo, env), tokens)
    try:
        refs = await crm.create_lead(make_lead(), CrmRefs(), _noop)
        assert refs.lead_id is not None
        await crm.update_lead_referrer(refs.lead_id, "сосед Андрей")
    finally:
        await crm.close()
    assert amo.count("PATCH") == 0


def test_connection_date_is_the_start_of_that_day_in_the_configured_zone() -> None:
    day = dt.date(2025, 3, 30)  # the day Europe/Berlin moves its clocks: still local midnight
    assert day_timestamp(day, ZoneInfo("Europe/Berlin")) == int(
        dt.datetime(2025, 3, 29, 23, tzinfo=dt.UTC).timestamp()
    )
    assert day_timestamp(day, ZoneInfo("Asia/Vladivostok")) == int(
        dt.datetime(2025, 3, 29, 14, tzinfo=dt.UTC).timestamp()
    )


def test_values_unknown_to_the_lead_are_not_sent() -> None:
    lead = make_lead(
        router=None, cctv_cameras=None, static_ip=None, date=None, time=None, address=None
    )
    lead.attribution.utm_term = ""
    values = lead_values(lead, rent_price=200)
    assert set(values) == {"TARIFF", "UTM_SOURCE", "UTM_MEDIUM", "UTM_CAMPAIGN", "UTM_CONTENT"}
