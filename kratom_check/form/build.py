"""The offline page: one self-contained HTML file that asks the questions, scores them in the browser and
shows the report, with a Content-Security-Policy that lets it load and send nothing.

Everything is inline: the questionnaire data in every language with every country's help lines, the scorer,
the page's script and its styles. Each inline script and style is pinned by its SHA-256 hash.
"""

from __future__ import annotations

import base64
import hashlib
import json
from importlib import resources
from pathlib import Path
from typing import Any

from ..model import Question

CSP_DIRECTIVES = (
    "default-src 'none'",
    "script-src {scripts}",
    "style-src {styles}",
    "form-action 'none'",
    "connect-src 'none'",
    "base-uri 'none'",
)
"""The page's policy: nothing may load or be sent; only the page's own scripts and styles, by hash, run."""

_ASSETS = "kratom_check.form"

UI: dict[str, dict[str, str]] = {
    "en": {
        "language": "Language",
        "country": "Country for help numbers",
        "elsewhere": "Another country",
        "offline": "This page works without the internet. It cannot send your answers anywhere.",
        "next": "Next",
        "back": "Back",
        "help": "Why we ask",
        "pick_one": "Pick one.",
        "pick_any": "Pick all that fit.",
        "needed": "Please pick an answer. Your result depends on it.",
        "skip": "You can skip this question: press Next.",
        "report_now": "See my full report now",
        "go_on": "Finish the check first",
        "change_answer": "Change my answer",
        "see_result": "See my result",
        "change": "Change",
        "review_intro": "Check your answers. You can change any of them.",
        "print": "Print the page for my clinician",
        "save": "Save my answers",
        "save_fhir": "Save as FHIR",
        "saved": "Your answers file is in your downloads. Run it again with: kratom-check --answers FILE",
        "review": "Change my answers",
        "again": "Start again",
        "fhir_file": "answers.fhir.json",
    },
    "es": {
        "language": "Idioma",
        "country": "País de los números de ayuda",
        "elsewhere": "Otro país",
        "offline": "Esta página funciona sin internet. No puede enviar sus respuestas a ningún lugar.",
        "next": "Siguiente",
        "back": "Atrás",
        "help": "Por qué preguntamos",
        "pick_one": "Elija una.",
        "pick_any": "Elija todas las que correspondan.",
        "needed": "Elija una respuesta, por favor. Su resultado depende de ella.",
        "skip": "Puede saltar esta pregunta: pulse Siguiente.",
        "report_now": "Ver mi informe completo ahora",
        "go_on": "Terminar primero las preguntas",
        "change_answer": "Cambiar mi respuesta",
        "see_result": "Ver mi resultado",
        "change": "Cambiar",
        "review_intro": "Revise sus respuestas. Puede cambiar cualquiera.",
        "print": "Imprimir la página para mi profesional de salud",
        "save": "Guardar mis respuestas",
        "save_fhir": "Guardar como FHIR",
        "saved": "Su archivo de respuestas está en sus descargas. Úselo de nuevo con: kratom-check --answers ARCHIVO",
        "review": "Cambiar mis respuestas",
        "again": "Empezar de nuevo",
        "fhir_file": "respuestas.fhir.json",
    },
}
"""The page's own buttons and hints, in each language (the questions and the report come from the data)."""

NO_SCRIPT = (
    "This page needs JavaScript to ask the questions. Nothing is sent: the page has no way to send. / "
    "Esta página necesita JavaScript para hacer las preguntas. No se envía nada."
)


def _report_text() -> dict[str, Any]:
    """The report's fixed sentences and headings in the active language, as the Python renderers say them."""
    from ..i18n import _
    from ..render import clinician
    from ..render.save import Kind
    from ..render.text import _HEADINGS, _HEADINGS_IN_A_COUNTRY

    return {
        "headings": {key: _(message) for key, message in _HEADINGS.items()},
        "in_country": {key: _(message) for key, message in _HEADINGS_IN_A_COUNTRY.items()},
        "own_sign": _("(you have one)"),
        "undated": _("undated"),
        "early": _(
            "You asked for this report before the end, so some questions have no answer. "
            'An area marked "not asked" may be higher than it shows.'
        ),
        "ask_clinician": _("Ask a clinician: {question}"),
        "main_thing": _("The main thing we noticed: {title}."),
        "made": _("This report was made on {date} at {time} ({zone})."),
        "clinician": {key: clinician.heading(key) for key in clinician.HEADINGS},
        "clinician_intro": clinician.intro(),
        "warning_mark": clinician.warning_mark(),
        "counter": _("Question {position} of {total}"),
        "exclusive": _('"{choice}" cannot be picked with other choices.'),
        "not_answered": _("(not answered yet)"),
        "skipped": _("(skipped)"),
        "file_title": _("{title}: answers file (version {version})."),
        "file_saved": _("Saved on {date}. Run it again with: kratom-check --answers this-file.yaml"),
        "file_missing": _("Some questions have no answer yet: kratom-check will ask them in a terminal."),
        "answers_file": Kind.answers.example(),
    }


