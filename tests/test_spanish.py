"""Spanish: the whole check in Spanish from one questionnaire, with nothing left in English."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pexpect
import pytest
import textstat  # type: ignore[import-untyped]

from kratom_check import i18n
from kratom_check.ask import answers
from kratom_check.load import languages as translation
from kratom_check.load import questionnaire as questionnaire_module
from kratom_check.load import wording as language
from kratom_check.model import Questionnaire
from kratom_check.render import markdown as markdown_report
from kratom_check.render import text as report
from kratom_check.score.reference import score

from . import catalogs
from .conftest import EXAMPLE_ANSWERS, PERSONAS, REPO, load_persona

Run = Callable[..., Any]
SPANISH_FILE = REPO / "questions.es.yaml"


@pytest.fixture(scope="module")
def spanish() -> Questionnaire:
    return questionnaire_module.load(None, "es")


def english_sentences(model: Questionnaire) -> list[str]:
    """English texts long enough that finding one in a Spanish report means it was not translated."""
    return [text for text in translation.texts(model).values() if len(text.split()) >= 3]


def test_every_text_has_a_spanish_translation() -> None:
    every_country = questionnaire_module.load_checked()
    missing, stale = translation.coverage_problems(every_country, REPO / "questions.yaml")
    assert missing == []
    assert stale == []


def test_validate_reports_a_text_without_spanish(run_cli: Run, tmp_path: Path) -> None:
    (tmp_path / "questions.yaml").write_text((REPO / "questions.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    lines = SPANISH_FILE.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if not line.startswith("cautions.alcohol.text:")]
    (tmp_path / "questions.es.yaml").write_text("\n".join(kept) + "\n", encoding="utf-8")
    result = run_cli("validate", str(tmp_path / "questions.yaml"))
    assert result.exit_code == 2
    assert f"{tmp_path / 'questions.es.yaml'}: no 'es' text for cautions.alcohol.text" in result.stderr


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda path: path.stem)
def test_spanish_reports_hold_no_english_sentence(
    questionnaire: Questionnaire, spanish: Questionnaire, persona: Path
) -> None:
    from kratom_check.render import html

    i18n.activate("es")
    checked = answers.check(spanish, load_persona(persona)["answers"])
    assessment = score(spanish, checked.values)
    source_titles = {part for source in spanish.sources.values() for part in (source.title, source.publisher)}
    for rendered in (
        report.plain_text(assessment, spanish, width=10_000),
        markdown_report.markdown(assessment, spanish),
        html.page(assessment, spanish),
    ):
        flat = " ".join(rendered.split())
        for title in source_titles:
            flat = flat.replace(title, "")
        leftovers = [sentence for sentence in english_sentences(questionnaire) if sentence in flat]
        assert leftovers == []
        for english in ("Your result", "What we noticed", "Next step", "Please know", "Sources", "What to do next"):
            assert english not in flat


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda path: path.stem)
def test_same_answers_give_the_same_level_in_every_language(run_cli: Run, persona: Path) -> None:
    text = json.dumps(load_persona(persona)["answers"])
    english = json.loads(run_cli("--lang", "en", "--format", "json", input=text).stdout)
    spanish = json.loads(run_cli("--lang", "es", "--format", "json", input=text).stdout)
    assert spanish["language"] == "es"
    assert english["language"] == "en"
    for field in ("level", "answers"):
        assert spanish[field] == english[field]
    assert [(f["id"], f["level"]) for f in spanish["factors"]] == [(f["id"], f["level"]) for f in english["factors"]]
    assert [c["id"] for c in spanish["cautions"]] == [c["id"] for c in english["cautions"]]


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"LANG": "es_MX.UTF-8"}, "es"),
        ({"LC_ALL": "es_ES.UTF-8", "LANG": "en_US.UTF-8"}, "es"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "es_MX.UTF-8"}, "en"),
        ({"LANG": "fr_FR.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_language_comes_from_the_environment(variables: dict[str, str], expected: str) -> None:
    assert i18n.choose(None, variables) == expected


def test_lang_option_wins_over_the_environment() -> None:
    assert i18n.choose("en", {"LANG": "es_MX.UTF-8"}) == "en"


def test_lang_environment_gives_a_spanish_report(run_cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "es_MX.UTF-8")
    result = run_cli(input=EXAMPLE_ANSWERS)
    assert result.stdout.startswith("Su resultado: Alto:")


def test_errors_are_in_spanish(run_cli: Run) -> None:
    result = run_cli("--lang", "es", input="frequency: hourly\n")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: Las respuestas tienen problemas. No se hizo ningún informe.")
    assert "'frequency': 'hourly' no es una opción (una de: rarely, weekly" in result.stderr


def test_output_messages_are_in_spanish(run_cli: Run, tmp_path: Path) -> None:
    target = tmp_path / "informe.txt"
    run_cli("--lang", "es", "--output", str(target), input=EXAMPLE_ANSWERS)
    result = run_cli("--lang", "es", "--output", str(target), input=EXAMPLE_ANSWERS)
    assert (
        result.stderr
        == f"Error: {target}: este archivo ya existe. Use --force para reemplazarlo, o elija otro nombre.\n"
    )


def _translated(message: Any) -> bool:
    """A non-empty translation (every form of a plural): all("") is True, so an empty one is checked apart."""
    if message is None:
        return False
    string = message.string
    return all(string) if isinstance(string, tuple) else bool(string)


def test_every_cli_message_has_a_spanish_translation() -> None:
    catalog = catalogs.read("es")
    untranslated = [
        message.id
        for message in catalogs.extracted()
        if message.id and not _translated(catalog.get(message.id))
    ]
    assert untranslated == [], (
        "add them to kratom_check/locales/es/LC_MESSAGES/kratom_check.po (python -m tests.catalogs)"
    )


def test_shipped_catalog_is_compiled_from_the_po_file() -> None:
    assert catalogs.po_path("es").with_suffix(".mo").read_bytes() == catalogs.compiled(catalogs.read("es"))


def test_the_compiled_catalog_does_not_depend_on_babels_version(monkeypatch: pytest.MonkeyPatch) -> None:
    import babel.messages.catalog

    shipped = catalogs.po_path("es").with_suffix(".mo").read_bytes()
    monkeypatch.setattr(babel.messages.catalog, "VERSION", "99.0")
    assert catalogs.compiled(catalogs.read("es")) == shipped


def test_the_catalog_header_has_no_placeholders_and_no_stamps() -> None:
    header = catalogs.po_path("es").read_text(encoding="utf-8").split("\n\n", 1)[0]
    for placeholder in ("PROJECT", "VERSION", "EMAIL@ADDRESS", "FULL NAME", "ORGANIZATION", "Generated-By",
                        "POT-Creation-Date"):  # fmt: skip
        assert placeholder not in header


def test_spanish_placeholders_match_the_english_ones() -> None:
    for message in catalogs.read("es"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(re.findall(r"\{\w+\}", " ".join(ids)))
        for string in strings:
            assert set(re.findall(r"\{\w+\}", string)) == wanted, message.id


def test_each_spanish_caution_reads_easily(spanish: Questionnaire) -> None:
    textstat.set_lang("es")
    try:
        scores = sorted(
            (textstat.fernandez_huerta(text), key)
            for key, text in translation.texts(spanish).items()
            if key.startswith(("cautions.", "advice.", "rules."))
        )
    finally:
        textstat.set_lang("en_US")
    hardest = "\n".join(f"{value:6.1f}  {key}" for value, key in scores[:5])
    assert scores[0][0] >= 70, f"Fernández-Huerta below 70; the hardest five:\n{hardest}"


def test_no_spanish_text_gives_dosing_advice_or_uses_stigmatising_words(spanish: Questionnaire) -> None:
    findings = [(w.where, f.match) for w in language.wordings(spanish) for f in language.all_findings([w.text])]
    assert findings == []


@pytest.mark.parametrize(
    "phrase",
    [
        "No tome más de 5 gramos al día.",
        "Una dosis segura es 2 gramos.",
        "Limite su uso.",
        "Reduzca la cantidad poco a poco.",
    ],
)
def test_dosing_checker_flags_spanish_dosing_advice(phrase: str) -> None:
    assert language.dosing_advice(phrase)


def test_spanish_addresses_the_reader_as_usted(spanish: Questionnaire) -> None:
    informal = re.compile(
        r"\b(tú|tienes|puedes|quieres|eres|estás|usas|tomas|dile|habla con tu|tu médico)\b", re.IGNORECASE
    )
    assert [w.where for w in language.wordings(spanish) if informal.search(w.text)] == []


def test_spanish_interactive_walk_in_a_real_terminal() -> None:
    env = {**os.environ, "NO_COLOR": "1", "TERM": "xterm", "LANG": "es_MX.UTF-8"}
    env.pop("LC_ALL", None)
    child = pexpect.spawn(
        sys.executable, ["-m", "kratom_check"], env=env, encoding="utf-8", timeout=15, dimensions=(40, 100)
    )
    try:
        child.expect_exact("Autoevaluación sobre el kratom")
        child.expect_exact("Pregunta 1 de 21")
        child.expect_exact("(? = por qué preguntamos, a = volver atrás,")
        child.expect_exact("d = detener)")
        child.expect_exact("> ")
        child.sendline("nada de esto")
        child.expect_exact("¿Con qué frecuencia usa kratom ahora?")
        child.expect_exact("> ")
        child.sendline("?")
        child.expect_exact("Por qué preguntamos:")
        child.sendline("9")
        child.expect_exact("'9' no es una de las opciones. Escriba un número del 1 al 5.")
        for typed in ["3", "4", "2", "1", "", "1", "1"]:
            child.expect_exact("> ")
            child.sendline(typed)
        child.expect_exact("Pregunta 9 de 22")
        for typed in ["2", "2", "2", "8", "1", "1", "", "", "", "", "", "1", "2", ""]:
            child.expect_exact("> ")
            child.sendline(typed)
        child.expect_exact("Sus respuestas")
        child.expect_exact("Escriba un número para cambiar esa respuesta. Enter = ver su resultado.")
        child.sendline("")
        child.expect_exact("Su resultado:")
        child.expect_exact("Tenga en cuenta")
        child.expect(pexpect.EOF)
        transcript = child.before or ""
        assert "Your result" not in transcript
    finally:
        child.close(force=True)


def test_spanish_ctrl_c_message() -> None:
    env = {**os.environ, "NO_COLOR": "1", "TERM": "xterm", "LANG": "es_MX.UTF-8"}
    child = pexpect.spawn(sys.executable, ["-m", "kratom_check"], env=env, encoding="utf-8", timeout=15)
    child.expect_exact("> ")
    child.sendcontrol("c")
    child.expect_exact("Se detuvo. No se guardó nada.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130


def test_packaged_spanish_questionnaire_keeps_every_id(questionnaire: Questionnaire, spanish: Questionnaire) -> None:
    assert [q.choice_ids for q in spanish.questions] == [q.choice_ids for q in questionnaire.questions]
    assert questionnaire_module.load(None, "en") == questionnaire  # English stays as it was


def test_no_cli_message_gives_dosing_advice_or_uses_stigmatising_words() -> None:
    texts = []
    for message in catalogs.read("es"):
        for part in (message.id, message.string):
            texts.extend(part if isinstance(part, tuple) else (part,))
    assert [f.match for f in language.all_findings(t for t in texts if t)] == []
