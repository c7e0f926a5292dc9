"""What a real amoCRM account refuses or shifts, and AIDA now sends as it takes it: text cut to
the limit, dates in the account's zone, select options by id, duplicates by phone and email."""

from __future__ import annotations

import datetime as dt

from aida.catalog import default_catalog
from aida.crm.amocrm.fieldcheck import check_fields
from aida.crm.amocrm.payloads import TEXT_LIMIT
from aida.crm.port import CrmRefs
from aida.domain import Attribution
from tests.crm.helpers import MemoryTokens, amo_settings, make_lead, open_crm_for
from tests.fakes.amocrm import FakeAmo, Field


async def _noop(refs: CrmRefs) -> None:
    return None


def _long_utm() -> Attribution:
    # Ad platforms' templates: 1–2 KB values are common, and AIDA accepts 2048 characters.
    return Attribution(
        utm_source="yandex",
        utm_campaign="c" * 2048,
        utm_content="{ad_id}" * 290,
        utm_term="интернет " * 220,
        landing_page="https://smit.example/?" + "x=1&" * 500,
        gclid="g" * 300,
        yclid="7" * 40,
    )


async def test_a_lead_with_2kb_utm_values_arrives_with_values_cut_to_the_limit(
    amo: FakeAmo, tokens: MemoryTokens
) -> None:
    amo.lead_fields["GCLID"] = Field(2579001, "gclid", "tracking_data")
    amo.lead_fields["YCLID"] = Field(2579002, "yclid", "tracking_data")
    amo.lead_fields["LANDING_PAGE"] = Field(2579003, "Страница входа", "url")
    lead = make_lead(attribution=_long_utm(), name="Иван " * 100)
    crm = open_crm_for(amo_settings(amo), tokens)
    try:
        refs = await crm.create_lead(lead, CrmRefs(), _noop)
    finally:
        await crm.close()
    assert refs.lead_id is not None and amo.leads_created == 1
    campaign = amo.lead_field(refs.lead_id, "UTM_CAMPAIGN")
    assert campaign == "c" * TEXT_LIMIT
    for key in ("UTM_CONTENT", "UTM_TERM", "LANDING_PAGE", "GCLID"):
        value = amo.lead_field(refs.lead_id, key)
        assert isinstance(value, str) and 0 < len(value) <= 256, key
    assert amo.lead_field(refs.lead_id, "YCLID") == "7" * 40  # short values untouched
    assert amo.lead_field(refs.lead_id, "UTM_SOURCE") == "yandex"
    assert len(amo.contacts[refs.contact_id]["name"]) <= 256  # type: ignore[index]
    # The whole value stays readable for the manager and marketing, in the note.
    [note] = amo.notes[refs.lead_id]
    assert "c" * 2048 in note["params"]["text"]


async def test_the_stand_in_refuses_what_amocrm_refuses(amo: FakeAmo) -> None:
    """The double is strict: a 257-character text is a 400, as on a real account."""
    import aiohttp

    access, _ = amo.issue_tokens()
    field = amo.lead_fields["UTM_CAMPAIGN"].id
    router = amo.lead_fields["ROUTER"].id
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {access}"}) as http:
        too_long = [
            {"custom_fields_values": [{"field_id": field, "values": [{"value": "x" * 257}]}]}
        ]
        async with http.post(f"{amo.url}/api/v4/leads", json=too_long) as resp:
            assert resp.status == 400
            assert "StringLength" in await resp.text()
        other_case = [
            {
                "custom_fields_values": [
                    {"field_id": router, "values": [{"value": "аренда 200 ₽/мес"}]}
                ]
            }
        ]
        async with http.post(f"{amo.url}/api/v4/leads", json=other_case) as resp:
            assert resp.status == 400
            assert "NotSupportedChoice" in await resp.text()
    assert amo.leads_created == 0


async def test_the_connection_day_is_the_same_day_in_an_account_west_of_aida(
    tokens: MemoryTokens,
) -> None:
    # AIDA in Volgograd (UTC+3), the account in Kaliningrad (UTC+2): midnight in Volgograd
    # is 23:00 the day before in the account, which it would show as the 24th.
    async with FakeAmo.serve(account_tz="Europe/Kaliningrad") as amo:
        crm = open_crm_for(amo_settings(amo, AIDA_TIMEZONE="Europe/Volgograd"), tokens)
        try:
            refs = await crm.create_lead(make_lead(date=dt.date(2025, 11, 25)), CrmRefs(), _noop)
        finally:
            await crm.close()
        assert refs.lead_id is not None
        assert amo.lead_day(refs.lead_id, "CONNECTION_DATE") == dt.date(2025, 11, 25)


async def test_every_russian_account_zone_shows_the_day_the_customer_chose(
    tokens: MemoryTokens,
) -> None:
    for zone in ("Europe/Kaliningrad", "Asia/Yekaterinburg", "Asia/Kamchatka"):
        async with FakeAmo.serve(account_tz=zone) as amo:
            crm = open_crm_for(amo_settings(amo, AIDA_TIMEZONE="Europe/Samara"), tokens)
            try:
                refs = await crm.create_lead(make_lead(date=dt.date(2026, 1, 5)), CrmRefs(), _noop)
            finally:
                await crm.close()
            assert amo.lead_day(refs.lead_id, "CONNECTION_DATE") == dt.date(2026, 1, 5), zone  # type: ignore[arg-type]


