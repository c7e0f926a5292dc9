"""Each step's own rules: what it accepts, when it is complete, what it asks."""

from __future__ import annotations

import datetime as dt

import pytest

from aida.catalog import default_catalog
from aida.domain import Address, Consent, ConversationState, Step
from aida.steps import (
    Env,
    Message,
    address,
    confirm,
    contacts,
    extras,
    first_open,
    schedule,
    tariff,
)
from aida.understanding.types import Extraction, Intent, Problem, Understanding
from tests.dialogue.harness import NOW

ENV = Env(default_catalog(), NOW)


def msg(pending: str | None = None, intent: Intent = Intent.answer, **fields: object) -> Message:
    """The brain's reading: slot values go into `slots`, the rest (choice, house, …) beside."""
    slots = {k: v for k, v in fields.items() if k in Extraction.model_fields}
    rest = {k: v for k, v in fields.items() if k not in slots}
    return Message(Understanding(intent=intent, slots=Extraction(**slots), **rest), pending)


def conv_with(**slots: object) -> ConversationState:
    conv = ConversationState()
    for key, value in slots.items():
        setattr(conv.slots, key, value)
    return conv


# -- tariff -----------------------------------------------------------------------------------
def test_tariff_sets_its_segment_and_a_segment_switch_drops_a_tariff_of_the_other() -> None:
    conv = ConversationState()
    tariff.accept(conv, msg(tariff="Пакет Премиум"), ENV)
    assert (conv.slots.tariff, conv.slots.segment) == ("Пакет Премиум", "home")
    notes = tariff.accept(conv, msg(segment="office"), ENV)
    assert conv.slots.tariff is None and conv.slots.segment == "office"
    assert "для офиса" in notes[0].text
    assert tariff.ask(conv, ENV).suggestions == [t.name for t in ENV.catalog.tariffs_for("office")]


def test_an_ambiguous_tariff_is_asked_back_with_the_candidates() -> None:
    conv = ConversationState()
    notes = tariff.accept(conv, msg(problems=[Problem(slot="tariff", code="ambiguous", options=[
        "Пакет Оптимальный", "Пакет Офисный ОПТИМУМ"])]), ENV)
    assert notes[0].ask is not None
    assert notes[0].ask.suggestions == ["Пакет Оптимальный", "Пакет Офисный ОПТИМУМ"]
    assert not tariff.complete(conv, ENV)


# -- extras -----------------------------------------------------------------------------------
def test_router_is_offered_only_when_the_tariff_has_none() -> None:
    home = conv_with(tariff="Пакет Премиум")
    extras.accept(home, msg(), ENV)
    assert home.slots.router == "included"
    assert extras.ask(home, ENV).expect == "cctv"

    office = conv_with(tariff="Пакет Офисный СТАРТ")
    extras.accept(office, msg(), ENV)
    ask = extras.ask(office, ENV)
    assert ask.expect == "router" and "200 ₽/мес" in ask.text


def test_a_switch_to_an_office_tariff_asks_the_router_again_and_keeps_the_other_extras() -> None:
    conv = conv_with(tariff="Пакет Премиум", router="included", cctv_cameras=2, static_ip=False)
    assert extras.complete(conv, ENV)
    conv.slots.tariff = "Пакет Офисный СТАНДАРТ"
    extras.accept(conv, msg(), ENV)
    assert conv.slots.router is None and not extras.complete(conv, ENV)
    assert (conv.slots.cctv_cameras, conv.slots.static_ip) == (2, False)


def test_a_home_tariff_never_rents_a_router() -> None:
    conv = conv_with(tariff="Безлимитище", router="included")
    notes = extras.accept(conv, msg(router="rent"), ENV)
    assert conv.slots.router == "included"
    assert "подарок" in notes[0].text


@pytest.mark.parametrize(("pending", "intent", "slot", "value"), [
    ("cctv", Intent.no, "cctv_cameras", 0),
    ("static_ip", Intent.yes, "static_ip", True),
    ("static_ip", Intent.no, "static_ip", False),
    ("router", Intent.no, "router", "own"),
])
def test_a_bare_yes_or_no_answers_the_question_asked(pending: str, intent: Intent, slot: str,
                                                     value: object) -> None:
    conv = conv_with(tariff="Пакет Офисный СТАРТ")
    extras.accept(conv, msg(pending, intent), ENV)
    assert getattr(conv.slots, slot) == value


def test_a_yes_to_the_cctv_question_asks_how_many_cameras() -> None:
    conv = conv_with(tariff="Пакет Премиум")
    notes = extras.accept(conv, msg("cctv", Intent.yes), ENV)
    assert conv.slots.cctv_cameras is None
    assert notes[-1].ask is not None and notes[-1].ask.expect == "cctv"


