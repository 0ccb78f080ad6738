"""Levels over time: saved checks side by side as plain lines, JSON, CSV or a small SVG chart.

Every format names levels in words, with the date of each check. Nothing here shows an answer except a
ruler's number: never an amount. The chart is drawn with SVG elements and presentation attributes only
(no script, no style attribute, nothing fetched), so a strict Content-Security-Policy lets it show.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from html import escape
from typing import Any

from ..i18n import N_, _
from ..score.reference import Point, Trend, TrendRow
from .text import heading

CHART_CHECKS = 10
"""A report's chart shows the newest checks, this one last: ten columns fit a printed page."""

_DIRECTIONS = {"up": N_("going up"), "down": N_("going down"), "same": N_("no change")}


def title() -> str:
    return _("Your levels over time")


def too_few(count: int) -> str:
    """What the trend says with fewer than two saved checks."""
    if count == 0:
        return _("You have no saved checks yet. Save two checks with kratom-check --save to see a trend.")
    return _("You have 1 saved check. Save another check to see a trend.")


def dates(trend: Trend) -> list[str]:
    """Each check's date as the history list shows it; with the time too when two share a day."""
    days = [made[:10] for made in trend.made]
    if len(set(days)) == len(days):
        return days
    return [made[:16].replace("T", " ") for made in trend.made]


def row_title(row: TrendRow) -> str:
    return heading("result") if row.kind == "result" else row.title


def direction(row: TrendRow) -> str:
    """The row's direction in words; empty when there is none to tell (fewer than two values)."""
    way = row.direction
    return "" if way is None else _(_DIRECTIONS[way])


def _row_line(row: TrendRow, when: list[str]) -> list[str]:
    """The row as pieces no line breaks inside: its title's words, then each value with its date (the last
    one with the direction)."""
    values = [f"{point.name} ({day})" for point, day in zip(row.points, when, strict=True) if point]
    if way := direction(row):
        values[-1] += f" — {way}"
    return [*f"{row_title(row)}:".split(), *(value + "," for value in values[:-1]), *values[-1:]]


def _signs_line(trend: Trend, when: list[str]) -> list[str]:
    named = (", ".join(sign.name for sign in signs) for signs in trend.signs)
    fired = [f"{names} ({day})" for names, day in zip(named, when, strict=True) if names]
    if not fired:
        return _("Warning signs: none in these checks.").split()
    return [*_("Warning signs:").split(), *(item + ";" for item in fired[:-1]), fired[-1]]


def _pieces(trend: Trend) -> list[list[str]]:
    when = dates(trend)
    return [
        _("Your levels over time, oldest to newest:").split(),
        *(_row_line(row, when) for row in trend.levels),
        _signs_line(trend, when),
        *(_row_line(row, when) for row in trend.rulers),
    ]


def lines(trend: Trend) -> list[str]:
    """One line for the result and each area, then the warning signs, then each ruler: unwrapped."""
    return [" ".join(pieces) for pieces in _pieces(trend)]


def text(trend: Trend, *, width: int = 80) -> str:
    """The lines wrapped at `width`, never inside a value and its date; a wrapped line's rest is indented."""
    out: list[str] = []
    for pieces in _pieces(trend):
        line = ""
        for piece in pieces:
            if line and len(line) + 1 + len(piece) > width:
                out.append(line)
                line = "    " + piece
            else:
                line = f"{line} {piece}" if line else piece
        out.append(line)
    return "\n".join(out) + "\n"


# -- for a researcher ---------------------------------------------------------------------------------------


def _values(row: TrendRow, trend: Trend) -> list[dict[str, Any]]:
    return [
        {"number": number, "made": made, "id": point.id, "name": point.name}
        for point, number, made in zip(row.points, trend.numbers, trend.made, strict=True)
        if point is not None
    ]


def as_data(trend: Trend, questionnaire_id: str) -> dict[str, Any]:
    """The trend for programs: ids beside names; a direction is up, down, same or null."""
    return {
        "questionnaire": questionnaire_id,
        "checks": [
            {
                "number": number,
                "made": made,
                "questionnaire_version": version,
                "warning_signs": [{"id": sign.id, "name": sign.name} for sign in signs],
            }
            for number, made, version, signs in zip(trend.numbers, trend.made, trend.versions, trend.signs, strict=True)
        ],
        "rows": [
            {
                "kind": row.kind,
                "id": row.id,
                "title": row_title(row),
                "direction": row.direction,
                "values": _values(row, trend),
            }
            for row in (*trend.levels, *trend.rulers)
        ],
    }


def json_text(trend: Trend, questionnaire_id: str) -> str:
    return json.dumps(as_data(trend, questionnaire_id), indent=2, ensure_ascii=False) + "\n"


CSV_HEADER = ("number", "made", "questionnaire_version", "kind", "id", "title", "value", "value_name")


