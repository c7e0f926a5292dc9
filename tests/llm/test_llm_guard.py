"""The fact check of worded replies: words may change, prices, tariffs and totals may not."""

from __future__ import annotations

import pytest

from aida.catalog import Catalog, default_catalog
from aida.llm.guard import Guard, check
from aida.understanding.types import ReplyDraft


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return default_catalog()


TARIFF_CHOSEN = ReplyDraft(
    parts=[
        "Отличный выбор: «Пакет Премиум» — 250 Мбит/с, 1 490 ₽/мес.",
        "Роутер входит в тариф. Нужно ли видеонаблюдение: 1, 2 или 4 камеры?",
    ],
    facts={"step": "extras", "slots": {"segment": "home", "tariff": "Пакет Премиум"}},
)
SUMMARY = ReplyDraft(
    parts=[
        (
            "Тариф: Безлимитище — 500 Мбит/с, 1 690 ₽/мес\nРоутер: в подарок\n"
            "Видеонаблюдение: 2 камеры, 2 900 ₽\nПостоянный IP: нет"
        ),
        "Итого: 1 690 ₽/мес, разово 2 900 ₽.",
        "Всё верно?",
    ],
    facts={"step": "confirm", "slots": {"tariff": "Безлимитище", "cctv_cameras": 2}},
)
ASK_NAME = ReplyDraft(parts=["Как к вам обращаться?"], facts={"step": "contacts", "slots": {}})


def test_a_reworded_reply_with_the_same_facts_passes(catalog: Catalog) -> None:
    worded = (
        "Прекрасный выбор — «Пакет Премиум»: 250 Мбит/с за 1 490 ₽ в месяц, роутер уже "
        "включён. Подключить видеонаблюдение — 1, 2 или 4 камеры?"
    )
    assert check(worded, TARIFF_CHOSEN, catalog).ok


def test_declined_tariff_names_and_unspaced_prices_count_as_kept(catalog: Catalog) -> None:
    worded = (
        "Записала вас на Пакете Премиум (250 Мбит/с, 1490 руб. в месяц). Роутер входит. "
        "Видеонаблюдение нужно: 1, 2 или 4 камеры?"
    )
    assert check(worded, TARIFF_CHOSEN, catalog).ok


@pytest.mark.parametrize(
    ("worded", "reason"),
    [
        ("«Пакет Премиум» — 250 Мбит/с, всего 1 290 ₽/мес. Камеры: 1, 2 или 4?", "number"),
        (
            "«Пакет Премиум» — 250 Мбит/с, 1 490 ₽/мес, первый месяц бесплатно! Камеры: 1, 2 или 4?",
            "promise",
        ),
        (
            "«Пакет Премиум» — 250 Мбит/с, 1 490 ₽/мес, для вас скидка. Камеры: 1, 2 или 4?",
            "promise",
        ),
        (
            "«Пакет Премиум» — 250 Мбит/с, 1 490 ₽/мес, но лучше Безлимитище. Камеры: 1, 2 или 4?",
            "tariff",
        ),
        (
            "Отличный выбор! Роутер входит. Нужно видеонаблюдение: 1, 2 или 4 камеры?",
            "missing_price",
        ),
        (
            "Тариф на 250 Мбит/с за 1 490 ₽/мес. Роутер входит. Камеры: 1, 2 или 4?",
            "missing_tariff",
        ),
        (
            "«Пакет Премиум» — 250 Мбит/с, 1 490 ₽/мес. Пишите на sales@example.com. Камеры: 1, 2 или 4?",
            "link",
        ),
    ],
)
def test_a_reply_that_changes_adds_or_drops_a_fact_is_rejected(
    catalog: Catalog, worded: str, reason: str
) -> None:
    verdict = check(worded, TARIFF_CHOSEN, catalog)
    assert not verdict.ok
    assert verdict.reason == reason


def test_a_summary_must_keep_both_totals(catalog: Catalog) -> None:
    kept = (
        "Проверьте, пожалуйста: Безлимитище, 500 Мбит/с, 1 690 ₽/мес; роутер в подарок; "
        "2 камеры за 2 900 ₽; постоянного IP нет. Итого 1 690 ₽ в месяц и 2 900 ₽ разово. Всё верно?"
    )
    assert check(kept, SUMMARY, catalog).ok
    no_one_off = (
        "Безлимитище, 500 Мбит/с, роутер в подарок, 2 камеры. Итого 1 690 ₽/мес. Всё верно?"
    )
    assert check(no_one_off, SUMMARY, catalog).reason == "missing_price"


def test_a_gift_the_draft_mentions_may_be_repeated(catalog: Catalog) -> None:
    # "в подарок" is the machine's own wording of an included router, not a promise.
    worded = (
        "Безлимитище — 500 Мбит/с за 1 690 ₽/мес, роутер в подарок, 2 камеры за 2 900 ₽, "
        "без постоянного IP. Итого: 1 690 ₽/мес и разово 2 900 ₽. Всё верно?"
    )
    assert check(worded, SUMMARY, catalog).ok


def test_ordinary_words_are_not_taken_for_tariff_names(catalog: Catalog) -> None:
    assert check(
        "Для домашнего интернета осталось узнать имя. Как к вам обращаться?", ASK_NAME, catalog
    ).ok
    assert (
        check("Как к вам обращаться? Кстати, Домашний пакет тоже неплох.", ASK_NAME, catalog).reason
        == "tariff"
    )


def test_a_question_without_facts_gets_no_numbers(catalog: Catalog) -> None:
    assert check("Как к вам обращаться? Перезвоним через 5 минут.", ASK_NAME, catalog).reason == (
        "number"
    )


def test_an_essay_is_rejected(catalog: Catalog) -> None:
    essay = "Как к вам обращаться? " + "Мы очень рады вам помочь. " * 20
    assert check(essay, ASK_NAME, catalog).reason == "length"


def test_an_empty_reply_is_rejected(catalog: Catalog) -> None:
    assert check("  ", ASK_NAME, catalog).reason == "empty"


def test_a_prefix_is_held_until_every_price_is_in(catalog: Catalog) -> None:
    guard = Guard.for_draft(SUMMARY, catalog)
    assert guard.clean("Проверьте, пожалуйста: Безлимитище, 500 Мбит/с.").ok
    assert not guard.has_required("Проверьте, пожалуйста: Безлимитище, 500 Мбит/с.")
    assert guard.has_required("Безлимитище, 2 камеры. Итого 1 690 ₽/мес, разово 2 900 ₽.")


@pytest.mark.parametrize(
    "worded",
    [
        "¯\\_(ツ)_/¯",  # no Russian at all
        "Хорошо.",  # most of the draft left out
        "Отличный выбор: «Пакет Премиум» — 250 Мбит/с, 1 490 ₽/мес. Роутер входит в тариф.",
    ],
)
def test_a_reply_that_is_not_a_reply_is_rejected(catalog: Catalog, worded: str) -> None:
    assert check(worded, TARIFF_CHOSEN, catalog).reason == "shape"