def test_a_camera_count_outside_the_packages_is_asked_back() -> None:
    conv = conv_with(tariff="Пакет Премиум")
    notes = extras.accept(conv, msg(problems=[Problem(slot="cctv_cameras", code="not_in_catalog",
                                                      value="3")]), ENV)
    assert conv.slots.cctv_cameras is None
    assert notes[-1].ask is not None and "1, 2, 4" in notes[-1].ask.text


# -- address ----------------------------------------------------------------------------------
def test_an_address_is_checked_against_coverage() -> None:
    conv = ConversationState()
    address.accept(conv, msg(address=Address(street="улица Мира", house="15а", flat="4")), ENV)
    assert conv.slots.coverage == "covered" and address.complete(conv, ENV)
    address.accept(conv, msg(address=Address(street="улица Мира", house="31")), ENV)
    assert conv.slots.coverage == "not_covered" and not address.complete(conv, ENV)
    assert address.ask(conv, ENV).expect == "tech_check"


def test_an_address_without_a_flat_asks_for_it_before_the_step_ends() -> None:
    conv = ConversationState()
    address.accept(conv, msg(address=Address(street="улица Мира", house="7")), ENV)
    assert conv.slots.coverage == "covered" and not address.complete(conv, ENV)
    asked = address.ask(conv, ENV)
    assert asked.expect == "flat" and "квартиры" in asked.text and "Частный дом" in asked.suggestions
    address.accept(conv, msg("flat", flat="12"), ENV)
    assert conv.slots.address == Address(street="улица Мира", house="7", flat="12")
    assert address.complete(conv, ENV)


def test_a_private_house_needs_no_flat_and_a_new_address_asks_again() -> None:
    conv = ConversationState()
    address.accept(conv, msg(address=Address(street="улица Мира", house="7")), ENV)
    address.accept(conv, msg("flat", choice="no_flat"), ENV)
    assert conv.slots.no_flat and address.complete(conv, ENV)
    address.accept(conv, msg(address=Address(street="улица Мира", house="9")), ENV)
    assert not conv.slots.no_flat and address.ask(conv, ENV).expect == "flat"


def test_an_office_is_asked_its_number() -> None:
    conv = conv_with(segment="office")
    address.accept(conv, msg(address=Address(street="улица Мира", house="7")), ENV)
    asked = address.ask(conv, ENV)
    assert asked.expect == "flat" and "офиса" in asked.text and "Без номера" in asked.suggestions


def test_outside_coverage_a_technical_check_completes_the_step() -> None:
    conv = ConversationState()
    address.accept(conv, msg(address=Address(city="Волжский", street="улица Мира", house="999",
                                             flat="1")), ENV)
    address.accept(conv, msg("tech_check", choice="tech_check"), ENV)
    assert conv.slots.tech_check and address.complete(conv, ENV)


def test_a_street_without_a_house_asks_for_the_number_and_keeps_the_street() -> None:
    conv = ConversationState()
    notes = address.accept(conv, msg(problems=[Problem(slot="address", code="no_house",
                                                       value="улица Мира")]), ENV)
    assert notes[0].ask is not None and notes[0].ask.expect == "house"
    address.accept(conv, msg("house", house="7", flat="2"), ENV)
    assert conv.slots.address == Address(street="улица Мира", house="7", flat="2")


# -- contacts ---------------------------------------------------------------------------------
def _consent() -> Consent:
    return Consent(at=NOW, version=ENV.catalog.privacy.version, method="button")


def test_contacts_need_name_and_phone_and_an_email_or_its_refusal() -> None:
    conv = conv_with(name="Иван", phone="+79991234567")
    conv.consent = _consent()
    assert not contacts.complete(conv, ENV)
    assert contacts.ask(conv, ENV).expect == "email"
    contacts.accept(conv, msg("email", Intent.no), ENV)
    assert conv.slots.email_declined and contacts.complete(conv, ENV)


def test_contacts_ask_for_consent_first_and_are_not_complete_without_it() -> None:
    conv = conv_with(name="Иван", phone="+79991234567", email_declined=True)
    ask = contacts.ask(conv, ENV)
    assert ask.expect == "consent" and ask.suggestions[0].startswith("Согласен")
    assert not contacts.complete(conv, ENV)
    conv.consent = _consent()
    assert contacts.complete(conv, ENV)


@pytest.mark.parametrize(("code", "words"), [("invalid", "ошибка"), ("foreign", "российск")])
def test_a_wrong_phone_gets_a_clear_reask(code: str, words: str) -> None:
    conv = conv_with(name="Иван")
    notes = contacts.accept(conv, msg(problems=[Problem(slot="phone", code=code)]), ENV)
    assert notes[0].ask is not None and notes[0].ask.expect == "phone"
    assert words in notes[0].ask.text


