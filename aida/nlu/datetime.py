"""Installation date and time, relative to `now` in the provider's time zone.

The layer the research note (section 3.3) asks for, with its own calendar arithmetic: typos of
date words fixed first (`завтро`, `в суботу`); numbers in words turned into digits by
`aida.nlu.numbers` (`двадцать второго` → 22, never 2); clock times and parts of day read by
rules and removed before any date parsing (so `в 10 часов` is never "10 hours from now" and
`3 декабря в 10` never the year 2110); days and months (`3 декабря`, `22.01`, `22/01`,
`22 янв`, `на 3-е`), weekdays, weekends, `N числа`, `через N дней/суток/недель/месяцев`,
`N дней назад`, holidays (`после нового года`, `после праздников`) read by the layer's own
patterns, never by a library guessing over the whole message.

Conventions (the contract's, then the research note's): утром 09:00, днём 13:00, после обеда
14:00, вечером 18:00, в полдень 12:00; `к H`/`в H`/`после H` = H:00, `с H до H` = the start;
an hour said without `утра`/`вечера` is read inside the working hours (`в 3` is 15:00, `в 10`
is 10:00); a weekday is its next occurrence (the same weekday said on that day means a week
later, and is marked doubtful), `в прошлую среду` the last one; `на выходных` = the coming
Saturday; a day and month without a year that has passed this year means next year. A time
alone gives no date: the date is then whatever the conversation already has. Past dates,
times outside working hours and dates too far ahead are kept and reported, never moved.

The rule above all: no silent wrong value. What is read only in part (half of a compound
number, a month word repaired from a typo, a bare number that could be a day or an hour, an
hour whose other reading is just outside the working hours, a holiday phrase) is returned
with the slot in `doubtful`, so the schedule step reads it back before it counts.

Cost: a fixed set of regex passes and one look-up per word, linear in the message.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice

from rapidfuzz import fuzz, process

from aida.catalog import Catalog
from aida.catalog.models import Hours
from aida.nlu import morph
from aida.nlu.numbers import read_number, to_digits
from aida.nlu.text import MOST_MATCHES, NUMBER, Family, fold, word_list
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


_MONTH_WORDS = frozenset(_MONTHS_GEN)


@dataclass(frozen=True)
class _Fixed:
    text: str
    origin: list[int] | None  # origin[i]: index in the input of character i; None: the same
    months: list[tuple[int, int]]  # spans in `text` of month words repaired from a typo

    def span(self, a: int, b: int) -> tuple[int, int]:
        if self.origin is None:
            return a, b
        return self.origin[a], self.origin[b - 1] + 1


@lru_cache(maxsize=4096)
def _repair(word: str) -> str:
    """A misspelt date word (unknown to the dictionary, 5+ letters, ≥80% similar) corrected."""
    if len(word) < 5 or morph.is_known(word):
        return word
    best = process.extractOne(word, _VOCABULARY, scorer=fuzz.ratio, score_cutoff=80)
    if best and abs(len(best[0]) - len(word)) <= 1:
        return str(best[0])
    return word


def _fix_typos(text: str) -> _Fixed:
    fixes = [
        (m, fixed)
        for m in _WORDS.finditer(text)
        if len(m.group()) >= 5 and (fixed := _repair(m.group())) != m.group()
    ]
    if not fixes:  # the usual case: nothing to map back
        return _Fixed(text, None, [])
    out: list[str] = []
    origin: list[int] = []
    months: list[tuple[int, int]] = []
    pos = size = 0
    for m, fixed in fixes:
        gap = text[pos : m.start()]
        out.append(gap)
        origin.extend(range(pos, m.start()))
        size += len(gap)
        if fixed in _MONTH_WORDS:
            months.append((size, size + len(fixed)))
        out.append(fixed)
        # a corrected word maps onto the span of the word it replaces
        origin.extend(min(m.start() + i, m.end() - 1) for i in range(len(fixed)))
        size += len(fixed)
        pos = m.end()
    out.append(text[pos:])
    origin.extend(range(pos, len(text)))
    return _Fixed("".join(out), origin, months)


# -- times -------------------------------------------------------------------------------
_H = r"(?:[01]?\d|2[0-3])"


def _qual(group: str) -> str:
    """`утра`/`дня`/`вечера` after an hour, captured under `group`."""
    return rf"(?P<{group}>утра|утром|дня|днем|вечера|вечером|ночи)"


_QUAL = _qual("q")
_HOURS_WORD = r"(?:ч\.?(?![а-я])|час(?:а|ов|ам|ик\w*)?(?![а-я]))"
# Words after a number that make it a count or a date, not a clock time.
_MONTH_START = r"(?:янв|фев|мар|апр|ма[йя]|июн|июл|авг|сен|окт|ноя|дек)"
_NOT_AN_HOUR = re.compile(
    r"\s*(?:числ|этаж|подъезд|раз(?![а-я])|раза|комнат|дн|день|недел|месяц|минут|камер|шт|"
    rf"человек|квартир|рубл|руб|р\b|мбит|мегабит|метр|лет|год|процент|{_MONTH_START}|"
    r"[./]\d|назад|сут(?:ки|ок)|-?(?:й|го|е|ое|ого)(?![а-я])|"
    # «с 13 по 15 июля»: a range of days
    rf"(?:по|до|-|–|—)\s*\d{{1,2}}(?:-?[а-я]+)?\s+{_MONTH_START})"
)
_RANGE = re.compile(
    rf"(?<![\w-])(?:с|c|между)\s+(?P<h>{_H})(?:[:.](?P<m>[0-5]\d))?\s*{_HOURS_WORD}?\s*"
    rf"(?:до|по|и|-|–|—)\s*(?P<h2>{_H})(?!\d)(?:[:.][0-5]\d)?(?:\s*{_HOURS_WORD})?(?:\s+{_QUAL})?"
    rf"|(?<![\w-])(?:в|к|на|около)\s+(?P<h3>{_H})(?::(?P<m3>[0-5]\d))?\s*[-–—]\s*{_H}(?!\d)"
    rf"(?::[0-5]\d)?(?:\s*{_HOURS_WORD})?(?:\s+{_qual('q3')})?"
    rf"|(?<![\d.:])(?P<h4>{_H}):(?P<m4>[0-5]\d)\s*[-–—]\s*{_H}:[0-5]\d"
)
_CLOCK = re.compile(
    rf"(?<![\d.:])(?P<h>{_H}):(?P<m>[0-5]\d)(?![\d:])(?:\s+{_QUAL})?"
    rf"|(?<![\w-])(?:в|к|около|после)\s+(?P<h2>{_H})\.(?P<m2>[0-5]\d)(?![\d.])"
    rf"(?:\s+{_qual('q2')})?"
    rf"|(?<![\w-])(?P<h3>{_H})\s*ч\.?\s*(?:(?P<m3>[0-5]?\d)\s*мин\w*|(?P<m5>[0-5]\d)(?![\d:.]))"
    # «в 5 30», «в 17-30»: an hour and its minutes without a colon
    rf"|(?<![\w-])(?:в|к|около|после)\s+(?P<h6>{_H})(?:\s+|-)(?P<m6>[0-5]\d)(?![\d.:])"
    rf"(?:\s+{_qual('q6')})?"
    # "9.30" with no preposition: a time only when it cannot be a day and month
    rf"|(?<![\d.:/-])(?P<h4>{_H})\.(?P<m4>1[3-9]|[2-5]\d|00)(?![\d.])"
)
_AT_HOUR = re.compile(
    rf"(?<![\w-])(?:(?:часов|часиков|часам|часа)\s+)?(?P<p>в|к|около|после|на|с)\s+"
    rf"(?P<n>{NUMBER})(?P<w>\s*{_HOURS_WORD})?(?:\s+{_QUAL})?"
)
_HOUR_QUAL = re.compile(
    rf"(?<![\w.:-])(?P<n>{NUMBER})(?P<hw>\s*{_HOURS_WORD})?\s+{_QUAL}"
    rf"|(?<![\w.:-])(?P<n2>{NUMBER})\s*{_HOURS_WORD}"
)
_AT_ONE = re.compile(r"(?<![\w-])(?<!раз )(?:в|к|около|после)\s+час(?![а-я])(?!\s+ночи)(?:\s+дня)?")
_NO_CLOCK_BEFORE = re.compile(r"(?:через|спустя|за|на|течение|около)\s*$")
# Ordinals arrive as digits (`aida.nlu.numbers.to_digits`): «первой половине» is «1-й половине».
# Spans of several hours that name no time («до обеда», «в первой половине дня»): their start,
# read back, since customers who say them often mean a later hour.
_SPANS_OF_DAY: list[tuple[re.Pattern[str], dt.time, str]] = [
    (re.compile(r"(?:в\s+)?1-й\s+половине\s+дня"), dt.time(9), "morning"),
    (re.compile(r"(?:во\s+)?2-й\s+половине\s+дня"), dt.time(14), "afternoon"),
    (re.compile(r"(?<![\w-])до\s+обеда"), dt.time(9), "morning"),
    # «к обеду»: by lunch, so before it; read back
    (re.compile(r"(?<![\w-])к\s+обеду"), dt.time(12), "day"),
]
_PARTS_OF_DAY: list[tuple[re.Pattern[str], dt.time, str]] = [
    *_SPANS_OF_DAY,
    (re.compile(r"после\s*обеда|после\s+обед(?![а-я])"), dt.time(14), "afternoon"),
    (re.compile(r"(?<![\w-])(?:в|к)\s+полдень|(?<![\w-])полдень"), dt.time(12), "noon"),
    (re.compile(r"(?<![\w-])(?:в\s+обед|в\s+обеденное\s+время)"), dt.time(13), "day"),
    (
        re.compile(
            r"(?<![\w-])(?:ближе\s+к\s+вечеру|под\s+вечер|к\s+вечеру|вечером|вечерком|"
            r"на\s+вечер|вечер)(?![\w-])"
        ),
        dt.time(18),
        "evening",
    ),
    (
        re.compile(
            r"(?<![\w-])(?:с\s+утра|с\s+утречка|утром|утречком|на\s+утро|утро|утра)(?![\w-])"
        ),
        dt.time(9),
        "morning",
    ),
    (re.compile(r"(?<![\w-])(?:днем|в\s+течение\s+дня)(?![\w-])"), dt.time(13), "day"),
]
_LATER = ("afternoon", "evening", "day")  # parts of day that make "в 3" mean 15:00
_GREETING = re.compile(
    r"(?<![\w-])(?:добр\w*|хорош\w*|всего\s+добр\w*|спокойной)\s+"
    r"(?:утро|утра|утречко|день|дня|денек|вечер|вечера|вечерок|ночи|ночь|времени\s+суток)"
    r"(?![\w-])"
)
# «полдесятого» (09:30), «в половине третьего» (02:30 → 14:30 in working hours).
_HALF_PAST = re.compile(
    r"(?<![\w-])(?:в\s+)?(?:половин[аеуы]\s+|пол-?\s*)(?:(?P<n>\d{1,2})-(?:го|й)|(?P<w>[а-я]+))"
)
# «без четверти пять» (04:45), «без десяти шесть» (05:50).
_TO_HOUR = re.compile(
    rf"(?<![\w-])(?:в\s+)?без\s+(?:(?P<q>четверти)|(?P<m>{NUMBER})(?:\s*минут\w*)?)\s+"
    rf"(?P<h>{NUMBER})(?:\s*{_HOURS_WORD})?"
)


def _qualified(hour: int, qual: str | None) -> int:
    """`7 вечера` → 19, `3 дня` → 15, `10 ночи` → 22, `12 ночи` → 0; other hours as said."""
    if qual in ("вечера", "вечером") and hour < 12:
        return hour + 12
    if qual in ("дня", "днем") and hour < 8:
        return hour + 12
    if qual == "ночи" and hour == 12:
        return 0
    if qual == "ночи" and 9 <= hour < 12:  # «в 10 ночи» is 22:00; «в 2 ночи» 02:00
        return hour + 12
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
_DAY_NUMBER = r"(?:[012]?\d|3[01])"
# A day in digits, maybe with an ordinal ending: «3», «3-е», «3го», «22-й» (from words).
_DAY = rf"(?P<d>{_DAY_NUMBER})(?:-?(?:го|е|ое|ого|й|ье|ьего))?"
_YEAR = r"(?:\s*,?\s*(?P<y>\d{4})\s*(?:г\.?|года?)?)?"
_DAY_MONTH = re.compile(rf"(?<![\w.:-]){_DAY}\s*(?:числа\s+)?{_MONTH}{_YEAR}")
# «с 13 по 15 июля», «13 - 15 июля»: the first day of the range.
_DAY_RANGE = re.compile(
    rf"(?<![\w.:-])(?:с\s+)?{_DAY}\s*(?:по|до|-|–|—)\s*{_DAY_NUMBER}(?:-?(?:го|е|ое))?\s+"
    rf"{_MONTH}{_YEAR}"
)
_ISO = re.compile(r"(?<![\d-])(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})(?!\d)")
_NUMERIC = re.compile(
    r"(?<![\d.:/-])(?P<d>\d{1,2})[./](?P<mo>\d{1,2})(?:[./](?P<y>\d{4}|\d{2}))?\.?"
    r"(?![\d:]|[./]\d)"
)
_DAY_OF_MONTH = re.compile(rf"(?<![\w.:-]){_DAY}\s+числ[ауо](?![а-я])")
# «на 3-е», «на двадцать второе»: a day of this or next month (the ending makes it a day).
_ON_DAY = re.compile(
    rf"(?<![\w-])на\s+(?P<d>{_DAY_NUMBER})-?(?:е|ое|го|ого|й)(?![\w-])"
    r"(?!\s*(?:этаж|подъезд|квартир|месте|неделе|раз))"
)
# «десятого», «22-го»: a day in the genitive is a date («10-го этажа» is not).
_DAY_GENITIVE = re.compile(
    rf"(?<![\w.:/-])(?P<d>{_DAY_NUMBER})-?(?:го|ого)(?![\w-])"
    r"(?!\s*(?:этаж|подъезд|квартир|дом|корпус|класс|курс|раз|год|час|окн|мест|уровн|числ))"
)
_DAY_ALONE = re.compile(rf"^\W*(?:на\s+)?(?P<d>{_DAY_NUMBER})-?(?:го|е|ое|й)\W*$")
_NUMBER_ALONE = re.compile(rf"^\W*(?:на\s+)?(?P<d>{_DAY_NUMBER})\W*$")
# Tens just before a day of 1–9: «двадцать, второго» is half of a compound read apart.
_TENS_BEFORE = re.compile(r"(?<![\d.:/-])[23]0[\s,.-]*$")
_RELATIVE = re.compile(
    r"(?<![\w-])(?P<w>послепослезавтра|послезавтра|после\s+завтра|завтра|сегодня|седня|"
    r"позавчера|позапозавчера|вчера)(?![\w-])"
)
_RELATIVE_DAYS = {
    "послепослезавтра": 3,
    "послезавтра": 2,
    "после завтра": 2,
    "завтра": 1,
    "сегодня": 0,
    "седня": 0,
    "вчера": -1,
    "позавчера": -2,
    "позапозавчера": -3,
}
_UNIT = (
    r"(?P<u>сутки|суток|дн(?:я|ей)|день|денек|д\.?|недел[юиь]\w*|нед\.?|месяц\w*|мес\.?|"
    r"год|года|лет|полгода|час(?:а|ов|ик\w*)?|ч\.?|полчаса|минут\w*|мин\.?)(?![\w-])"
)
_IN = re.compile(
    rf"(?<![\w-])(?:через|спустя)\s+(?:(?P<n>{NUMBER})(?P<alt>\s*(?:-|–|—|или)\s*\d+)?\s*)?{_UNIT}"
)
_AGO = re.compile(rf"(?<![\w-])(?:(?P<n>{NUMBER})\s*)?{_UNIT}\s+назад(?![\w-])")
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
    r"(?<![\w-])(?:(?P<mod>эт[уоа]т?|ближайш\w*|следующ\w*|след\.?|будущ\w*|прошл\w*|"
    r"прошедш\w*)\s+)?"
    r"(?P<wd>понедельник\w*|вторник\w*|сред[уаы]|четверг\w*|пятниц\w*|суббот\w*|"
    r"воскресень\w*|воскресени\w*|пнд|пн|вт|срд|ср|чтв|чт|птн|пт|сбт|сб|вск|вс)\.?(?![\w-])"
)
# «пн», «вс»: a weekday only with something of a date around it (a preposition before, a time
# after, a modifier) or alone.
_ABBREVIATION = 3
_DATE_BEFORE = re.compile(r"(?:^|(?<![\w-])(?:в|во|на|до|к|с|по|и|или|кроме))[\s,]*$")
_DATE_AFTER = re.compile(r"\.?[\s,]*(?:\d|в\s+\d|к\s+\d|утр|веч|дн[её]м|после|с\s+\d|$)")


def _dated(text: str, m: re.Match[str]) -> bool:
    return bool(m.group("mod") or _DATE_BEFORE.search(text[max(0, m.start() - 8) : m.start()])
                or _DATE_AFTER.match(text, m.end()))


_WEEKEND = re.compile(
    r"(?<![\w-])(?:на|в)\s+(?:эти\s+|этих\s+|ближайшие\s+|ближайших\s+)?выходн\w*"
)
_NEXT_WEEK = re.compile(r"(?<![\w-])(?:на\s+)?(?:следующей|след\.?|будущей)\s+неделе(?![\w-])")
_AFTER_WEEKEND = re.compile(r"(?<![\w-])после\s+выходных(?![\w-])")
_AFTER_DATE = re.compile(r"(?<![\w-])после\s*$")
_THIS_WEEK = re.compile(r"(?<![\w-])на\s+этой\s+неделе(?![\w-])")
_LAST_WEEK = re.compile(r"(?<![\w-])на\s+прошлой\s+неделе(?![\w-])")
# Russian public holidays (Labour Code, art. 112): the New Year run and single days.
_HOLIDAY_RUNS = (
    (1, 1, 1, 8),
    (2, 23, 2, 23),
    (3, 8, 3, 8),
    (5, 1, 5, 1),
    (5, 9, 5, 9),
    (6, 12, 6, 12),
    (11, 4, 11, 4),
)
_AFTER_NEW_YEAR = re.compile(
    r"(?<![\w-])после\s+(?:(?:нового\s+года|нг|новогодних(?:\s+праздников|\s+каникул)?|"
    r"новогодних\s+каникул|нового\s+года\s+праздников))(?![\w-])"
)
_AFTER_HOLIDAYS = re.compile(
    r"(?<![\w-])(?:после|по\s+окончании)\s+(?:праздников|праздничных(?:\s+дней)?|"
    r"майских|каникул)(?![\w-])"
)
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
# The patterns each reader below scans, as a family: a message none of them can match skips
# the reader. (`digits`: the patterns that need a digit, which a test checks.)
TIME_FAMILY = Family(digits=[_TO_HOUR, _RANGE, _CLOCK, _AT_HOUR, _HOUR_QUAL],
                     words=[_HALF_PAST, _AT_ONE])
PART_OF_DAY_FAMILY = Family(words=[rx for rx, _, _ in _PARTS_OF_DAY])
DATE_FAMILY = Family(digits=[_ISO, _DAY_RANGE, _DAY_MONTH, _NUMERIC, _DAY_OF_MONTH, _ON_DAY,
                             _DAY_GENITIVE],
                     words=[_IN, _AGO, _AFTER_NEW_YEAR, _AFTER_HOLIDAYS, _AFTER_WEEKEND,
                            _RELATIVE, _WEEKDAY, _WEEKEND, _NEXT_WEEK])
_CLAUSE_REACH = 120  # how far a clause is searched around a candidate (keeps the cost linear)


@dataclass
class _Candidate:
    start: int
    end: int
    rank: int  # lower wins when several candidates are found
    date: dt.date | None = None
    time: dt.time | None = None
    doubtful: bool = False
    part_of_day: str | None = None
    # an hour said without утра/вечера, one digit (`в 3`, `полпятого`): read inside the hours
    flexible: bool = False
    # «с 8», «после 8»: from that hour on, so the opening hour when that is earlier
    since: bool = False


@dataclass
class FoundDateTime:
    date: dt.date | None = None
    time: str | None = None  # "HH:MM"
    problems: list[Problem] = field(default_factory=list)
    doubtful: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)


def _first(rx: re.Pattern[str], text: str, *needles: str) -> Iterator[re.Match[str]]:
    """The first matches of `rx`: a chat message has a handful, and a pasted text with
    thousands must not cost thousands of candidates (the scan itself stays linear). With
    `needles`, a text holding none of them (each a word `rx` needs) is not scanned at all."""
    if needles and not any(n in text for n in needles):
        return iter(())
    return islice(rx.finditer(text), MOST_MATCHES)


# Before the day that is chosen among two: «давайте в субботу», «лучше в понедельник».
_CHOSEN = re.compile(r"(?<![\w-])(?:давайте|давай|лучше|тогда|запишите|пусть\s+будет|можно)"
                     r"[\s,]+(?:\w+\s+)?$")
_CHOSEN_REACH = 25


def _refused(text: str, start: int, end: int) -> bool:
    """ "не завтра", "завтра не могу": the customer rules this one out."""
    return bool(
        _REFUSED_BEFORE.search(text[max(0, start - 8) : start])
        or _REFUSED_AFTER.match(text[end : end + 30])
    )


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with `spans` replaced by spaces, in one pass (linear in the text)."""
    if not spans:
        return text
    chars = list(text)
    for a, b in spans:
        chars[a:b] = " " * (b - a)
    return "".join(chars)


