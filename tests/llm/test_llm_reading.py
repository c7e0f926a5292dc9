"""The model's answer format: a schema strict servers accept, parsed leniently."""

from __future__ import annotations

from typing import Any

import pytest

from aida.catalog import Catalog
from aida.llm.openai.reading import parse_reading, reading_schema
from aida.llm.openai.transport import ModelError, json_text
from aida.understanding.types import Intent


def _objects(schema: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(schema, dict):
        if schema.get("type") == "object":
            found.append(schema)
        for value in schema.values():
            found += _objects(value)
    elif isinstance(schema, list):
        for value in schema:
            found += _objects(value)
    return found


def test_the_schema_meets_strict_structured_output_rules(catalog: Catalog) -> None:
    # OpenAI's strict mode rejects (400) an object with optional or unlisted keys.
    objects = _objects(reading_schema(catalog))
    assert len(objects) == 3  # the reading, its slots, an address
    for obj in objects:
        assert obj["additionalProperties"] is False
        assert sorted(obj["required"]) == sorted(obj["properties"])


def test_one_bad_field_costs_only_that_field() -> None:
    reading = parse_reading(
        {
            "intent": "answer",
            "slots": {"cctv_cameras": 3, "router": "free", "static_ip": True, "name": "Ольга"},
            "topics": "router",
            "email_declined": "maybe",
        }
    )
    assert reading.intent is Intent.answer
    assert reading.slots.cctv_cameras is None and reading.slots.router is None
    assert reading.slots.static_ip is True and reading.slots.name == "Ольга"
    assert reading.topics == [] and reading.email_declined is False


def test_anything_but_an_object_reads_as_nothing() -> None:
    assert parse_reading(["yes"]).intent is Intent.unknown
    assert parse_reading({"intent": "approve_lead", "slots": "all"}).intent is Intent.unknown


def test_json_is_found_in_chatter_and_fences() -> None:
    assert json_text('Конечно!\n```json\n{"intent": "yes"}\n```') == {"intent": "yes"}


@pytest.mark.parametrize("text", ["нет", "{not json}", ""])
def test_text_without_json_is_malformed(text: str) -> None:
    with pytest.raises(ModelError) as caught:
        json_text(text)
    assert caught.value.reason == "malformed"