def test_a_wrong_email_gets_a_clear_reask_and_can_be_declined() -> None:
    conv = conv_with(name="Иван", phone="+79991234567")
    notes = contacts.accept(conv, msg(problems=[Problem(slot="email", code="invalid")]), ENV)
    assert notes[0].ask is not None and "Без email" in notes[0].ask.suggestions


# -- schedule ---------------------------------------------------------------------------------
TODAY = NOW.date()


@pytest.mark.parametrize(("day", "hour", "code"), [
    (TODAY - dt.timedelta(days=1), 10, "past"),
    (TODAY + dt.timedelta(days=61), 10, "too_far"),
    (TODAY + dt.timedelta(days=1), 8, "outside_hours"),
    (TODAY + dt.timedelta(days=1), 21, "outside_hours"),
    (TODAY, 13, "too_soon"),  # now is 13:00; an hour's notice is needed
    (TODAY, 14, None),
    (TODAY + dt.timedelta(days=1), 9, None),
    (TODAY + dt.timedelta(days=1), 20, None),
])
def test_schedule_rules(day: dt.date, hour: int, code: str | None) -> None:
    assert schedule.problem(day, dt.time(hour), ENV) == code


def test_a_date_without_a_time_asks_for_the_time() -> None:
    conv = ConversationState()
    schedule.accept(conv, msg(date=TODAY + dt.timedelta(days=2)), ENV)
    ask = schedule.ask(conv, ENV)
    assert ask.expect == "time" and ask.suggestions == ["Утром", "Днём", "Вечером"]


def test_a_past_date_is_not_taken() -> None:
    conv = ConversationState()
    notes = schedule.accept(conv, msg(date=TODAY - dt.timedelta(days=3), time="10:00"), ENV)
    assert conv.slots.date is None and "уже прошла" in notes[0].ask.text  # type: ignore[union-attr]


def test_a_date_that_has_passed_since_makes_the_step_incomplete_again() -> None:
    conv = conv_with(date=TODAY + dt.timedelta(days=1), time="10:00")
    assert schedule.complete(conv, ENV)
    later = Env(ENV.catalog, NOW + dt.timedelta(days=3))
    assert not schedule.complete(conv, later)


# -- confirm ----------------------------------------------------------------------------------
def _complete_conv() -> ConversationState:
    conv = conv_with(segment="home", tariff="Пакет Офисный СТАРТ", router="rent", cctv_cameras=4,
                     static_ip=True, address=Address(street="улица Мира", house="5"),
                     no_flat=True, coverage="covered", name="Ольга", phone="+79171234567",
                     email_declined=True, date=TODAY + dt.timedelta(days=1), time="18:00")
    conv.consent = _consent()
    return conv


def test_the_summary_holds_every_slot_and_both_totals() -> None:
    conv = _complete_conv()
    assert first_open(conv, ENV) is Step.confirm
    text = confirm.ask(conv, ENV).text
    for part in ("Пакет Офисный СТАРТ — 100 Мбит/с, 1 850 ₽/мес", "аренда, 200 ₽/мес",
                 "4 камеры, 5 700 ₽", "Постоянный IP: 300 ₽/мес", "улица Мира, д. 5",
                 "Ольга", "+7 917 123-45-67", "Email: не указан", "18:00",
                 "Итого: 2 350 ₽/мес, разово 5 700 ₽."):
        assert part in text


def test_nothing_but_the_machine_completes_the_confirm_step() -> None:
    assert not confirm.complete(_complete_conv(), ENV)


def test_the_lead_carries_the_slots_and_totals() -> None:
    lead = confirm.make_lead(_complete_conv(), ENV, "s1", NOW)
    assert (lead.kind, lead.monthly_total, lead.one_off_total) == ("connection", 2350, 5700)
    assert lead.tags == ["AIDA"]


def test_a_house_written_7_18_asks_whether_18_is_the_flat() -> None:
    conv = ConversationState()
    address.accept(conv, msg(address=Address(street="улица Мира", house="7/18")), ENV)
    asked = address.ask(conv, ENV)
    assert asked.expect == "flat_split" and "дом 7, квартира 18" in asked.text
    address.accept(conv, msg("flat_split", intent=Intent.yes), ENV)
    assert conv.slots.address == Address(street="улица Мира", house="7", flat="18")
    assert address.complete(conv, ENV)


def test_a_corner_house_7_18_then_asks_its_flat() -> None:
    conv = ConversationState()
    address.accept(conv, msg(address=Address(street="улица Мира", house="7/18")), ENV)
    address.accept(conv, msg("flat_split", intent=Intent.no), ENV)
    conv.pending = "flat_split"
    assert address.ask(conv, ENV).expect == "flat"