class _Spans:
    """Spans already taken, for overlap checks in constant time per candidate."""

    def __init__(self, size: int) -> None:
        self.taken = bytearray(size + 1)

    def free(self, a: int, b: int) -> bool:
        return not any(self.taken[a:b])

    def take(self, a: int, b: int) -> None:
        self.taken[a:b] = b"\x01" * (b - a)


# A letter right after the number makes it a name («доступ к 1С», «к 3G»), unless it is the
# number's own ending written in letters («к 10ти», «в 5ть»).
_GLUED = re.compile(r"(?!(?:ти|и|ть|ми)(?![а-я]))[а-яa-z]")


def _hour_ok(text: str, m: re.Match[str], hour: int) -> bool:
    """A number is a clock hour unless it is too big, a count (`в 2 раза`), a span or part
    of a name (`1С`)."""
    if hour > 23:
        return False
    if _NOT_AN_HOUR.match(text, m.end()) or _GLUED.match(text, m.end()):
        return False
    return not _NO_CLOCK_BEFORE.search(text[max(0, m.start() - 12) : m.start()])


def _flexible(digits: str, qual: str | None) -> bool:
    """`в 3`, `к 5`: one digit, no `утра`/`вечера`; `03:00` and `7 вечера` are as said."""
    return qual is None and len(digits) == 1 and 1 <= int(digits) <= 11


