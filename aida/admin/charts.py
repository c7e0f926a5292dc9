"""Charts as inline SVG, drawn on the server: no JavaScript, no CDN, readable without CSS.

Every chart has a <title> and text labels with the numbers, so it reads in a screen reader
and in a text browser too.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from aida.admin.report import DayRow, StepRow

BAR = "#2f6fde"
BAR_LIGHT = "#c9d8f5"
DROP = "#d9534f"
INK = "#1f2933"
MUTED = "#616e7c"

STEP_RU = {
    "tariff": "Тариф",
    "extras": "Доп. услуги",
    "address": "Адрес",
    "contacts": "Контакты",
    "schedule": "Время",
    "confirm": "Подтверждение",
    "done": "Заявка",
}


def _pct(part: float | None) -> str:
    return "—" if part is None else f"{part * 100:.0f}%"


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" '
        f'font-family="system-ui, sans-serif" font-size="13">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def funnel_svg(steps: list[StepRow]) -> str:
    """One bar per step, as wide as the sessions that reached it; the drop written beside."""
    width, label_w, row_h, count_w = 760, 120, 34, 170
    bar_w = width - label_w - count_w
    top = max((s.reached for s in steps), default=0) or 1
    body = []
    for i, row in enumerate(steps):
        y = i * row_h + 6
        w = max(2.0, bar_w * row.reached / top) if row.reached else 0.0
        body.append(
            f'<text x="{label_w - 10}" y="{y + 17}" text-anchor="end" fill="{INK}">'
            f"{STEP_RU[row.step.value]}</text>"
            f'<rect x="{label_w}" y="{y}" width="{bar_w}" height="24" fill="{BAR_LIGHT}" rx="3"/>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="24" fill="{BAR}" rx="3"/>'
            f'<text x="{label_w + bar_w + 10}" y="{y + 17}" fill="{INK}">'
            f'<tspan font-weight="600">{row.reached}</tspan> · {_pct(row.share)}'
        )
        if row.dropped:
            body.append(f'<tspan fill="{DROP}"> −{row.dropped}</tspan>')
        body.append("</text>")
    return _svg(width, len(steps) * row_h + 8, "Воронка: сколько разговоров дошли до шага", body)


def bars_svg(items: list[tuple[str, int]], title: str) -> str:
    """Horizontal bars with their labels and values (e.g. leads by utm_source)."""
    if not items:
        return ""
    width, label_w, row_h = 760, 260, 28
    bar_w = width - label_w - 60
    top = max(v for _, v in items) or 1
    body = []
    for i, (label, value) in enumerate(items):
        y = i * row_h + 4
        short = label if len(label) <= 34 else label[:33] + "…"
        body.append(
            f'<text x="{label_w - 10}" y="{y + 15}" text-anchor="end" fill="{INK}">'
            f"{escape(short)}</text>"
            f'<rect x="{label_w}" y="{y}" width="{max(2.0, bar_w * value / top):.1f}" '
            f'height="20" fill="{BAR}" rx="3"/>'
            f'<text x="{label_w + bar_w * value / top + 8:.1f}" y="{y + 15}" fill="{INK}">'
            f"{value}</text>"
        )
    return _svg(width, len(items) * row_h + 6, title, body)


def daily_svg(days: list[DayRow], title: str) -> str:
    """Leads per day as columns, with the highest value and the first and last dates marked."""
    if not days:
        return ""
    width, height, left, bottom, top_pad = 760, 170, 34, 24, 14
    plot_w, plot_h = width - left - 8, height - bottom - top_pad
    top = max(d.leads for d in days) or 1
    step = plot_w / len(days)
    axis_y = top_pad + plot_h
    body = [
        f'<line x1="{left}" y1="{axis_y}" x2="{width - 8}" y2="{axis_y}" stroke="{MUTED}"/>',
        f'<text x="{left - 6}" y="{top_pad + 4}" text-anchor="end" fill="{MUTED}">{top}</text>',
        f'<text x="{left - 6}" y="{top_pad + plot_h}" text-anchor="end" fill="{MUTED}">0</text>',
    ]
    for i, d in enumerate(days):
        h = plot_h * d.leads / top
        x = left + i * step + step * 0.15
        body.append(
            f'<rect x="{x:.1f}" y="{top_pad + plot_h - h:.1f}" width="{step * 0.7:.1f}" '
            f'height="{h:.1f}" fill="{BAR}"><title>{_day(d.day)}: {d.leads}</title></rect>'
        )
    body.append(
        f'<text x="{left}" y="{height - 6}" fill="{MUTED}">{_day(days[0].day)}</text>'
        f'<text x="{width - 8}" y="{height - 6}" text-anchor="end" fill="{MUTED}">'
        f"{_day(days[-1].day)}</text>"
    )
    return _svg(width, height, title, body)


def _day(day: dt.date) -> str:
    return day.strftime("%d.%m")
