"""Renderers: an assessment in, text out. Only the CLI prints or writes files."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from ..i18n import N_, _
from ..model import Questionnaire, Source
from ..score.reference import Assessment, Cited, Line, ResourceLine
from ..sections import SECTIONS
from .plan import Item, answer_name, plan

if TYPE_CHECKING:
    from rich.console import RenderableType

# Style by level rank (lowest level first), so the palette needs no level ids.
_LEVEL_STYLES = ("bold green", "bold yellow", "bold red", "bold white on red")

_HEADINGS = {
    "lead": N_("Get help now"),
    "result": N_("Your result"),
    "safety_net": N_("When to get care"),
    "areas": N_("Why you got this result"),
    "good_to_know": N_("Good to know"),
    "cautions": N_("What we noticed"),
    "next_steps": N_("What to do next"),
    "ask_clinician": N_("Questions to ask a clinician"),
    "resources": N_("Where to get help"),
    "notice": N_("Please know"),
    "sources": N_("Sources"),
    "answers": N_("Your answers"),
    "next_step": N_("Next step"),
    "question": N_("Question"),
    "answer": N_("Your answer"),
    "since_last": N_("Since your last check ({date})"),
}


_HEADINGS_IN_A_COUNTRY = {
    "lead": N_("Get help now in {country}"),
    "resources": N_("Help in {country}"),
}


def heading(key: str, questionnaire: Questionnaire | None = None) -> str:
    """A report heading in the active language; help headings say which country their numbers are for."""
    region = questionnaire.region if questionnaire is not None else None
    if region is not None and key in _HEADINGS_IN_A_COUNTRY:
        return _(_HEADINGS_IN_A_COUNTRY[key]).format(country=region.name)
    return _(_HEADINGS[key])


def numbers(assessment: Assessment, keys: Iterable[str]) -> str:
    """ "[1, 3, 4]": the report's numbers of these sources, in order, each once."""
    return "[" + ", ".join(str(number) for number in sorted({assessment.source_number(key) for key in keys})) + "]"


def refs(assessment: Assessment, line: Line) -> str:
    return numbers(assessment, line.sources)


def resource_text(item: ResourceLine) -> str:
    return f"{item.name}: {item.contact}. {item.text}"


def item_refs(assessment: Assessment, item: Item) -> str:
    return numbers(assessment, item.sources)


def item_body(item: Item) -> str:
    """What an item says above its next step: all of it, or nothing past its title when folded."""
    return "" if item.folded else item.text


def own_sign_note() -> str:
    """Said after a safety-net line that names one of the person's own signs."""
    return _("(you have one)")


def made_text(assessment: Assessment) -> str:
    """When the report was made, in words; empty when the caller gave no time (as in batch scoring)."""
    from datetime import datetime

    if not assessment.made:
        return ""
    made = datetime.fromisoformat(assessment.made)
    offset = made.utcoffset()
    zone = "UTC"
    if offset:
        minutes = int(offset.total_seconds()) // 60
        zone += f"{'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return _("This report was made on {date} at {time} ({zone}).").format(
        date=made.strftime("%Y-%m-%d"), time=made.strftime("%H:%M"), zone=zone
    )


def _short_time(made: str) -> str:
    return made[:16].replace("T", " ")


def since_heading(assessment: Assessment) -> str:
    since = assessment.since_last
    return "" if since is None else heading("since_last").format(date=_short_time(since.made))


def since_rows(assessment: Assessment, questionnaire: Questionnaire) -> list[str]:
    """What changed since the last saved check, in neutral words: levels then and now, and answers."""
    since = assessment.since_last
    if since is None:
        return []

    def name(level_id: str) -> str:
        return questionnaire.level(level_id).name if level_id in questionnaire.level_rank else level_id

    rows = [_("Result then: {before}. Result now: {after}.").format(before=name(since.level_before),
                                                                      after=name(since.level_now))]  # fmt: skip
    rows += [_("Went up: {area} ({before} to {after})").format(area=c.what, before=c.before, after=c.after)
             for c in since.went_up]  # fmt: skip
    rows += [_("Went down: {area} ({before} to {after})").format(area=c.what, before=c.before, after=c.after)
             for c in since.went_down]  # fmt: skip
    none = _("no answer")
    rows += [
        _("Answer changed: {question}: was {before}, now {after}").format(
            question=c.what, before=c.before or none, after=c.after or none
        )
        for c in since.answers
    ]
    if not since.answers:
        rows.append(_("Your answers are the same as last time."))
    return rows