def _ordinal_hour(m: re.Match[str]) -> int | None:
    """The hour an ordinal names in «полдесятого» / «в половине 3-й»: the one before it."""
    if m.group("n"):
        value = int(m.group("n"))
    else:
        n = read_number(m.group("w"))
        if n is None or not n.ordinal or n.end != len(m.group("w")):
            return None
        value = n.value
    return value - 1 if 1 <= value <= 12 else None


def _times(text: str) -> list[_Candidate]:
    found: list[_Candidate] = []
    if not TIME_FAMILY.may_match(text):
        return found
    taken = _Spans(len(text))

    def add(m: re.Match[str], hour: int, minute: int, rank: int, flexible: bool,
            since: bool = False) -> None:
        if not taken.free(m.start(), m.end()):
            return
        taken.take(m.start(), m.end())
        at = dt.time(hour % 24, minute)
        found.append(_Candidate(m.start(), m.end(), rank, time=at, flexible=flexible,
                                since=since))

    for m in _first(_HALF_PAST, text, "пол"):
        hour = _ordinal_hour(m)
        if hour is not None:
            add(m, hour, 30, 0, flexible=True)  # «полпервого» is 12:30
    for m in _first(_TO_HOUR, text, "без"):
        hour, minutes = int(m.group("h")), 15 if m.group("q") else int(m.group("m"))
        if 1 <= hour <= 12 and 1 <= minutes < 60:
            add(m, hour - 1, 60 - minutes, 0, flexible=True)
    for m in _first(_RANGE, text):
        if _NOT_AN_HOUR.match(text, m.end()):
            continue  # «с 13 по 15 июля» is a range of days
        if m.group("h") is not None:
            h, minute, q = m.group("h"), int(m.group("m") or 0), m.group("q")
        elif m.group("h3") is not None:
            h, minute, q = m.group("h3"), int(m.group("m3") or 0), m.group("q3")
        else:
            h, minute, q = m.group("h4"), int(m.group("m4")), None
        add(m, _qualified(int(h), q), minute, 0, _flexible(h, q))
    for m in _first(_CLOCK, text):
        for h, mi, q in (
            ("h", "m", "q"),
            ("h2", "m2", "q2"),
            ("h3", "m3", None),
            ("h3", "m5", None),
            ("h4", "m4", None),
            ("h6", "m6", "q6"),
        ):
            if h == "h6" and _NOT_AN_HOUR.match(text, m.end()):
                break  # «в 3 15 декабря»: an hour, then a date
            if m.group(h) is not None and m.group(mi) is not None:
                qual = m.group(q) if q else None
                hour = _qualified(int(m.group(h)), qual)
                add(m, hour, int(m.group(mi)), 1, _flexible(m.group(h), qual))
                break
    for m in _first(_AT_ONE, text, "час"):
        add(m, 13, 0, 2, flexible=False)
    for m in _first(_AT_HOUR, text):
        said_hour = m.group("w") or m.group("q")
        if m.group("p") in ("на", "около") and not said_hour:
            continue  # "на 2" is a count; "на 10 утра" is a time
        hour = int(m.group("n"))
        if _hour_ok(text, m, hour):
            add(m, _qualified(hour, m.group("q")), 0, 2, _flexible(m.group("n"), m.group("q")),
                since=m.group("p") in ("с", "после"))
    for m in _first(_HOUR_QUAL, text):
        digits = m.group("n") or m.group("n2")
        hour = int(digits)
        if m.group("q") in ("дня", "днем") and not m.group("hw"):
            continue  # «нужно 3 дня» is three days; «в 3 дня» is read above
        if _hour_ok(text, m, hour):
            qual = m.group("q")
            add(m, _qualified(hour, qual), 0, 3, _flexible(digits, qual))
    return found


