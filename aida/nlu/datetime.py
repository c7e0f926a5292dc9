"""Installation date and time, relative to `now` in the provider's time zone.

The layer the research note (section 3.3) asks for on top of dateparser: typos of date words
fixed first (`завтро`, `в суботу`), clock times and parts of day read by rules and removed
before any date parsing (so `в 10 часов` is never "10 hours from now" and `3 декабря в 10`
never the year 2110); days and months (`3 декабря`, `первого декабря`, `1.12`), weekdays,
weekends and `N числа` read by the layer's own patterns; dateparser called only for the
calendar arithmetic of `через 2 недели`/`через месяц`/`через 2 часа`, on that span alone,
never on the whole message.

Conventions (the contract's, then the research note's): утром 09:00, днём 13:00, после обеда
14:00, вечером 18:00, в полдень 12:00; `к H`/`в H` = H:00, `с H до H` = the start; a weekday
is its next occurrence (the same weekday said on that day means a week later, and is marked
doubtful); `на выходных` = the coming Saturday; a day and month without a year that has
passed this year means next year. A time alone gives no date: the date is then whatever the
conversation already has. Past dates, times outside working hours and dates too far ahead
are kept and reported, never moved.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from aida.catalog import Catalog
from aida.nlu import morph
from aida.nlu.text import NUMBER, fold, numerals, word_list
from aida.understanding.types import Expect, Problem

# -- typo repair -------------------------------------------------------------------------
_MONTHS_GEN = word_list(
    "января февраля марта апреля мая июня июля августа сентября октября ноября декабря"
)
_VOCABULARY = (
    "сегодня завтра послезавтра понедельник понедельника вторник вторника среду среды "
    "четверг четверга пятницу пятницы пятница субботу субботы суббота воскресенье "
    "воскресенья утром вечером вечерком утречком обеда выходных выходные неделю недели "
    "через полдень половине числа " + " ".join(_MONTHS_GEN)
).split()
_WORDS = re.compile(r"[а-я]+")


@dataclass(frozen=True)
class _Fixed:
    text: str
    origin: list[int]  # origin[i]: index in the input of character i of `text`

    def span(self, a: int, b: int) -> tuple[int, int]:
        return self.origin[a], self.origin[b - 1] + 1


def _fix_typos(text: str) -> _Fixed:
    """Misspelt date words (unknown to the dictionary, 5+ letters, ≥80% similar) corrected."""
    out: list[str] = []
    origin: list[int] = []
    pos = 0
    for m in _WORDS.finditer(text):
        word = m.group()
        fixed = word
        if len(word) >= 5 and not morph.is_known(word):
            best = process.extractOne(word, _VOCABULARY, scorer=fuzz.ratio, score_cutoff=80)
            if best and abs(len(best[0]) - len(word)) <= 1:
                fixed = best[0]
        out.append(text[pos : m.start()])
        origin.extend(range(pos, m.start()))
        out.append(fixed)
        # a corrected word maps onto the span of the word it replaces
        origin.extend(min(m.start() + i, m.end() - 1) for i in range(len(fixed)))
        pos = m.end()
    out.append(text[pos:])
    origin.extend(range(pos, len(text)))
    return _Fixed("".join(out), origin)


# -- times -------------------------------------------------------------------------------
_H = r"(?:[01]?\d|2[0-3])"


def _qual(group: str) -> str:
    """`утра`/`дня`/`вечера` after an hour, captured under `group`."""
    return rf"(?P<{group}>утра|утром|дня|днем|вечера|вечером|ночи)"


_QUAL = _qual("q")
_HOURS_WORD = r"(?:ч\.?(?![а-я])|час(?:а|ов|ам|ик\w*)?(?![а-я]))"
# Words after a number that make it a count or a date, not a clock time.
_NOT_AN_HOUR = re.compile(
    r"\s*(?:числ|этаж|подъезд|раз(?![а-я])|раза|комнат|дн|день|недел|месяц|минут|камер|шт|"
    r"человек|квартир|рубл|руб|р\b|мбит|мегабит|метр|лет|год|процент|январ|феврал|март|"
    r"апрел|ма[йя]|июн|июл|август|сентябр|октябр|ноябр|декабр|янв|фев|апр|авг|сен|окт|"
    r"ноя|дек|[./]\d|назад)"
)
_RANGE = re.compile(
    rf"(?<![\w-])(?:с|c|между)\s+(?P<h>{_H})(?:[:.](?P<m>[0-5]\d))?\s*{_HOURS_WORD}?\s*"
    rf"(?:до|по|и|-|–|—)\s*(?P<h2>{_H})(?:[:.][0-5]\d)?(?:\s*{_HOURS_WORD})?(?:\s+{_QUAL})?"
    rf"|(?<![\w-])(?:в|к|на|около)\s+(?P<h3>{_H})(?::(?P<m3>[0-5]\d))?\s*[-–—]\s*{_H}"
    rf"(?::[0-5]\d)?(?:\s*{_HOURS_WORD})?(?:\s+{_qual('q3')})?"
    rf"|(?<![\d.:])(?P<h4>{_H}):(?P<m4>[0-5]\d)\s*[-–—]\s*{_H}:[0-5]\d"
)
_CLOCK = re.compile(
    rf"(?<![\d.:])(?P<h>{_H}):(?P<m>[0-5]\d)(?![\d:])(?:\s+{_QUAL})?"
    rf"|(?<![\w-])(?:в|к|около|после)\s+(?P<h2>{_H})\.(?P<m2>[0-5]\d)(?![\d.])"
    rf"(?:\s+{_qual('q2')})?"
    rf"|(?<![\w-])(?P<h3>{_H})\s*ч\.?\s*(?P<m3>[0-5]?\d)\s*мин\w*"
    # "9.30" with no preposition: a time only when it cannot be a day and month
    rf"|(?<![\d.:/-])(?P<h4>{_H})\.(?P<m4>1[3-9]|[2-5]\d|00)(?![\d.])"
)
_AT_HOUR = re.compile(
    rf"(?<![\w-])(?:(?:часов|часиков|часам|часа)\s+)?(?P<p>в|к|около|после|на|с)\s+"
    rf"(?P<n>{NUMBER})(?P<w>\s*{_HOURS_WORD})?(?:\s+{_QUAL})?"
)
_HOUR_QUAL = re.compile(
    rf"(?<![\w.:-])(?P<n>{NUMBER})(?:\s*{_HOURS_WORD})?\s+{_QUAL}"
    rf"|(?<![\w.:-])(?P<n2>{NUMBER})\s*{_HOURS_WORD}"
)
_AT_ONE = re.compile(r"(?<![\w-])в\s+час\s+дня")
_NO_CLOCK_BEFORE = re.compile(r"(?:через|за|на|течение|около)\s*$")
_PARTS_OF_DAY: list[tuple[re.Pattern[str], dt.time, str]] = [
    (re.compile(r"(?:в\s+)?первой\s+половине\s+дня"), dt.time(9), "morning"),
    (re.compile(r"(?:во\s+)?второй\s+половине\s+дня"), dt.time(14), "afternoon"),
    (re.compile(r"после\s*обеда|после\s+обед(?![а-я])"), dt.time(14), "afternoon"),
    (re.compile(r"(?<![\w-])(?:в|к)\s+полдень|(?<![\w-])полдень"), dt.time(12), "noon"),
    (re.compile(r"(?<![\w-])(?:в\s+обед|к\s+обеду|в\s+обеденное\s+время)"), dt.time(13), "day"),
    (
        re.compile(
            r"(?<![\w-])(?:ближе\s+к\s+вечеру|под\s+вечер|к\s+вечеру|вечером|вечерком|"
            r"на\s+вечер|вечер)(?![\w-])"
        ),
        dt.time(18),
        "evening",
    ),
    (
        re.compile(r"(?<![\w-])(?:с\s+утра|утром|утречком|на\s+утро|утро|утра)(?![\w-])"),
        dt.time(9),
        "morning",
    ),
    (re.compile(r"(?<![\w-])(?:днем|в\s+течение\s+дня)(?![\w-])"), dt.time(13), "day"),
]
_LATER = ("afternoon", "evening", "day")  # parts of day that make "в 3" mean 15:00
_GREETING = re.compile(
    r"(?<![\w-])(?:добр\w*|хорош\w*|всего\s+добр\w*)\s+(?:утро|день|дня|вечер|вечера)"
)


def _qualified(hour: int, qual: str | None) -> int:
    """`7 вечера` → 19, `3 дня` → 15, `12 ночи` → 0; other hours as said."""
    if qual in ("вечера", "вечером") and hour < 12:
        return hour + 12
    if qual in ("дня", "днем") and hour < 8:
        return hour + 12
    if qual == "ночи" and hour == 12:
        return 0
    return hour


# -- dates -------------------------------------------------------------------------------
_MONTH_STEMS = (
    ("янв", 1),
    ("фев", 2),
    ("мар", 3),
    ("апр", 4),
    ("ма", 5),
    ("июн", 6),
    ("июл", 7),
    ("авг", 8),
    ("сен", 9),
    ("окт", 10),
    ("ноя", 11),
    ("дек", 12),
)
_MONTH = (
    r"(?P<mon>январ[ья]|янв|феврал[ья]|февр?|марта?|мар|апрел[ья]|апр|ма[йя]|июн[ья]|июн|"
    r"июл[ья]|июл|августа?|авг|сентябр[ья]|сент?|октябр[ья]|окт|ноябр[ья]|нояб?|"
    r"декабр[ья]|дек)\.?(?![а-я])"
)
_ORD_UNITS = {
    "перв": 1,
    "втор": 2,
    "трет": 3,
    "четверт": 4,
    "пят": 5,
    "шест": 6,
    "седьм": 7,
    "восьм": 8,
    "девят": 9,
}
_ORD_ALONE = {
    "десят": 10,
    "одиннадцат": 11,
    "двенадцат": 12,
    "тринадцат": 13,
    "четырнадцат": 14,
    "пятнадцат": 15,
    "шестнадцат": 16,
    "семнадцат": 17,
    "восемнадцат": 18,
    "девятнадцат": 19,
    "двадцат": 20,
    "тридцат": 30,
}
_ORD_END = r"(?:ого|ое|ьего|ье|ий|ой|ый)"
_ORDINAL = (
    r"(?:(?P<tens>двадцать|тридцать)\s+)?(?P<ord>"
    + "|".join(sorted([*_ORD_ALONE, *_ORD_UNITS], key=len, reverse=True))
    + rf"){_ORD_END}(?![а-я])"
)
_DAY = rf"(?:(?P<d>(?:[012]?\d|3[01]))(?:-?(?:го|е|ое|ого))?|{_ORDINAL})"
_DAY_MONTH = re.compile(
    rf"(?<![\w.:-]){_DAY}\s*(?:числа\s+)?{_MONTH}(?:\s*(?P<y>\d{{4}})\s*(?:г\.?|года?)?)?"
)
_ISO = re.compile(r"(?<![\d-])(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})(?!\d)")
_NUMERIC = re.compile(
    r"(?<![\d.:/-])(?P<d>\d{1,2})[./](?P<mo>\d{1,2})(?:[./](?P<y>\d{4}|\d{2}))?(?![\d:]|[./]\d)"
)
_DAY_OF_MONTH = re.compile(rf"(?<![\w.:-]){_DAY}\s+числа")
_DAY_ALONE = re.compile(rf"^\W*(?:на\s+)?(?:(?P<d>[012]?\d|3[01])-?(?:го|е|ое)|{_ORDINAL})\W*$")
_RELATIVE = re.compile(
    r"(?<![\w-])(?P<w>послепослезавтра|послезавтра|после\s+завтра|завтра|сегодня|седня|"
    r"вчера)(?![\w-])"
)
_RELATIVE_DAYS = {
    "послепослезавтра": 3,
    "послезавтра": 2,
    "после завтра": 2,
    "завтра": 1,
    "сегодня": 0,
    "седня": 0,
    "вчера": -1,
}
_IN = re.compile(
    rf"(?<![\w-])через\s+(?:(?P<n>{NUMBER})\s+)?"
    r"(?P<u>дн(?:я|ей)|день|денек|недел[юиь]\w*|месяц\w*|час(?:а|ов)?|полчаса|минут\w*)(?![\w-])"
)
_WEEKDAYS = (
    ("понедельник", 0),
    ("пн", 0),
    ("вторник", 1),
    ("вт", 1),
    ("сред", 2),
    ("ср", 2),
    ("четверг", 3),
    ("чт", 3),
    ("пятниц", 4),
    ("пт", 4),
    ("суббот", 5),
    ("сб", 5),
    ("воскресен", 6),
    ("вс", 6),
)
_WEEKDAY = re.compile(
    r"(?<![\w-])(?:(?P<mod>эт[уоа]т?|ближайш\w*|следующ\w*|след\.?|будущ\w*)\s+)?"
    r"(?P<wd>понедельник\w*|вторник\w*|сред[уаы]|четверг\w*|пятниц\w*|суббот\w*|"
    r"воскресень\w*|воскресени\w*|пн|вт|ср|чт|пт|сб|вс)\.?(?![\w-])"
)
_WEEKEND = re.compile(
    r"(?<![\w-])(?:на|в)\s+(?:эти\s+|этих\s+|ближайшие\s+|ближайших\s+)?выходн\w*"
)
_NEXT_WEEK = re.compile(r"(?<![\w-])на\s+следующей\s+неделе|(?<![\w-])на\s+след\.?\s+неделе")
_REFUSED_AFTER = re.compile(
    r"^\s*,?\s*(?:я\s+|мы\s+|уже\s+)?(?:не\s+(?:могу|можем|смогу|сможем|получится|выйдет|"
    r"подходит|удобно|получается)|занят\w*|неудобно|никак)"
)
_REFUSED_BEFORE = re.compile(r"(?<![\w-])не\s+(?:в\s+|во\s+|на\s+)?$")
_CALLS = re.compile(r"(?<![\w-])(?:\w*звон\w*|набир\w*|на\s+связи)")
_BARE_TIME = re.compile(
    rf"^\W*(?:в|к|на|около|часов\s+в)?\s*(?P<h>{_H})(?:[:.](?P<m>[0-5]\d))?\s*{_HOURS_WORD}?"
    rf"(?:\s+{_QUAL})?\W*$"
)


# Research note 3.3 step 5; `timestamp` is left out so digits are never a Unix time.
_PARSER_SETTINGS: dict[str, object] = {
    "PREFER_DATES_FROM": "future",
    "RETURN_TIME_AS_PERIOD": True,
    "PARSERS": ["relative-time", "custom-formats", "absolute-time"],
}


def _dateparser(phrase: str, now: dt.datetime) -> tuple[dt.datetime, str] | None:
    # Imported here: most messages never need it, and it is the slowest part of the import.
    from dateparser.date import DateDataParser

    settings = dict(_PARSER_SETTINGS, RELATIVE_BASE=now.replace(tzinfo=None))
    try:
        data = DateDataParser(languages=["ru"], settings=settings).get_date_data(phrase)
    except (ValueError, OverflowError):  # "через 99999 лет"
        return None
    if data.date_obj is None:
        return None
    return data.date_obj, data.period or "day"


@dataclass
class _Candidate:
    start: int
    end: int
    rank: int  # lower wins when several candidates are found
    date: dt.date | None = None
    time: dt.time | None = None
    doubtful: bool = False
    part_of_day: str | None = None


@dataclass
class FoundDateTime:
    date: dt.date | None = None
    time: str | None = None  # "HH:MM"
    problems: list[Problem] = field(default_factory=list)
    doubtful: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)


def _refused(text: str, start: int, end: int) -> bool:
    """ "не завтра", "завтра не могу": the customer rules this one out."""
    return bool(
        _REFUSED_BEFORE.search(text[max(0, start - 8) : start])
        or _REFUSED_AFTER.match(text[end : end + 30])
    )


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    for a, b in spans:
        text = text[:a] + " " * (b - a) + text[b:]
    return text


def _hour_ok(text: str, m: re.Match[str], hour: int) -> bool:
    """A number is a clock hour unless it is too big, a count (`в 2 раза`) or a span."""
    if hour > 23:
        return False
    if _NOT_AN_HOUR.match(text, m.end()):
        return False
    return not _NO_CLOCK_BEFORE.search(text[max(0, m.start() - 12) : m.start()])


def _times(text: str) -> list[_Candidate]:
    found: list[_Candidate] = []

    def add(m: re.Match[str], hour: int, minute: int, rank: int) -> None:
        if any(c.start < m.end() and m.start() < c.end for c in found):
            return
        found.append(_Candidate(m.start(), m.end(), rank, time=dt.time(hour % 24, minute)))

    for m in _RANGE.finditer(text):
        if m.group("h") is not None:
            hour, minute, q = int(m.group("h")), int(m.group("m") or 0), m.group("q")
        elif m.group("h3") is not None:
            hour, minute, q = int(m.group("h3")), int(m.group("m3") or 0), m.group("q3")
        else:
            hour, minute, q = int(m.group("h4")), int(m.group("m4")), None
        add(m, _qualified(hour, q), minute, 0)
    for m in _CLOCK.finditer(text):
        for h, mi, q in (
            ("h", "m", "q"),
            ("h2", "m2", "q2"),
            ("h3", "m3", None),
            ("h4", "m4", None),
        ):
            if m.group(h) is not None:
                add(m, _qualified(int(m.group(h)), m.group(q) if q else None), int(m.group(mi)), 1)
                break
    for m in _AT_ONE.finditer(text):
        add(m, 13, 0, 2)
    for m in _AT_HOUR.finditer(text):
        said_hour = m.group("w") or m.group("q")
        if m.group("p") in ("на", "около") and not said_hour:
            continue  # "на 2" is a count; "на 10 утра" is a time
        hour = int(m.group("n"))
        if _hour_ok(text, m, hour):
            add(m, _qualified(hour, m.group("q")), 0, 2)
    for m in _HOUR_QUAL.finditer(text):
        hour = int(m.group("n") or m.group("n2"))
        if _hour_ok(text, m, hour):
            add(m, _qualified(hour, m.group("q")), 0, 3)
    return found


def _parts_of_day(text: str) -> list[_Candidate]:
    found: list[_Candidate] = []
    for rx, at, kind in _PARTS_OF_DAY:
        for m in rx.finditer(text):
            if any(c.start < m.end() and m.start() < c.end for c in found):
                continue
            found.append(_Candidate(m.start(), m.end(), 4, time=at, part_of_day=kind))
    return found


def _month(word: str) -> int:
    return next(n for stem, n in _MONTH_STEMS if word.startswith(stem))


def _day_number(m: re.Match[str]) -> int | None:
    if m.group("d"):
        return int(m.group("d"))
    value = {**_ORD_UNITS, **_ORD_ALONE}[m.group("ord")]
    tens = {"двадцать": 20, "тридцать": 30}.get(m.group("tens") or "", 0)
    return tens + value


def _make_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _without_year(today: dt.date, month: int, day: int) -> dt.date | None:
    """A day and month with no year: this year, or next year once it has passed."""
    date = _make_date(today.year, month, day)
    if date is not None and date < today:
        date = _make_date(today.year + 1, month, day)
    return date


def _dates(text: str, now: dt.datetime, expect: Expect | None) -> list[_Candidate]:
    today = now.date()
    found: list[_Candidate] = []

    def add(m: re.Match[str], rank: int, date: dt.date | None, **kw: object) -> None:
        if date is None or any(c.start < m.end() and m.start() < c.end for c in found):
            return
        found.append(_Candidate(m.start(), m.end(), rank, date=date, **kw))  # type: ignore[arg-type]

    for m in _ISO.finditer(text):
        add(m, 0, _make_date(int(m.group("y")), int(m.group("mo")), int(m.group("d"))))
    for m in _DAY_MONTH.finditer(text):
        day, month = _day_number(m), _month(m.group("mon"))
        if day is None:
            continue
        year = m.group("y")
        add(m, 0, _make_date(int(year), month, day) if year else _without_year(today, month, day))
    for m in _NUMERIC.finditer(text):
        day, month, year = int(m.group("d")), int(m.group("mo")), m.group("y")
        if not 1 <= month <= 12:
            continue
        if year:
            full = int(year) + (2000 if len(year) == 2 else 0)
            add(m, 0, _make_date(full, month, day))
        else:
            add(m, 0, _without_year(today, month, day))
    day_of_month = list(_DAY_OF_MONTH.finditer(text))
    if expect == "date":
        day_of_month += list(_DAY_ALONE.finditer(text))
    for m in day_of_month:
        day = _day_number(m)
        if day is None:
            continue
        date = _make_date(today.year, today.month, day)
        if date is None or date < today:
            month = today.month % 12 + 1
            date = _make_date(today.year + (month == 1), month, day)
        add(m, 0, date)
    for m in _IN.finditer(text):
        n = int(m.group("n")) if m.group("n") else 1
        unit = "день" if m.group("u") == "денек" else m.group("u")
        parsed = _dateparser(f"через {n} {unit}" if unit != "полчаса" else "через полчаса", now)
        if parsed is None:
            continue
        moment, period = parsed
        at = moment.time().replace(second=0, microsecond=0) if period == "time" else None
        add(m, 1, moment.date(), time=at)
    for m in _RELATIVE.finditer(text):
        days = _RELATIVE_DAYS[re.sub(r"\s+", " ", m.group("w"))]
        add(m, 2, today + dt.timedelta(days=days))
    if not any(c.rank == 0 for c in found):
        for m in _WEEKDAY.finditer(text):
            wd = next(n for stem, n in _WEEKDAYS if m.group("wd").startswith(stem))
            ahead = (wd - today.weekday()) % 7
            doubtful = ahead == 0 or (m.group("mod") or "").startswith("след")
            add(m, 3, today + dt.timedelta(days=ahead or 7), doubtful=doubtful)
    for m in _WEEKEND.finditer(text):
        add(m, 4, today + dt.timedelta(days=(5 - today.weekday()) % 7))
    for m in _NEXT_WEEK.finditer(text):
        add(m, 5, today + dt.timedelta(days=7 - today.weekday()), doubtful=True)
    return found


def _about_calls(text: str, start: int, end: int) -> bool:
    """ "звоните после 18" is about calling the customer, not about the installation."""
    left = max((text.rfind(ch, 0, start) for ch in ",.;!?\n"), default=-1)
    rights = [i for i in (text.find(ch, end) for ch in ",.;!?\n") if i != -1]
    clause = text[left + 1 : min(rights, default=len(text))]
    return bool(_CALLS.search(clause))


def _pick(cands: list[_Candidate], text: str) -> _Candidate | None:
    live = [
        c
        for c in cands
        if not _refused(text, c.start, c.end) and not _about_calls(text, c.start, c.end)
    ]
    return min(live, key=lambda c: (c.rank, c.start)) if live else None


def _time_of_day(clock: _Candidate | None, part: _Candidate | None) -> dt.time | None:
    """A clock time, qualified by a part of day said next to it; else the part of day's time.

    "вечером в 7" is 19:00 and "днём в 3" 15:00, while "утром в 10" stays 10:00.
    """
    if clock is None or clock.time is None:
        return part.time if part is not None else None
    time = clock.time
    if part is None or min(abs(part.start - clock.end), abs(clock.start - part.end)) >= 15:
        return time
    later = part.part_of_day in _LATER and time.hour < 12
    if later and (part.part_of_day != "day" or time.hour < 8):
        time = time.replace(hour=time.hour + 12)
    return time


def find_date_time(
    text: str, now: dt.datetime, catalog: Catalog, expect: Expect | None = None
) -> FoundDateTime:
    """Date and time in `text` (folded, other slots masked); `now` is aware, local."""
    found = FoundDateTime()
    fixed = _fix_typos(_blank(text, [m.span() for m in _GREETING.finditer(text)]))
    t = numerals(fixed.text)

    clocks = _times(t)
    if expect == "time" and not clocks and (m := _BARE_TIME.match(t)):
        hour = _qualified(int(m.group("h")), m.group("q"))
        at = dt.time(hour, int(m.group("m") or 0))
        clocks.append(_Candidate(m.start(), m.end(), 0, time=at))
    parts = _parts_of_day(_blank(t, [(c.start, c.end) for c in clocks]))
    time = _time_of_day(_pick(clocks, t), _pick(parts, t))

    used = [(c.start, c.end) for c in clocks + parts]
    dates = _dates(_blank(t, used), now, expect)
    day = _pick(dates, t)
    if day is not None:
        found.date = day.date
        time = time or day.time  # "через 2 часа"
        if day.doubtful:
            found.doubtful.append("date")
    found.time = f"{time:%H:%M}" if time is not None else None
    found.spans = [fixed.span(a, b) for a, b in used + [(c.start, c.end) for c in dates]]
    found.problems = check(found.date, time, now, catalog)
    return found


def check(
    date: dt.date | None, time: dt.time | None, now: dt.datetime, catalog: Catalog
) -> list[Problem]:
    """What is wrong with a proposed date/time: past, too far ahead, outside working hours."""
    problems: list[Problem] = []
    today = now.date()
    if date is not None:
        if date < today:
            problems.append(Problem(slot="date", code="past", value=date.isoformat()))
        elif date > today + dt.timedelta(days=catalog.hours.max_days_ahead):
            problems.append(Problem(slot="date", code="too_far", value=date.isoformat()))
    if time is not None:
        label = f"{time:%H:%M}"
        if not catalog.hours.contains(time):
            problems.append(Problem(slot="time", code="outside_hours", value=label))
        elif date == today and time <= now.time():
            problems.append(Problem(slot="time", code="past", value=label))
    return problems


def parse_date_time(
    s: str, now: dt.datetime, catalog: Catalog
) -> tuple[dt.date | None, str | None, list[Problem]]:
    """Date, time ("HH:MM") and problems in `s` (`завтра в 10`, `2026-12-03`, `18:00`).

    For values an LLM proposes; never raises.
    """
    try:
        found = find_date_time(fold(s), now, catalog)
    except (ValueError, OverflowError):
        return None, None, []
    return found.date, found.time, found.problems