async def test_select_options_go_by_enum_id(amo: FakeAmo, tokens: MemoryTokens) -> None:
    crm = open_crm_for(amo_settings(amo), tokens)
    try:
        refs = await crm.create_lead(make_lead(router="rent", cctv_cameras=4), CrmRefs(), _noop)
    finally:
        await crm.close()
    assert refs.lead_id is not None
    router = next(
        cf
        for cf in amo.leads[refs.lead_id]["custom_fields_values"]
        if cf["field_id"] == amo.lead_fields["ROUTER"].id
    )
    field = amo.lead_fields["ROUTER"]
    assert router["values"][0]["enum_id"] == field.id * 10 + field.enums.index("Аренда 200 ₽/мес")
    assert amo.lead_field(refs.lead_id, "CCTV") == "4 камеры"


async def test_an_option_the_field_lacks_does_not_lose_the_lead(
    amo: FakeAmo, tokens: MemoryTokens
) -> None:
    # The operator typed the option in lower case: amoCRM matches options exactly.
    amo.lead_fields["ROUTER"].enums = ["В подарок", "аренда 200 ₽/мес", "Покупка", "Свой"]
    crm = open_crm_for(amo_settings(amo), tokens)
    try:
        refs = await crm.create_lead(make_lead(router="rent"), CrmRefs(), _noop)
    finally:
        await crm.close()
    assert refs.lead_id is not None and amo.leads_created == 1
    assert amo.lead_field(refs.lead_id, "ROUTER") is None
    assert amo.lead_field(refs.lead_id, "TARIFF") == "Пакет Премиум"
    [note] = amo.notes[refs.lead_id]
    assert (
        "Роутер: Аренда 200 ₽/мес (в поле нет варианта «Аренда 200 ₽/мес»)"
        in note["params"]["text"]
    )


def test_crm_check_is_exact_about_options() -> None:
    from aida.crm.amocrm.models import FieldEnum, FieldInfo

    amo = FakeAmo()
    settings = amo_settings(amo)
    fields = [
        FieldInfo(
            id=f.id,
            name=f.name,
            type=f.type,
            enums=[FieldEnum(id=f.id * 10 + i, value=v) for i, v in enumerate(f.enums)] or None,
        )
        for f in amo.lead_fields.values()
    ]
    router = next(f for f in fields if f.id == amo.lead_fields["ROUTER"].id)
    assert router.enums is not None
    router.enums[1].value = "аренда 200 ₽/мес "  # other case, a trailing space
    reports = {r.setting: r for r in check_fields(settings, fields, default_catalog())}
    assert reports["AMO_CF_LEAD_ROUTER"].status == "missing_options"
    assert "«Аренда 200 ₽/мес»" in reports["AMO_CF_LEAD_ROUTER"].message
    assert reports["AMO_CF_LEAD_CCTV"].status == "ok"


async def test_a_returning_customer_is_found_by_email_too(
    amo: FakeAmo, tokens: MemoryTokens
) -> None:
    crm = open_crm_for(amo_settings(amo), tokens)
    try:
        first = await crm.create_lead(make_lead(phone=None), CrmRefs(), _noop)
        # The same person leaves a phone this time, and the same email.
        second = await crm.create_lead(make_lead(phone="+79995550000"), CrmRefs(), _noop)
    finally:
        await crm.close()
    assert second.contact_id == first.contact_id
    assert amo.contacts_created == 1 and amo.leads_created == 2
    # The contact now has the phone it lacked, and keeps its email.
    fields = {
        f["field_code"]: [v["value"] for v in f["values"]]
        for f in amo.contacts[first.contact_id]["custom_fields_values"]  # type: ignore[index]
    }
    assert fields == {"EMAIL": ["ivan@example.com"], "PHONE": ["+79995550000"]}


async def test_a_returning_customer_with_a_new_email_keeps_the_old_one(
    amo: FakeAmo, tokens: MemoryTokens
) -> None:
    crm = open_crm_for(amo_settings(amo), tokens)
    try:
        first = await crm.create_lead(make_lead(), CrmRefs(), _noop)
        again = make_lead(email="ivan.new@example.com")
        second = await crm.create_lead(again, CrmRefs(), _noop)
        await crm.create_lead(again, CrmRefs(), _noop)  # nothing more to add: no second copy
    finally:
        await crm.close()
    assert second.contact_id == first.contact_id
    emails = [
        v["value"]
        for f in amo.contacts[first.contact_id]["custom_fields_values"]  # type: ignore[index]
        if f["field_code"] == "EMAIL"
        for v in f["values"]
    ]
    assert emails == ["ivan@example.com", "ivan.new@example.com"]


async def test_attach_to_open_lead_adds_the_request_to_it(
    amo: FakeAmo, tokens: MemoryTokens
) -> None:
    settings = amo_settings(amo, AMO_ATTACH_TO_OPEN_LEAD="on")
    crm = open_crm_for(settings, tokens)
    try:
        first = await crm.create_lead(make_lead(), CrmRefs(), _noop)
        again = make_lead(tariff="Безлимитище")
        second = await crm.create_lead(again, CrmRefs(), _noop)
        assert second.lead_id == first.lead_id  # no second lead for the manager
        assert first.lead_id is not None
        await amo.move_lead(first.lead_id, 142)  # connected: the next request is a new deal
        third = await crm.create_lead(make_lead(tariff="Пакет Стартовый"), CrmRefs(), _noop)
    finally:
        await crm.close()
    assert third.lead_id != first.lead_id
    assert amo.leads_created == 2 and amo.contacts_created == 1
    notes = [n["params"]["text"] for n in amo.notes[first.lead_id]]  # type: ignore[index]
    assert len(notes) == 2
    [added] = [n for n in notes if f"AIDA-{again.id[:8]}" in n]
    assert "Тариф: Безлимитище" in added  # the new request is readable on the open lead