def _parts_of_day(text: str) -> list[_Candidate]:
    found: list[_Candidate] = []
    if not PART_OF_DAY_FAMILY.may_match(text):
        return found
    taken = _Spans(len(text))
    for rx, at, kind in _PARTS_OF_DAY:
        vague = any(rx is span for span, _, _ in _SPANS_OF_DAY)
        for m in _first(rx, text):
            if taken.free(m.start(), m.end()):
                taken.take(m.start(), m.end())
                found.append(
                    _Candidate(m.start(), m.end(), 4, time=at, part_of_day=kind, doubtful=vague)
                )
    return found


def _month(word: str) -> int:
    return next(n for stem, n in _MONTH_STEMS if word.startswith(stem))


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


def _day_of_month(today: dt.date, day: int) -> dt.date | None:
    """A day with no month: this month's, or next month's once it has passed."""
    date = _make_date(today.year, today.month, day)
    if date is None or date < today:
        month = today.month % 12 + 1
        date = _make_date(today.year + (month == 1), month, day)
    return date


def _add_months(date: dt.date, months: int) -> dt.date:
    index = date.year * 12 + date.month - 1 + months
    year, month = divmod(index, 12)
    for day in range(date.day, 27, -1):  # 31 January + 1 month = 28/29 February
        if (moved := _make_date(year, month + 1, day)) is not None:
            return moved
    return dt.date(year, month + 1, min(date.day, 28))