def page_data(questions: str | None = None) -> dict[str, Any]:
    """What the page says around the scorer's data, in each language: the report's fixed texts as the Python
    renderers say them, the page's own buttons and hints, the countries it has lines for, and the first
    screen (shown before the browser has read the rest of the page)."""
    from .. import i18n
    from ..conditions import asked_questions
    from ..load.questionnaire import load, load_checked
    from ..load.regions import ALSO_ACCEPTED, ELSEWHERE

    codes = [region.code for region in load_checked(questions).regions]
    languages = load(questions).languages
    was = i18n.language()
    text: dict[str, Any] = {}
    regions: dict[str, list[dict[str, str]]] = {}
    first: dict[str, Any] = {}
    try:
        for language in languages:
            i18n.activate(language)
            text[language] = {"report": _report_text(), "ui": UI.get(language, UI["en"])}
            regions[language] = []
            for code in codes:
                region = load(questions, language, code, from_locale=True).region
                regions[language].append({"code": code, "name": region.name if region is not None else code})
            model = load(questions, language)
            asked = asked_questions(model, {})
            first[language] = {
                "title": model.title,
                "intro": model.intro,
                "asked": [question.id for question in asked],
                "questions": [_question(question) for question in asked[:1]],
            }
    finally:
        i18n.activate(was)
    return {
        "languages": list(languages),
        "elsewhere": ELSEWHERE,
        "also_accepted": ALSO_ACCEPTED,
        "regions": regions,
        "first": first,
        "text": text,
    }


def _question(question: Question) -> dict[str, Any]:
    """A question as the page shows it (kratomCheck.questions gives the same fields)."""
    return {
        "id": question.id,
        "kind": question.kind,
        "required": question.required,
        "text": question.text,
        "help": question.help,
        "short": question.short,
        "choices": [
            {"id": choice.id, "label": choice.label, "exclusive": choice.exclusive} for choice in question.choices
        ],
    }


def _asset(name: str) -> str:
    return resources.files(_ASSETS).joinpath(name).read_text(encoding="utf-8")


def script_json(value: Any) -> str:
    """JSON safe inside a <script> element: no '<' can end it or open a comment."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def digest(text: str) -> str:
    """A CSP source for an inline script or style: 'sha256-' and the base64 of its UTF-8 bytes' hash."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def policy(scripts: list[str], styles: list[str]) -> str:
    """The Content-Security-Policy for these exact inline scripts and styles."""
    filled = {"scripts": " ".join(digest(s) for s in scripts), "styles": " ".join(digest(s) for s in styles)}
    return "; ".join(directive.format(**filled) for directive in CSP_DIRECTIVES)


def _inline(code: str, name: str) -> str:
    if "</script" in code.casefold() or "<!--" in code:
        raise ValueError(f"{name} cannot be inlined: it holds '</script' or '<!--'")
    return code


def page(questions: str | None = None) -> str:
    """The whole page as one HTML document (raises QuestionnaireError for a questionnaire with problems)."""
    from html import escape

    from .data import form_data

    scorer_data = form_data(None if questions is None else Path(questions))
    first = scorer_data["languages"][0]
    scorer = _inline(_asset("scorer.js"), "scorer.js")
    script = _inline(_asset("page.js"), "page.js")
    from ..render.html import report_style

    style = report_style() + _asset("page.css")
    parts = {
        "{{lang}}": escape(first),
        "{{title}}": escape(scorer_data["texts"][first]["title"]),
        "{{csp}}": escape(policy([scorer, script], [style])),
        "{{noscript}}": escape(NO_SCRIPT),
        "{{style}}": style,
        "{{page}}": script_json(page_data(questions)),
        "{{data}}": script_json(scorer_data),
        "{{scorer}}": scorer,
        "{{script}}": script,
    }
    html = _asset("page.html")
    # One pass, so nothing inserted is read again as a placeholder.
    import re

    return re.sub(r"\{\{[a-z]+\}\}", lambda match: parts[match.group()], html)