def privacy_rows(assessment: Assessment, *, with_made: bool = True) -> list[str]:
    """The notice, then when the report was made, then whether this check was saved in the history."""
    rows = list(assessment.notice)
    if assessment.made and with_made:
        rows.append(made_text(assessment))
    if assessment.saved_in:
        rows.append(
            _("This check was saved in your private history on this computer ({path}). "
              "To delete it, run: kratom-check history forget").format(path=assessment.saved_in)
        )  # fmt: skip
    return rows


def help_now_lines(assessment: Assessment) -> list[tuple[str, str]]:
    """What to do right away for a same-day warning sign, as (marker, text): the sign, the level's
    step, the contacts. Empty when nothing calls for care today. Shown in the middle of the questions."""
    if not (assessment.act_now or assessment.lead_resources):
        return []
    return [
        *(("!", flag.text) for flag in assessment.red_flags),
        *(("!", line.text) for line in assessment.act_now),
        ("!", assessment.level_meaning),
        *(("-", resource_text(resource)) for resource in assessment.lead_resources),
    ]


def recap_lines(assessment: Assessment) -> list[str]:
    """The last lines a person sees: the result, the one next step, and at the top level the contacts."""
    lines = [
        f"{heading('result')}: {assessment.level_title}",
        f"{heading('next_step')}: {assessment.level_meaning}",
    ]
    if assessment.lead_resources:
        lines.append(" · ".join(f"{item.name}: {item.contact}" for item in assessment.lead_resources))
    return lines


def source_description(source: Source) -> str:
    """A source as a reader names it: title, publisher and year (its link goes after)."""
    year = _("undated") if source.year is None else source.year
    return f"{source.title}. {source.publisher}, {year}."


def source_text(source: Source) -> str:
    return f"{source_description(source)} {source.url}"


def area_rows(assessment: Assessment, questionnaire: Questionnaire) -> list[str]:
    """Each area that was raised, with its level in words and the short names of the answers that raised it;
    then the areas at the lowest level in one line, the ones the person could not tell us about, and what the
    areas do together."""
    from ..score.reference import areas_asked, factor_questions

    lowest = questionnaire.levels[0].id
    asked = areas_asked(questionnaire, assessment)
    answered = dict(assessment.answers)
    rows: list[str] = []
    quiet: list[str] = []
    unknown: list[str] = []
    not_asked: list[str] = []
    for factor in assessment.factors:
        if factor.id not in asked:
            not_asked.append(factor.title)
            continue
        if factor.level == lowest:
            unsure = any(
                (choice := questionnaire.questions_by_id[question_id].choice(choice_id)) is not None and choice.unknown
                for question_id in factor_questions(questionnaire, factor.id)
                for choice_id in answered.get(question_id, ())
            )
            (unknown if unsure else quiet).append(factor.title)
            continue
        row = f"{factor.title}: {questionnaire.level(factor.level).name}"
        if factor.raised_by:
            row += " (" + "; ".join(answer_name(questionnaire, *answer) for answer in factor.raised_by) + ")"
        rows.append(row)
    if quiet:
        rows.append(f"{questionnaire.level(lowest).name}: {', '.join(quiet)}")
    if unknown:
        rows.append(_("Not known, because you were not sure: {areas}").format(areas=", ".join(unknown)))
    if not_asked:
        rows.append(_("Not asked: {areas}").format(areas=", ".join(not_asked)))
    rank = questionnaire.level_rank
    if rank[assessment.combined_level] > max(rank[factor.level] for factor in assessment.factors):
        rows.append(
            _("Together, these areas raise the result to {level}.").format(
                level=questionnaire.level(assessment.combined_level).name
            )
        )
    return rows


def early_note(assessment: Assessment) -> str:
    """Said under the result when the person asked for the report before the end."""
    if not assessment.unanswered:
        return ""
    return _("You asked for this report before the end, so some questions have no answer. "
             "An area marked \"not asked\" may be higher than it shows.")  # fmt: skip


def answer_rows(assessment: Assessment, questionnaire: Questionnaire) -> Iterator[tuple[str, str]]:
    """(question as asked, the labels of the chosen answers) for each answer that was scored."""
    for question_id, chosen in assessment.answers:
        question = questionnaire.questions_by_id[question_id]
        yield question.text, "; ".join(choice.label for choice_id in chosen if (choice := question.choice(choice_id)))