def _shifted(now: dt.datetime, n: int, unit: str) -> tuple[dt.date, dt.time | None] | None:
    """`now` moved by `n` units (negative: back); a time only for hours and minutes."""
    if unit in ("полчаса", "полгода"):
        n, unit = (30, "минут") if unit == "полчаса" else (6, "месяц")
    if unit.startswith(("ч", "мин")):
        if abs(n) > 24 * 60 * 400:
            return None
        minutes = n * 60 if unit.startswith("ч") else n
        moment = now + dt.timedelta(minutes=minutes)
        return moment.date(), moment.time().replace(second=0, microsecond=0)
    if abs(n) > 1000:  # «через 99999 лет»: not a booking
        return None
    today = now.date()
    if unit.startswith(("мес", "год", "лет")):
        months = n if unit.startswith("мес") else 12 * n
        return _add_months(today, months), None
    days = 7 * n if unit.startswith("нед") else n
    return today + dt.timedelta(days=days), None


def _holiday_runs(year: int) -> list[tuple[dt.date, dt.date]]:
    return [(dt.date(year, m1, d1), dt.date(year, m2, d2)) for m1, d1, m2, d2 in _HOLIDAY_RUNS]


def _after_holidays(today: dt.date) -> dt.date:
    """The day after the holiday run going on now or coming next."""
    runs = _holiday_runs(today.year) + _holiday_runs(today.year + 1)
    return next(end for start, end in runs if end >= today) + dt.timedelta(days=1)


