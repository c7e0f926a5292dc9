"""A whole onboarding through the real engine and offline brain, as the widget sends it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import make_settings

from aida.http import create_app
from aida.http.keys import STORE

CUSTOMER = (
    "Здравствуйте, хочу подключить интернет домой",
    "Премиум",
    "Без камер",
    "Статический IP не нужен",
    "Волгоград, ул. Мира, д. 5, кв. 12",
    "Согласен",
    "Иван",
    "+7 999 123-45-67",
    "без почты",
    "завтра в 10:00",
    "Да",
)


async def test_an_onboarding_ends_in_a_lead_with_the_first_touch(
    aiohttp_client: Any, tmp_path: Path, database_url: str
) -> None:
    client = await aiohttp_client(create_app(make_settings(tmp_path, database_url=database_url)))
    steps = []
    for n, text in enumerate(CUSTOMER):
        touch = {"utm_source": "yandex", "utm_campaign": "winter"} if n == 0 else {}
        if n == 3:
            touch = {"utm_source": "google"}  # a later visit: the lead keeps the first touch
        resp = await client.post(
            "/chat",
            json={"session_id": "widget-1", "message": text, "message_id": f"m{n}", **touch},
        )
        assert resp.status == 200, await resp.text()
        body = await resp.json()
        assert body["reply"] and body["session_id"] == "widget-1"
        steps.append(body["step"])
    assert steps[0] == "tariff" and steps[-1] == "done"
    assert steps.index("address") < steps.index("contacts") < steps.index("schedule")

    [record] = await client.app[STORE].leads()
    lead = record.lead
    assert (lead.session_id, lead.phone, lead.name) == ("widget-1", "+79991234567", "Иван")
    assert (lead.attribution.utm_source, lead.attribution.utm_campaign) == ("yandex", "winter")
    assert record.delivery == "local"

    history = await (await client.get("/chat/history", params={"session_id": "widget-1"})).json()
    assert history["step"] == "done"
    assert [m["text"] for m in history["messages"][::2]] == list(CUSTOMER)
