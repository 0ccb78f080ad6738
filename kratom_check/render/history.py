"""The history's checks as text: a list to read, and JSON or CSV to export, each made one check at a time
so a history of any length is never held in memory. Everything read from the history is written with its
control characters made visible: a changed file cannot drive the terminal."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import visible

if TYPE_CHECKING:
    from typing import Protocol

    from ..model import Questionnaire
    from ..score.changes import Saved

    class Kept(Saved, Protocol):
        """A saved check as the history keeps it (its SavedCheck): render/ reads store/'s rows, never imports it."""

        @property
        def questionnaire_id(self) -> str: ...
        @property
        def language(self) -> str: ...
        @property
        def region(self) -> str | None: ...


def level_name(model: Questionnaire, level_id: str) -> str:
    return model.level(level_id).name if level_id in model.level_rank else visible(level_id)


def damaged_note(numbers: Sequence[int]) -> str:
    """The saved checks left out as damaged, said so the rest are still trusted."""
    from ..i18n import ngettext

    return ngettext(
        "Note: saved check {numbers} is damaged and was left out. The others are shown.",
        "Note: saved checks {numbers} are damaged and were left out. The others are shown.",
        len(numbers),
    ).format(numbers=", ".join(str(number) for number in numbers))


def listed(model: Questionnaire, checks: Iterable[Kept], *, width: int) -> Iterator[str]:
    """Two or more lines per check: number, date and result, then each area."""
    import textwrap

    for check in checks:
        lines = [f"#{check.id}  {visible(check.made[:16].replace('T', ' '))}  {level_name(model, check.level)}"]
        areas = " · ".join(
            f"{factor.title}: {level_name(model, check.areas[factor.id])}"
            for factor in model.factors
            if factor.id in check.areas
        )
        lines.extend(textwrap.wrap(areas, width=width, initial_indent="    ", subsequent_indent="    "))
        yield "\n".join(lines) + "\n"


def _as_dict(check: Kept) -> dict[str, Any]:
    return {
        "number": check.id,
        "made": check.made,
        "questionnaire": {"id": check.questionnaire_id, "version": check.questionnaire_version},
        "language": check.language,
        "region": check.region,
        "level": check.level,
        "areas": check.areas,
        "answers": check.answers,
    }


_INVISIBLE = {code: f"\\u{code:04x}" for code in range(0x7F, 0xA0)}
"""JSON leaves DEL and the C1 controls as they are (one of them starts a terminal command): written as
\\u escapes, the JSON reads the same and cannot drive a terminal."""


def json_document(head: dict[str, Any], checks: Iterable[Kept]) -> Iterator[str]:
    """json.dumps({**head, "checks": [...]}, indent=2), made one check at a time."""
    import json

    opening = json.dumps({**head, "checks": []}, indent=2, ensure_ascii=False)
    yield opening[: -len("[]\n}")].translate(_INVISIBLE) + "["
    first = True
    for check in checks:
        body = json.dumps(_as_dict(check), indent=2, ensure_ascii=False).replace("\n", "\n    ")
        yield ("\n    " if first else ",\n    ") + body.translate(_INVISIBLE)
        first = False
    yield ("]" if first else "\n  ]") + "\n}\n"


def csv_lines(
    model: Questionnaire, checks: Iterable[Kept], keys: Callable[[], tuple[list[str], list[str]]]
) -> Iterator[str]:
    """One row per check; areas and answers each get a column (lists joined with ';'), in the
    questionnaire's order, so every export has the same header (ids it no longer has come last:
    `keys` gives every area and question id the saved checks have, read when the header is made)."""
    import csv
    import io

    saved_areas, saved_questions = keys()
    areas = list(dict.fromkeys([factor.id for factor in model.factors] + saved_areas))
    questions = list(dict.fromkeys([q.id for q in model.questions] + saved_questions))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")

    def line(cells: Sequence[object]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([visible(cell) if isinstance(cell, str) else cell for cell in cells])
        return buffer.getvalue()

    yield line(
        ["number", "made", "questionnaire_id", "questionnaire_version", "language", "region", "level"]
        + [f"area_{area}" for area in areas]
        + questions
    )
    for check in checks:
        answers = [check.answers.get(question) for question in questions]
        yield line(
            [check.id, check.made, check.questionnaire_id, check.questionnaire_version, check.language,
             check.region or "", check.level]
            + [check.areas.get(area, "") for area in areas]
            + [";".join(answer) if isinstance(answer, list) else (answer or "") for answer in answers]
        )  # fmt: skip