def _after_new_year(today: dt.date) -> dt.date:
    """The first day after the New Year holidays (1–8 January): this January's or next."""
    end = _holiday_runs(today.year)[0][1]
    if today <= end:
        return end + dt.timedelta(days=1)
    return _holiday_runs(today.year + 1)[0][1] + dt.timedelta(days=1)


def _dates(
    text: str, now: dt.datetime, expect: Expect | None, months_fixed: list[tuple[int, int]]
) -> list[_Candidate]:
    today = now.date()
    found: list[_Candidate] = []
    if expect != "date" and not DATE_FAMILY.may_match(text):
        return found
    taken = _Spans(len(text))

    def add(m: re.Match[str], rank: int, date: dt.date | None, **kw: object) -> None:
        if date is None or not taken.free(m.start(), m.end()):
            return
        taken.take(m.start(), m.end())
        found.append(_Candidate(m.start(), m.end(), rank, date=date, **kw))  # type: ignore[arg-type]

    def partial(m: re.Match[str]) -> bool:
        """Half of a compound read (`двадцать, второго`), or a month repaired from a typo."""
        if int(m.group("d")) < 10 and _TENS_BEFORE.search(text[max(0, m.start() - 16) : m.start()]):
            return True
        return any(a < m.end() and m.start() < b for a, b in months_fixed)

    for m in _first(_ISO, text):
        add(m, 0, _make_date(int(m.group("y")), int(m.group("mo")), int(m.group("d"))))
    for rx in (_DAY_RANGE, _DAY_MONTH):
        for m in _first(rx, text):
            day, month, year = int(m.group("d")), _month(m.group("mon")), m.group("y")
            date = _make_date(int(year), month, day) if year else _without_year(today, month, day)
            add(m, 0, date, doubtful=partial(m))
    for m in _first(_NUMERIC, text):
        day, month, year = int(m.group("d")), int(m.group("mo")), m.group("y")
        if not 1 <= month <= 12:
            continue
        if year:
            full = int(year) + (2000 if len(year) == 2 else 0)
            add(m, 0, _make_date(full, month, day))
        else:
            add(m, 0, _without_year(today, month, day))
    for rx in (_DAY_OF_MONTH, _ON_DAY, _DAY_GENITIVE):
        for m in _first(rx, text):
            add(m, 1, _day_of_month(today, int(m.group("d"))), doubtful=partial(m))
    if expect == "date":
        if m_alone := _DAY_ALONE.match(text):
            add(m_alone, 1, _day_of_month(today, int(m_alone.group("d"))))
        elif m_alone := _NUMBER_ALONE.match(text):
            # a bare number to «which day?»: probably the day of the month, but read back
            add(m_alone, 1, _day_of_month(today, int(m_alone.group("d"))), doubtful=True)
    for rx, sign, needles in ((_IN, 1, ("через", "спустя")), (_AGO, -1, ("назад",))):
        for m in _first(rx, text, *needles):
            unit = m.group("u")
            if sign < 0 and unit.startswith(("ч", "мин", "полчаса")):
                continue  # «2 часа назад» is no date to book
            n = int(m.group("n")) if m.group("n") else 1
            shifted = _shifted(now, sign * n, "день" if unit in ("д", "д.") else unit)
            if shifted is not None:  # «через 2-3 дня»: the earliest, read back
                add(m, 1, shifted[0], time=shifted[1], doubtful=bool(m.groupdict().get("alt")))
    # «после праздников, числа 12-го»: a day of the month said with it is the day meant
    for m in _first(_AFTER_NEW_YEAR, text, "после"):
        add(m, 2, _after_new_year(today), doubtful=True)
    for m in _first(_AFTER_HOLIDAYS, text, "после", "окончании"):
        add(m, 2, _after_holidays(today), doubtful=True)
    for m in _first(_AFTER_WEEKEND, text, "после"):
        add(m, 1, today + dt.timedelta(days=7 - today.weekday()))
    for m in _first(_RELATIVE, text):
        days = _RELATIVE_DAYS[" ".join(m.group("w").split())]
        # (after midnight in a conversation begun the day before, the brain reads it back)
        add(m, 2, today + dt.timedelta(days=days))
    if not any(c.rank == 0 for c in found):
        monday = today - dt.timedelta(days=today.weekday())
        week = (
            monday + dt.timedelta(days=7)
            if _NEXT_WEEK.search(text)
            else monday - dt.timedelta(days=7)
            if _LAST_WEEK.search(text)
            else monday
            if _THIS_WEEK.search(text)
            else None
        )
        for m in _first(_WEEKDAY, text):
            if len(m.group("wd")) <= _ABBREVIATION and not _dated(text, m):
                continue  # «да вс верно»: «вс» is «всё» here, not Sunday
            wd = next(n for stem, n in _WEEKDAYS if m.group("wd").startswith(stem))
            mod = m.group("mod") or ""
            if mod.startswith("прош"):
                add(m, 3, today - dt.timedelta(days=(today.weekday() - wd) % 7 or 7))
            elif week is not None:  # «на следующей неделе в среду»
                add(m, 3, week + dt.timedelta(days=wd))
            else:
                ahead = (wd - today.weekday()) % 7
                doubtful = ahead == 0 or mod.startswith("след")
                add(m, 3, today + dt.timedelta(days=ahead or 7), doubtful=doubtful)
    for m in _first(_WEEKEND, text, "выходн"):
        add(m, 4, today + dt.timedelta(days=(5 - today.weekday()) % 7))
    for m in _first(_NEXT_WEEK, text, "недел"):
        add(m, 5, today + dt.timedelta(days=7 - today.weekday()), doubtful=True)
    _check_explicit(found, text)
    return found


