"""`aida extract`: the contract's output, `--now` in AIDA_TIMEZONE, and `--jsonl` for batches."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from aida.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_:
        main(["extract", *argv])
    out, err = capsys.readouterr()
    return int(exit_.value.code or 0), out, err


@pytest.fixture(autouse=True)
def _zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIDA_TIMEZONE", "Europe/Volgograd")
    monkeypatch.delenv("AIDA_CATALOG", raising=False)


def test_prints_only_the_slots_found(capsys):
    code, out, _ = run(capsys, "--now", "2026-11-27T13:00", "пр-т Ленина 88, завтра в 10")
    assert code == 0
    assert json.loads(out) == {
        "address": {"city": "Волгоград", "street": "проспект Ленина", "house": "88", "flat": None},
        "date": "2026-11-28",
        "time": "10:00",
    }
    assert "проспект" in out  # ensure_ascii=False: readable Russian


def test_words_may_come_unquoted(capsys):
    _, out, _ = run(capsys, "хочу", "премиум")
    assert json.loads(out) == {"tariff": "Пакет Премиум"}


def test_naive_now_is_local_aware_now_is_converted(capsys, monkeypatch):
    monkeypatch.setenv("AIDA_TIMEZONE", "Asia/Vladivostok")
    _, out, _ = run(capsys, "--now", "2026-11-27T13:00", "завтра")
    assert json.loads(out) == {"date": "2026-11-28"}
    # 20:00 UTC is already 28 November, 06:00 in Vladivostok
    _, out, _ = run(capsys, "--now", "2026-11-27T20:00+00:00", "завтра")
    assert json.loads(out) == {"date": "2026-11-29"}


def test_expect_gives_bare_answers_a_meaning(capsys):
    _, out, _ = run(capsys, "--expect", "cctv", "2")
    assert json.loads(out) == {"cctv_cameras": 2}
    _, out, _ = run(capsys, "2")
    assert json.loads(out) == {}


def test_bad_arguments_are_reported_not_raised(capsys):
    code, _, err = run(capsys, "--now", "вчера", "текст")
    assert code == 2 and "--now" in err
    code, _, err = run(capsys)
    assert code == 2 and "TEXT" in err


def test_jsonl_answers_every_line_in_order_even_broken_ones():
    lines = [
        {"text": "премиум", "now": "2026-11-27T13:00"},
        "не json",
        {"text": "завтра", "now": "2026-11-27T13:00"},
        {"now": "2026-11-27T13:00"},
        {"text": "2", "expect": "cctv"},
        {"text": "завтра", "now": "позавчера"},
        [1, 2],
        {"text": "89991234567"},
    ]
    stdin = (
        "\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines)
        + "\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "aida", "extract", "--jsonl"],
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env={"AIDA_TIMEZONE": "Europe/Volgograd", "PATH": "/usr/bin:/bin"},
    )
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(out) == len(lines)
    assert out[0] == {"tariff": "Пакет Премиум"}
    assert "error" in out[1]
    assert out[2] == {"date": "2026-11-28"}
    assert "error" in out[3] and "error" in out[5] and "error" in out[6]
    assert out[4] == {"cctv_cameras": 2}
    assert out[7] == {"phone": "+79991234567"}