Segment = tuple[str, str]
"""A run of text and its rich style ("" for none); plain output ignores the style."""


class Entry(NamedTuple):
    """One block of the text report: a heading, a paragraph, or a list item with a marker."""

    paragraphs: tuple[tuple[Segment, ...], ...]
    marker: str = ""
    heading: bool = False


def layout(assessment: Assessment, questionnaire: Questionnaire) -> list[Entry | None]:
    """The text report as entries; None is a blank line. Shared by the plain and the terminal output.

    Each item ends with its source numbers ("[3, 4]"), after its text and its next step: a screen reader
    never meets them in the middle of a sentence, and they cost no line of their own.
    """
    rank = questionnaire.level_rank
    style = _LEVEL_STYLES[min(rank[assessment.level], len(_LEVEL_STYLES) - 1)]
    said = plan(assessment, questionnaire)
    sections: dict[str, list[Entry | None]] = {}
    entries: list[Entry | None] = []

    def start(key: str) -> None:
        """What follows is section `key`'s: the sections are put together in SECTIONS' order at the end."""
        nonlocal entries
        entries = sections.setdefault(key, [])

    def add_heading(key: str, heading_style: str = "bold underline") -> None:
        start(key)
        entries.append(Entry((((heading(key, questionnaire), heading_style),),), heading=True))

    def cited(line: Line, body: str, body_style: str = "") -> tuple[Segment, ...]:
        return ((body, body_style), (" ", ""), (refs(assessment, line), "dim"))

    if assessment.act_now or assessment.lead_resources:
        add_heading("lead", style)
        entries.extend(Entry((cited(line, line.text, "bold"),), "!") for line in assessment.act_now)
        for resource in assessment.lead_resources:
            entries.append(Entry((cited(resource, resource_text(resource), "bold"),), "-"))
    start("result")
    entries.append(Entry((((f"{heading('result')}: ", "bold"), (assessment.level_title, style)),)))
    entries.append(Entry((((said.told_us, ""),),)))
    entries.append(Entry((((f"{heading('next_step')}: ", "bold"), (assessment.level_meaning, "bold")),)))
    if note := early_note(assessment):
        entries.append(Entry((((note, ""),),)))

    def cited_list(key: str, lines: Sequence[Cited]) -> None:
        if lines:
            add_heading(key)
            entries.extend(Entry((cited(line, line.text),), "-") for line in lines)

    if assessment.safety_net:
        add_heading("safety_net")
        for line in assessment.safety_net:
            own = line.id in assessment.own_signs
            body = f"{line.text} {own_sign_note()}" if own else line.text
            # The list's source numbers follow it on a line of their own: each sign line stays short.
            entries.append(Entry((((body, "bold" if own else ""),),), "!" if own else "-"))
        cited_keys = (key for line in assessment.safety_net for key in line.sources)
        entries.append(Entry((((numbers(assessment, cited_keys), "dim"),),)))
    if said.items:
        add_heading("cautions")
        for number, item in enumerate(said.items, 1):
            title = ((f"{item.title}. ", "bold"),)
            said_above: tuple[Segment, ...] = ((item_body(item), ""),)
            step: tuple[Segment, ...] = (
                (f"{heading('next_step')}: {item.next_step}", "italic"),
                (" ", ""),
                (item_refs(assessment, item), "dim"),
            )
            entries.append(Entry((title + said_above, step), f"{number}."))
    add_heading("areas")
    entries.extend(Entry((((row, ""),),), "-") for row in area_rows(assessment, questionnaire))
    if assessment.since_last is not None:
        start("since_last")
        entries.append(Entry((((since_heading(assessment), "bold underline"),),), heading=True))
        entries.extend(Entry((((row, ""),),), "-") for row in since_rows(assessment, questionnaire))
    cited_list("next_steps", said.next_steps)
    if assessment.resources:
        add_heading("resources")
        entries.extend(Entry((cited(line, resource_text(line)),), "-") for line in assessment.resources)
    add_heading("notice")
    notices = privacy_rows(assessment)
    if assessment.for_clinician:
        from . import clinician

        notices.append(clinician.mention())
    entries.append(Entry((((" ".join(notices), ""),),)))
    # Background every report shares, under the same heading: said last, before the sources.
    entries.extend(Entry((cited(line, line.text),), "-") for line in said.good_to_know)
    add_heading("sources")
    # The text report has no clinician's page: the sources only its pointers cite (numbered last) stay out.
    from ..score.reference import without_clinician

    for number, (_key, source) in enumerate(without_clinician(assessment).sources, 1):
        # The link on a line of its own, never broken: a reader copies or opens it whole.
        entries.append(Entry((((source_description(source), "dim"),), ((source.url, LINK),)), f"{number}."))
    laid_out: list[Entry | None] = []
    for key in SECTIONS:
        if sections.get(key):
            laid_out += [None, *sections[key]] if laid_out else sections[key]  # a blank line between sections
    return laid_out