def _check_explicit(found: list[_Candidate], text: str) -> None:
    """An explicit date next to a weekday that is not its own («в пятницу 5 декабря», a
    Saturday) is doubt; «после 10 декабря» is the day after, read back."""
    weekdays = [
        (m.start(), next(n for stem, n in _WEEKDAYS if m.group("wd").startswith(stem)))
        for m in _first(_WEEKDAY, text)
    ]
    for c in found:
        if c.rank != 0 or c.date is None:
            continue
        if any(abs(at - c.start) < 30 and wd != c.date.weekday() for at, wd in weekdays):
            c.doubtful = True
        if _AFTER_DATE.search(text[max(0, c.start - 10) : c.start]):
            c.date += dt.timedelta(days=1)
            c.doubtful = True


def _about_calls(text: str, start: int, end: int) -> bool:
    """ "звоните после 18" is about calling the customer, not about the installation."""
    lo, hi = max(0, start - _CLAUSE_REACH), min(len(text), end + _CLAUSE_REACH)
    left = max((text.rfind(ch, lo, start) for ch in ",.;!?\n"), default=-1)
    rights = [i for i in (text.find(ch, end, hi) for ch in ",.;!?\n") if i != -1]
    clause = text[max(left + 1, lo) : min(rights, default=hi)]
    return bool(_CALLS.search(clause))


