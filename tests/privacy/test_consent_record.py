"""The consent text's version, and the recorded consent where the operator sees it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from aida.catalog import default_catalog, load_catalog
from aida.catalog.loader import DEFAULT_CATALOG
from aida.cli.leads import lead_json
from aida.crm.port import CrmRefs
from aida.domain import Attribution
from aida.store import LeadRecord
from tests.crm.helpers import MemoryTokens, amo_settings, make_lead, open_crm_for
from tests.fakes.amocrm import FakeAmo

CONSENTED = {
    "consent_at": dt.datetime(2025, 11, 20, 9, 58, tzinfo=dt.UTC),
    "consent_version": "sha256:0123456789ab",
    "consent_method": "button",
}


def _copy_catalog(tmp_path: Path, consent: str) -> Path:
    data = DEFAULT_CATALOG.read_text(encoding="utf-8")
    (tmp_path / "coverage.csv").write_text(
        (DEFAULT_CATALOG.parent / "coverage.csv").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "consent.md").write_text(consent, encoding="utf-8")
    path = tmp_path / "catalog.toml"
    path.write_text(data, encoding="utf-8")
    return path


def test_the_shipped_texts_are_a_marked_template() -> None:
    privacy = default_catalog().privacy
    assert privacy.consent_text.startswith("ШАБЛОН ДЛЯ ЮРИСТА")
    assert "Согласие на обработку персональных данных" in privacy.consent_text
    assert privacy.notice and len(privacy.notice) < 200  # fits under the input


def test_the_version_changes_when_the_text_changes_and_only_then(tmp_path: Path) -> None:
    shipped = default_catalog().privacy
    same = load_catalog(_copy_catalog(tmp_path, shipped.consent_text + "\n\n")).privacy
    assert same.version == shipped.version  # trailing blank lines are not a new text
    edited = load_catalog(
        _copy_catalog(tmp_path, shipped.consent_text.replace("[срок]", "3 года"))
    ).privacy
    assert edited.version != shipped.version


def test_leads_json_shows_when_and_which_consent() -> None:
    data = json.loads(json.dumps(lead_json(LeadRecord(lead=make_lead(**CONSENTED),
                                                      delivery="local"))))
    assert data["consent_at"] == "2025-11-20T09:58:00Z"
    assert data["consent_version"] == "sha256:0123456789ab"
    assert data["consent_method"] == "button"


async def _noop(refs: CrmRefs) -> None:
    return None


async def test_the_crm_gets_the_consent_in_the_note_and_its_field(
    amo: FakeAmo, tokens: MemoryTokens
) -> None:
    crm = open_crm_for(amo_settings(amo), tokens)
    try:
        refs = await crm.create_lead(make_lead(**CONSENTED), CrmRefs(), _noop)
    finally:
        await crm.close()
    assert refs.lead_id is not None
    line = ("Согласие на обработку персональных данных: 20.11.2025 12:58, "
            "версия текста sha256:0123456789ab, кнопкой «Согласен»")
    assert amo.lead_field(refs.lead_id, "CONSENT") == line
    [note] = amo.notes[refs.lead_id]
    assert line in note["params"]["text"]


def test_landing_pages_and_referrers_keep_campaign_tags_only() -> None:
    touch = Attribution(
        landing_page="https://smit34.ru/tarify?phone=%2B79991234567&email=ivan%40mail.ru"
                     "&utm_source=yandex&gclid=abc&yclid=42#form",
        referrer="https://user:secret@forum.example/thread?name=Ivan&utm_medium=cpc",
    )
    assert touch.landing_page == "https://smit34.ru/tarify?utm_source=yandex&gclid=abc&yclid=42"
    assert touch.referrer == "https://forum.example/thread?utm_medium=cpc"
