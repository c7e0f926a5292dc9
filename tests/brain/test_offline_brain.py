"""The offline brain's reading of whole messages (intent, topics, changes) and the validation
every brain's output passes before the machine sees it."""

from __future__ import annotations

import pytest

from aida.catalog import default_catalog
from aida.domain import Address, ConversationState, Step
from aida.nlu.brain import OfflineBrain
from aida.nlu.validate import validate_understanding
from aida.understanding.types import Extraction, Intent, TurnContext, Understanding
from tests.dialogue.harness import NOW

CATALOG = default_catalog()
BRAIN = OfflineBrain(CATALOG)


def ctx(expect: str | None = None, step: Step = Step.tariff) -> TurnContext:
    return TurnContext(step=step, expect=expect, slots=ConversationState().slots, now=NOW,
                       catalog=CATALOG)  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "intent"), [
    ("да", Intent.yes), ("Да, всё верно", Intent.yes), ("ок", Intent.yes), ("конечно", Intent.yes),
    ("нет", Intent.no), ("не нужен", Intent.no), ("нет, спасибо", Intent.no),
    ("начать заново", Intent.restart), ("давайте сначала", Intent.restart),
    ("позовите оператора", Intent.handoff), ("хочу поговорить с человеком", Intent.handoff),
    ("передумал", Intent.cancel), ("отмена", Intent.cancel),
    ("сколько стоит роутер?", Intent.question), ("есть ли телевидение", Intent.question),
    ("Здравствуйте", Intent.greeting), ("спасибо", Intent.chitchat),
    ("абырвалг", Intent.unknown),
    ("давайте вечером", Intent.answer), ("да, 2 камеры", Intent.answer),
])
def test_intent(text: str, intent: Intent) -> None:
    assert BRAIN.read(text, ctx()).intent is intent


@pytest.mark.parametrize(("text", "topics"), [
    ("сколько стоит роутер?", ["router"]),
    ("какие тарифы для офиса?", ["tariffs_office"]),
    ("а видеонаблюдение сколько стоит?", ["cctv"]),
    ("есть ли телевидение?", ["tv"]),
    ("сколько стоит премиум?", ["tariffs", "tariff:Пакет Премиум"]),
    ("во сколько приедет мастер?", ["hours"]),
])
def test_question_topics(text: str, topics: list[str]) -> None:
    assert BRAIN.read(text, ctx()).topics == topics


def test_a_tariff_asked_about_is_not_chosen() -> None:
    u = BRAIN.read("сколько стоит безлимитище?", ctx())
    assert u.slots.tariff is None and "tariff:Безлимитище" in u.topics


def test_a_tariff_chosen_beside_a_question_is_chosen() -> None:
    u = BRAIN.read("Хочу Премиум, а роутер входит?", ctx())
    assert u.slots.tariff == "Пакет Премиум" and u.topics == ["router"]


@pytest.mark.parametrize(("text", "expect", "reset"), [
    ("ой, телефон не тот", None, ["phone"]),
    ("хочу поменять адрес", None, ["address"]),
    ("время", "change", ["time"]),
    ("адрес и телефон", "change", ["address", "phone"]),
    ("телефон", None, []),  # naming a field is not a change request on its own
    ("телефон другой: 89175556677", None, []),  # the new value is a correction, not a reset
    ("уточните номер дома", None, []),
])
def test_changes_named_without_a_value(text: str, expect: str | None, reset: list[str]) -> None:
    assert BRAIN.read(text, ctx(expect)).reset == reset


@pytest.mark.parametrize("text", ["Без email", "почты нет", "без почты"])
def test_email_refusal(text: str) -> None:
    assert BRAIN.read(text, ctx("email", Step.contacts)).email_declined


# -- validation of any brain's output -----------------------------------------------------------
def validated(**slots: object) -> Extraction:
    return validate_understanding(Understanding(slots=Extraction(**slots)), ctx()).slots


def test_only_catalog_tariffs_pass() -> None:
    assert validated(tariff="пакет премиум").tariff == "Пакет Премиум"
    assert validated(tariff="Гигабит Бесплатно").tariff is None


