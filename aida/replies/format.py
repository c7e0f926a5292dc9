"""How money, dates, phones and counts look in the customer's Russian replies."""

from __future__ import annotations

import datetime as dt

import phonenumbers

from aida.catalog import Tariff

_MONTHS_GEN = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)
_WEEKDAYS = ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье")


def rub(amount: int) -> str:
    """`1490` → `1 490 ₽` (thousands separated by a space, as the provider writes prices)."""
    return f"{amount:,}".replace(",", " ") + " ₽"


def per_month(amount: int) -> str:
    return f"{rub(amount)}/мес"


def plural(n: int, one: str, few: str, many: str) -> str:
    """Russian plural form for n: 1 камера, 2 камеры, 5 камер."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def cameras(n: int) -> str:
    return f"{n} {plural(n, 'камера', 'камеры', 'камер')}"


def day_month(d: dt.date) -> str:
    return f"{d.day} {_MONTHS_GEN[d.month - 1]}"


def date_label(d: dt.date, today: dt.date) -> str:
    """`завтра, 28 ноября (суббота)`; the year only when it is not the current one."""
    text = day_month(d)
    if d.year != today.year:
        text += f" {d.year}"
    text += f" ({_WEEKDAYS[d.weekday()]})"
    delta = (d - today).days
    if delta == 0:
        return f"сегодня, {text}"
    if delta == 1:
        return f"завтра, {text}"
    if delta == 2:
        return f"послезавтра, {text}"
    return text


def phone(e164: str) -> str:
    """`+79991234567` → `+7 999 123-45-67`."""
    try:
        number = phonenumbers.parse(e164, "RU")
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def tariff_line(t: Tariff) -> str:
    """`Пакет Премиум — 250 Мбит/с, 1 490 ₽/мес`."""
    return f"{t.name} — {t.speed_mbps} Мбит/с, {per_month(t.price)}"


def bullets(lines: list[str]) -> str:
    return "\n".join(f"• {line}" for line in lines)
