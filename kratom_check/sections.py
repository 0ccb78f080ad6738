"""The report's sections, in the one order every format shows them, and the lines of the assessment each
section holds.

Sources are numbered in the order their lines appear here (score/reference.py), so a number in a report
is right only while the report lays its sections out in this order. The text and Markdown reports put
their sections together in it; the HTML page's template lists its slots in it (tests/test_layout.py
checks); the JSON report and the FHIR bundle carry the sources as numbered here.
"""

from __future__ import annotations

SECTIONS: tuple[str, ...] = (
    "lead",  # get help now: act-now lines and the contacts for this level
    "result",  # the level, "You told us", the next step
    "safety_net",  # when to get care
    "cautions",  # what we noticed: one item per topic
    "areas",  # why you got this result
    "since_last",  # since your last check
    "next_steps",  # what to do next, then what to ask a clinician
    "resources",  # where to get help
    "answers",  # your answers (Markdown and HTML, when there is no clinician's page)
    "notice",  # please know: the privacy notes, then what is good to know
    "red_flags",  # the warning signs: only the JSON report lists them as such
    "sources",
    "clinician",  # the clinician's page: last, so leaving it out leaves the other numbers as they are
)

CITED: dict[str, tuple[str, ...]] = {
    "lead": ("act_now", "lead_resources"),
    "safety_net": ("safety_net",),
    "cautions": ("cautions",),
    "next_steps": ("next_steps", "ask_clinician"),
    "resources": ("resources",),
    "notice": ("good_to_know",),
    "red_flags": ("red_flags",),
    "clinician": ("clinician",),
}
"""Per section, the assessment's fields whose lines cite sources, in the order the section shows them."""

CITING_FIELDS: tuple[str, ...] = tuple(field for section in SECTIONS for field in CITED.get(section, ()))
"""The assessment's citing fields in report order: the order sources are numbered in."""