def _marker_width(entries: Sequence[Entry | None], index: int) -> int:
    """Markers in one list line up, so wrapped text stays under its first line."""
    start = index
    while start > 0 and entries[start - 1] is not None and entries[start - 1].marker:  # type: ignore[union-attr]
        start -= 1
    end = index
    while end + 1 < len(entries) and entries[end + 1] is not None and entries[end + 1].marker:  # type: ignore[union-attr]
        end += 1
    return max(len(entry.marker) for entry in entries[start : end + 1] if entry is not None)


def plain_text(assessment: Assessment, questionnaire: Questionnaire, *, width: int = 80) -> str:
    """The text report without styling, for files, pipes and --plain. Needs no rich, so start-up stays fast."""
    entries = layout(assessment, questionnaire)
    return wrapped(entries, width=width)


_DIGIT_SPACE = re.compile(r"(?<=\d) (?=\d)")
NO_BREAK = "\u00a0"


def numbers_together(text: str) -> str:
    """Spaces between digits ("13 11 26") made no-break spaces: half a phone number is no use. Wrapping
    in textwrap and rich never breaks there; plain output turns them back into spaces after wrapping."""
    return _DIGIT_SPACE.sub(NO_BREAK, text)


def wrap_lines(text: str, width: int, *, first: str = "", indent: str = "") -> list[str]:
    """Plain text wrapped like every report line: no split numbers, no split links."""
    import textwrap

    return [
        line.replace(NO_BREAK, " ")
        for line in textwrap.wrap(
            numbers_together(text),
            width=width,
            initial_indent=first,
            subsequent_indent=indent,
            break_on_hyphens=False,
            break_long_words=False,
        )
    ] or [""]


def wrapped(entries: Sequence[Entry | None], *, width: int) -> str:
    """Entries as plain lines, list items with a hanging indent under their marker."""
    out: list[str] = []
    for index, entry in enumerate(entries):
        if entry is None:
            out.append("")
            continue
        indent = ""
        first = ""
        if entry.marker:
            marker_width = _marker_width(entries, index)
            first = entry.marker.rjust(marker_width) + " "
            indent = " " * (marker_width + 1)
        for number, paragraph in enumerate(entry.paragraphs):
            body = "".join(text for text, _style in paragraph)
            out.extend(wrap_lines(body, width, first=first if number == 0 else indent, indent=indent))
    return "\n".join(out) + "\n"


def text(assessment: Assessment, questionnaire: Questionnaire) -> RenderableType:
    """The report for a terminal: the same layout with styles; the console decides on colour."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    parts: list[RenderableType] = []
    grid: Table | None = None
    entries = layout(assessment, questionnaire)
    for index, entry in enumerate(entries):
        if entry is None or not entry.marker:
            grid = None
            parts.append(Text("") if entry is None else _styled(entry.paragraphs[0]))
            continue
        width = _marker_width(entries, index)
        if grid is None:
            grid = Table.grid(padding=(0, 1, 0, 0))
            grid.add_column(no_wrap=True, justify="right", style="bold", min_width=width)
            grid.add_column(overflow="fold")
            parts.append(grid)
        links = [p for p in entry.paragraphs if p and p[0][1] == LINK]
        grid.add_row(entry.marker, Text("\n").join(_styled(p) for p in entry.paragraphs if p not in links))
        if links:
            # A link is its own line outside the grid, whole even past the width (printed uncropped): the
            # terminal may wrap it on screen, but it stays one link to copy or open.
            parts += [Text(" " * (width + 1) + text, style="dim", no_wrap=True, overflow="ignore")
                      for (text, _style), *_ in links]  # fmt: skip
            grid = None
    return Group(*parts)


LINK = "dim link"
"""The style of a paragraph that is one URL: shown whole on its own line, never folded."""


def _styled(paragraph: tuple[Segment, ...]) -> Any:
    from rich.text import Text

    return Text.assemble(*((numbers_together(text), style) for text, style in paragraph))