def test_camera_counts_outside_the_packages_become_a_problem() -> None:
    out = validated(cctv_cameras=4)
    assert out.cctv_cameras == 4
    bad = validate_understanding(
        Understanding(slots=Extraction.model_construct(cctv_cameras=3, problems=[], doubtful=[])),
        ctx()).slots
    assert bad.cctv_cameras is None and bad.problems[0].code == "not_in_catalog"


def test_phones_and_emails_go_through_their_validators() -> None:
    out = validated(phone="8 (999) 123-45-67", email="Ivan@Mail.RU")
    assert (out.phone, out.email) == ("+79991234567", "Ivan@mail.ru")
    bad = validated(phone="12345", email="ivan@mail")
    assert bad.phone is None and bad.email is None
    assert {p.slot for p in bad.problems} == {"phone", "email"}


def test_a_kazakh_number_is_not_accepted() -> None:
    assert validated(phone="+7 777 123 45 67").phone is None


def test_streets_are_canonicalised_and_an_address_needs_a_house_number() -> None:
    out = validated(address=Address(street="пр-т Ленина", house="88"))
    assert out.address is not None and out.address.street == "проспект Ленина"
    no_house = validated(address=Address(street="улица Мира", house="дом"))
    assert no_house.address is None and no_house.problems[0].code == "no_house"


def test_names_must_look_like_names_and_times_like_times() -> None:
    assert validated(name="Иван Петров").name == "Иван Петров"
    assert validated(name="DROP TABLE; 123").name is None
    assert validated(time="18:00").time == "18:00"
    assert validated(time="25:99").time is None


def test_unknown_topics_and_resets_are_dropped() -> None:
    u = validate_understanding(Understanding(intent=Intent.question,
                                             topics=["router", "free_money", "tariff:Вечный"],
                                             reset=["phone", "price"]), ctx())
    assert u.topics == ["router"] and u.reset == ["phone"]


def test_after_midnight_tomorrow_is_read_back_in_a_conversation_begun_the_day_before() -> None:
    import datetime as dt

    from aida.domain import ChatMessage, Slots

    catalog = default_catalog()
    night = NOW.replace(day=NOW.day + 1, hour=0, minute=10)
    before = ChatMessage(role="user", text="здравствуйте", at=night - dt.timedelta(minutes=20))

    def read(history: list[ChatMessage], now: dt.datetime) -> Extraction:
        ctx = TurnContext(step=Step.schedule, expect="date", slots=Slots(), now=now,
                          catalog=catalog, history=history,
                          began=history[0].at if history else None)
        return OfflineBrain(catalog).read("послезавтра после обеда", ctx).slots

    late = read([before], night)  # begun at 23:50: «послезавтра» may count from yesterday
    assert late.date == night.date() + dt.timedelta(days=2) and "date" in late.doubtful
    # the other reading, counted from the day just ended, goes with it
    other = [p for p in late.problems if p.slot == "date" and p.code == "ambiguous"]
    assert [p.options for p in other] == [[(night.date() + dt.timedelta(days=1)).isoformat()]]
    assert read([], night).doubtful == []  # begun after midnight: the calendar's tomorrow
    assert read([before], NOW).doubtful == []  # in the daytime it is plain


def test_a_city_named_earlier_is_the_city_of_an_address_without_one() -> None:
    from aida.domain import Slots

    catalog = default_catalog()

    def read(text: str, city: str | None) -> Extraction:
        ctx = TurnContext(step=Step.address, expect="address", slots=Slots(), now=NOW,
                          catalog=catalog, city=city)
        return OfflineBrain(catalog).read(text, ctx).slots

    said = read("нужен интернет в Волжском", None)
    assert [(p.code, p.value) for p in said.problems] == [("city_only", "Волжский")]
    there = read("Ленина 12 кв 34", "Волжский")  # both cities have a проспект Ленина
    assert there.address is not None and there.address.city == "Волжский"
    assert "address" not in there.doubtful
    assert read("Ленина 12 кв 34", None).address.city == "Волгоград"  # type: ignore[union-attr]
    # a street the city named earlier does not have: read back, not silently moved
    elsewhere = read("Землячки 20 кв 4", "Волжский")
    assert elsewhere.address is not None and "address" in elsewhere.doubtful