def _pick(cands: list[_Candidate], text: str) -> _Candidate | None:
    """The best candidate the customer did not rule out (checked in order, cheapest first)."""
    for c in sorted(cands, key=lambda c: (c.rank, c.start)):
        if not _refused(text, c.start, c.end) and not _about_calls(text, c.start, c.end):
            return c
    return None


def _time_of_day(clock: _Candidate | None, part: _Candidate | None) -> tuple[dt.time | None, bool]:
    """A clock time, qualified by a part of day said next to it; else the part of day's time.

    "вечером в 7" is 19:00 and "днём в 3" 15:00, while "утром в 10" stays 10:00. The flag
    says whether the hour is still open to the working-hours reading (nothing qualified it).
    """
    if clock is None or clock.time is None:
        return (part.time if part is not None else None), False
    time = clock.time
    if part is None or min(abs(part.start - clock.end), abs(clock.start - part.end)) >= 15:
        return time, clock.flexible
    later = part.part_of_day in _LATER and time.hour < 12
    if later and (part.part_of_day != "day" or time.hour < 8):
        time = time.replace(hour=time.hour + 12)
    return time, False


def _inside_hours(time: dt.time, hours: Hours) -> tuple[dt.time, bool]:
    """`в 3` → 15:00, `в 10` → 10:00: the reading inside the working hours, and whether to
    read it back (both readings inside, or the other one just before opening: `в 8`)."""
    am, pm = time, time.replace(hour=time.hour + 12)
    am_in, pm_in = hours.contains(am), hours.contains(pm)
    if am_in and pm_in:
        return am, True
    if pm_in:
        opening = dt.datetime.combine(dt.date.min, hours.start)
        early = dt.datetime.combine(dt.date.min, am)
        return pm, dt.timedelta(0) < opening - early <= dt.timedelta(hours=1)
    return am, False


def find_date_time(
    text: str, now: dt.datetime, catalog: Catalog, expect: Expect | None = None
) -> FoundDateTime:
    """Date and time in `text` (folded, other slots masked); `now` is aware, local."""
    found = FoundDateTime()
    fixed = _fix_typos(_blank(text, [m.span() for m in _GREETING.finditer(text)]))
    t = to_digits(fixed.text.replace("：", ":"), ordinals=True)  # fold made digits ASCII

    clocks = _times(t)
    if expect == "time" and not clocks and (m := _BARE_TIME.match(t)):
        hour = _qualified(int(m.group("h")), m.group("q"))
        at = dt.time(hour, int(m.group("m") or 0))
        flexible = _flexible(m.group("h"), m.group("q"))
        clocks.append(_Candidate(m.start(), m.end(), 0, time=at, flexible=flexible))
    parts = _parts_of_day(_blank(t, [(c.start, c.end) for c in clocks]))
    clock, part = _pick(clocks, t), _pick(parts, t)
    time, flexible = _time_of_day(clock, part)
    if time is not None and flexible:
        time, unsure = _inside_hours(time, catalog.hours)
        if unsure:
            found.doubtful.append("time")
    if clock is None and part is not None and part.doubtful:
        found.doubtful.append("time")  # «до обеда»: from 09:00, but which hour?
    if clock is not None and clock.since and time is not None and time < catalog.hours.start:
        # «с утра, мы с 8 открыты»: from 8 on, so the opening hour; read back
        time = catalog.hours.start
        found.doubtful.append("time")

    used = [(c.start, c.end) for c in clocks + parts]
    try:
        dates = _dates(_blank(t, used), now, expect, fixed.months)
    except (OverflowError, ValueError):  # arithmetic past year 1 or 9999: no date to book
        dates = []
    day = _pick(dates, t)
    # (of the same kind as the one picked: «после праздников, числа 12-го» names one day)
    other_days = {c.date for c in dates if c.date is not None and c is not day
                  and day is not None and c.rank == day.rank and c.date != day.date
                  and not _refused(t, c.start, c.end) and not _about_calls(t, c.start, c.end)}
    if day is not None and other_days:
        # «в пятницу у нас заседание, давайте в субботу»: two days; the one chosen in words, if
        # any, and read back either way
        chosen = [c for c in dates if c.date is not None and c.rank == day.rank
                  and _CHOSEN.search(t[max(0, c.start - _CHOSEN_REACH) : c.start])]
        day = chosen[-1] if chosen else day
        found.doubtful.append("date")
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
