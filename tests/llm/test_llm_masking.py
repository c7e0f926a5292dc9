"""Nothing raw to a model: a capturing stand-in server sees placeholders only, and the
customer still sees (and the lead still holds) the real values."""

from __future__ import annotations

import json
from typing import Any

import pytest

from aida.catalog import Catalog
from aida.dialogue.engine import Engine
from aida.domain import Address, SlotValues
from aida.llm.openai import brain as brain_module
from aida.masking import Masker, StreamUnmasker
from tests.fakes.openai_server import StandIn

from .conftest import TZ, BrainFactory
from .onboardings import ONBOARDINGS, run

PLAIN = ONBOARDINGS[0]
# Every form in which the plain onboarding's personal values could leave the process.
RAW = ("+79991234567", "999 123-45-67", "9991234567", "ivan@mail.ru", "Иван", "Мира, 5",
       "д. 5", "кв 12", "кв. 12")


@pytest.mark.parametrize("model_reads_every_message", [True, False],
                         ids=["model reads", "model words"])
async def test_no_raw_personal_value_reaches_the_model_server(
    standin: StandIn, catalog: Catalog, new_brain: BrainFactory,
    monkeypatch: pytest.MonkeyPatch, model_reads_every_message: bool,
) -> None:
    # Reading every message leaves no call for wording; trusting the rules words every reply.
    monkeypatch.setattr(brain_module, "confident", lambda *a: not model_reads_every_message)
    result = await run(Engine(catalog, new_brain(), TZ), standin, PLAIN)

    assert len(standin.requests) >= len(PLAIN.lines)
    sent = json.dumps([r.body for r in standin.requests], ensure_ascii=False)
    leaked = [raw for raw in RAW if raw in sent]
    assert leaked == []
    assert "[PHONE_1]" in sent and "[NAME_1]" in sent
    # The customer and the CRM get the real values.
    [lead] = result.leads
    assert (lead.name, lead.phone, lead.email) == ("Иван", "+79991234567", "ivan@mail.ru")
    assert lead.address == Address(street="улица Мира", house="5", flat="12")
    summary = next(t.reply for t in result.turns if "Проверьте" in t.reply)
    assert "+7 999 123-45-67" in summary and "кв. 12" in summary and "Иван" in summary


def test_a_placeholder_split_across_streamed_pieces_is_mapped_back_whole() -> None:
    masker = Masker([SlotValues(name="Ольга", phone="+79991234567")])
    masked = masker.mask("Ольга, перезвоним на +7 999 123-45-67.")
    assert masked == "[NAME_1], перезвоним на [PHONE_1]."
    stream = StreamUnmasker(masker)
    pieces = ["[NA", "ME_1], перезвоним на [", "PHONE_", "1].", ""]
    out = "".join(stream.feed(p) for p in pieces) + stream.flush()
    assert out == "Ольга, перезвоним на +7 999 123-45-67."


@pytest.mark.parametrize(("text", "masked"), [
    ("меня зовут Жанна, пишите на Zh.K@mail.ru", "меня зовут [NAME_1], пишите на [EMAIL_1]"),
    ("ул. Мира 15к2, кв 34", "ул. Мира [HOUSE_1], кв [FLAT_1]"),
    ("проспект Ленина, 7а", "проспект Ленина, [HOUSE_1]"),
    ("дом 5, квартира 12", "дом [HOUSE_1], квартира [FLAT_1]"),
    ("8 (999) 765-43-21", "[PHONE_1]"),
    # Not personal: prices, counts, dates and times stay for the model to read.
    ("Пакет Премиум, 2 камеры, 1 490 ₽/мес, завтра в 18:00, 25.11.2025",
     "Пакет Премиум, 2 камеры, 1 490 ₽/мес, завтра в 18:00, 25.11.2025"),
])
def test_what_is_masked(text: str, masked: str) -> None:
    masker = Masker()
    assert masker.mask(text) == masked
    assert masker.unmask(masked) == text


def test_an_invented_placeholder_is_left_for_the_guard(catalog: Catalog) -> None:
    masker: Any = Masker([SlotValues(name="Иван")])
    assert masker.unmask("[NAME_1] и [NAME_7]") == "Иван и [NAME_7]"