def csv_text(trend: Trend) -> str:
    """One row for each check and each thing it has a value for: the result, each area, each warning sign
    (kind warning_sign, the rule's id as its value) and each ruler; oldest check first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for index, (number, made, version) in enumerate(zip(trend.numbers, trend.made, trend.versions, strict=True)):
        for row in trend.levels:
            if (point := row.points[index]) is not None:
                writer.writerow((number, made, version, row.kind, row.id, row_title(row), point.id, point.name))
        for sign in trend.signs[index]:
            writer.writerow((number, made, version, "warning_sign", "warning_signs", _("Warning signs"), sign.id,
                             sign.name))  # fmt: skip
        for row in trend.rulers:
            if (point := row.points[index]) is not None:
                writer.writerow((number, made, version, row.kind, row.id, row_title(row), point.id, point.name))
    return buffer.getvalue()


# -- the chart ----------------------------------------------------------------------------------------------

_COLUMN = 76
_MARGIN = 8
_ROW = 54
_MIN_WIDTH = 480
_FILLS = ("#e8f5e9", "#fff4cc", "#fde3d6", "#fbd5da")
_STROKES = ("#2e7d32", "#a07a00", "#c43c00", "#b00020")
"""By level rank, lowest first (as the report's own colours): the palette needs no level ids."""
_NEUTRAL = ("#eef2f7", "#555555")


def _shade(point: Point, levels: int) -> tuple[str, str]:
    if point.rank is None:
        return _NEUTRAL
    step = round(point.rank * (len(_FILLS) - 1) / max(levels - 1, 1))
    return _FILLS[step], _STROKES[step]


def svg(trend: Trend, levels: int, *, key: str) -> str:
    """An inline SVG chart: a row for each area with its level in words at each date and its direction,
    then the warning signs and the rulers. Its title and description hold the same as text. `key` makes
    its ids unique in a page; `levels` is how many levels the questionnaire has (for the colours)."""
    when = dates(trend)
    two_lines = any(" " in day for day in when)
    top = 40 if two_lines else 26
    rows = [*trend.levels, None, *trend.rulers]
    width = max(_MIN_WIDTH, 2 * _MARGIN + len(when) * _COLUMN)
    height = top + len(rows) * _ROW
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{key}-title {key}-desc" '
        f'class="trend" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        'font-family="system-ui, sans-serif" font-size="12" fill="#1a1a1a">',
        f'<title id="{key}-title">{escape(title())}</title>',
        f'<desc id="{key}-desc">{escape(chr(10).join(lines(trend)[1:]))}</desc>',
    ]
    for column, day in enumerate(when):
        middle = _MARGIN + column * _COLUMN + _COLUMN // 2
        date, _space, time = day.partition(" ")
        parts.append(f'<text x="{middle}" y="16" text-anchor="middle" font-size="11">{escape(date)}</text>')
        if time:
            parts.append(f'<text x="{middle}" y="30" text-anchor="middle" font-size="11">{escape(time)}</text>')
    for number, row in enumerate(rows):
        y = top + number * _ROW
        parts.extend(_signs_row(trend, y) if row is None else _level_row(row, y, levels))
    parts.append("</svg>")
    return "\n".join(parts)


def _cell(column: int, y: int, word: str, colours: tuple[str, str], *, note: str = "") -> str:
    x = _MARGIN + column * _COLUMN + 3
    hint = f"<title>{escape(note)}</title>" if note else ""
    return (
        f'<g class="cell">{hint}<rect x="{x}" y="{y + 22}" width="{_COLUMN - 6}" height="24" rx="4" '
        f'fill="{colours[0]}" stroke="{colours[1]}" stroke-width="1.5"/>'
        f'<text x="{x + (_COLUMN - 6) // 2}" y="{y + 38}" text-anchor="middle">{escape(word)}</text></g>'
    )


def _label(row_name: str, y: int, way: str = "") -> str:
    """The row's title, and its direction after it in italics."""
    after = f'<tspan font-weight="normal" font-style="italic"> — {escape(way)}</tspan>' if way else ""
    return f'<text x="{_MARGIN}" y="{y + 15}" font-size="13" font-weight="bold">{escape(row_name)}{after}</text>'


def _level_row(row: TrendRow, y: int, levels: int) -> Iterator[str]:
    yield f'<g class="row" data-row="{escape(row.id)}">'
    yield _label(row_title(row), y, direction(row))
    for column, point in enumerate(row.points):
        if point is not None:
            colours = _NEUTRAL if row.kind == "ruler" else _shade(point, levels)
            yield _cell(column, y, point.name, colours)
    yield "</g>"


def _signs_row(trend: Trend, y: int) -> Iterator[str]:
    yield '<g class="row" data-row="warning_signs">'
    yield _label(_("Warning signs"), y)
    for column, signs in enumerate(trend.signs):
        if signs:
            names = ", ".join(sign.name for sign in signs)
            yield _cell(column, y, _("Yes"), (_FILLS[-1], _STROKES[-1]), note=names)
        else:
            yield _cell(column, y, _("No"), _NEUTRAL)
    yield "</g>"
