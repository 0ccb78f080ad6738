"""Help where the person is: each country's emergency and poison lines, chosen by --region or the locale."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kratom_check import i18n
from kratom_check.cli import app
from kratom_check.load import questionnaire as questionnaire_module
from kratom_check.load.regions import offered
from kratom_check.model import to_data

from .conftest import REPO
from .test_loader import load_changed

Cli = Callable[..., Any]
URGENT = (
    "symptoms: [yellow_skin_eyes]\nfrequency: daily\nduration: over_1_year\namount: small\nproduct_forms: [leaf]\n"
    "co_use: [none]\nliver_conditions: [none]\n"
)
CALL_NOW = URGENT.replace("[yellow_skin_eyes]", "[slow_breathing]")

# The country's lines that open an urgent report: emergency first, then poison help where one exists.
LEADS = {
    "US": ["Emergency: Call 911.", "Poison Help: Call 1-800-222-1222."],
    "AU": ["Emergency (Triple Zero): Call 000.", "Poisons Information Centre: Call 13 11 26."],
    "CA": ["Emergency: Call 911.", "Poison centre: Call 1-844-764-7669 (1-844-POISON-X)."],
    "ES": ["Emergency: Call 112."],
    "GB": ["Emergency: Call 999.", "NHS 111: Call 111."],
    "MX": ["Emergency: Call 911."],
}
NAMES = {
    "US": "the United States",
    "AU": "Australia",
    "CA": "Canada",
    "ES": "Spain",
    "GB": "the United Kingdom",
    "MX": "Mexico",
}
LOCALES = {"US": "en_US.UTF-8", "AU": "en_AU.UTF-8", "CA": "fr_CA.UTF-8", "ES": "es_ES.UTF-8", "GB": "en_GB.UTF-8",
           "MX": "es_MX.UTF-8"}  # fmt: skip


def report(*args: str, env: dict[str, str] | None = None, answers: str = URGENT) -> Any:
    return CliRunner().invoke(app, ["--answers", "-", *args], input=answers, env=env)


def unwrapped(text: str) -> str:
    return re.sub(r"\s*\n\s*", " ", text)


def test_the_shipped_countries_are_the_ones_with_lead_lines() -> None:
    assert sorted(offered(to_data(questionnaire_module.load_checked()))) == sorted(LEADS)


@pytest.mark.parametrize("code", sorted(LEADS))
def test_an_urgent_report_for_a_country_leads_with_its_emergency_and_poison_lines(code: str) -> None:
    result = report("--region", code, "--lang", "en")
    assert result.exit_code == 0, result.stderr
    lead = unwrapped(result.stdout.split("\nYour result:")[0])
    assert lead.startswith(f"Get help now in {NAMES[code]}")
    positions = [lead.index(line) for line in LEADS[code]]
    assert positions == sorted(positions)


@pytest.mark.parametrize("code", sorted(LEADS))
def test_the_country_comes_from_the_locale(code: str) -> None:
    result = report("--lang", "en", env={"LANG": LOCALES[code]})
    assert result.exit_code == 0, result.stderr
    assert f"Get help now in {NAMES[code]}" in result.stdout
    for line in LEADS[code]:
        assert line in unwrapped(result.stdout)


@pytest.mark.parametrize("code", sorted(set(LEADS) - {"US", "CA", "MX"}))
def test_a_country_with_another_emergency_number_never_shows_911(code: str) -> None:
    result = report("--region", code, "--lang", "en", answers=URGENT + "opioids: not_prescribed\n")
    assert "911" not in result.stdout
    assert "{emergency}" not in result.stdout


def test_a_locale_without_a_country_gets_the_us_lines_labelled_as_such() -> None:
    result = report(env={"LANG": "C.UTF-8"})
    text = unwrapped(result.stdout)
    assert "Get help now in the United States" in text
    assert "Emergency: Call 911. If you are not in the US, call your local emergency number." in text


def test_a_country_with_no_checked_numbers_gets_its_local_emergency_number_and_no_foreign_one() -> None:
    result = report("--lang", "en", env={"LANG": "th_TH.UTF-8"})
    text = unwrapped(result.stdout)
    assert "Get help now in your country" in text
    assert "Emergency: Call your local emergency number." in text
    assert "Call your local emergency number now:" in text
    assert not re.search(r"\b(911|1-800|988)\b", text)


def test_an_unknown_region_is_refused_with_the_supported_ones() -> None:
    result = report("--region", "FR")
    assert result.exit_code == 2
    assert "--region: kratom-check has no confirmed help numbers for 'FR'. Use one of: " in result.stderr
    assert all(code in result.stderr for code in LEADS)
    assert result.stdout == ""


def test_an_unknown_region_is_refused_before_any_question_is_asked(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["--region", "XX", "--output", str(tmp_path / "r.txt")], input="")
    assert result.exit_code == 2
    assert not (tmp_path / "r.txt").exists()


def test_uk_is_accepted_for_the_united_kingdom() -> None:
    assert "Get help now in the United Kingdom" in report("--region", "uk").stdout


def test_help_lists_every_supported_region() -> None:
    shown = " ".join(CliRunner().invoke(app, ["--help"]).stdout.split())
    listed = re.search(r"Country of the help numbers: ([A-Z, ()a-z]+?) \(default", shown)
    assert listed is not None
    codes = re.findall(r"\b[A-Z]{2}\b", listed.group(1))
    assert sorted(set(codes) - {"UK"}) == sorted(LEADS)


@pytest.mark.parametrize(
    ("code", "numbers", "name"), [("MX", ["Llame al 911."], "México"), ("ES", ["Llame al 112."], "España")]
)
def test_a_spanish_report_gives_the_country_numbers_in_spanish(code: str, numbers: list[str], name: str) -> None:
    result = report(env={"LANG": f"es_{code}.UTF-8"})
    text = unwrapped(result.stdout)
    assert f"Busque ayuda ahora en {name}" in text
    for number in numbers:
        assert number in text
    assert f"Llame al {numbers[0].split()[-1].rstrip('.')} ahora:" in text
    assert "1-800" not in text


@pytest.mark.parametrize("output_format", ["markdown", "html"])
def test_every_format_says_which_country_its_numbers_are_for(output_format: str) -> None:
    result = report("--region", "AU", "--format", output_format, answers=URGENT + "opioids: not_prescribed\n")
    assert "Get help now in Australia" in result.stdout


def test_the_json_report_carries_the_region_used() -> None:
    data = json.loads(report("--region", "GB", "--format", "json").stdout)
    assert data["region"] == {"code": "GB", "name": "the United Kingdom"}
    assert [line["contact"] for line in data["advice"]["urgent_contacts"]] == ["Call 999", "Call 111"]


def test_fhir_output_carries_the_country_number_in_its_text_only() -> None:
    bundle = json.loads(report("--region", "AU", "--format", "fhir", answers=CALL_NOW).stdout)
    risk = bundle["entry"][1]["resource"]
    assert "Call 000 now" in risk["mitigation"]
    # Ids are random-looking hex, which may hold "911" by chance: only the texts are read.
    texts = re.sub(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", "", json.dumps(bundle))
    assert "911" not in texts


def test_the_us_only_line_that_names_samhsa_is_not_shown_elsewhere() -> None:
    answers = URGENT + "clinician_support: 'no'\n"
    assert "SAMHSA helpline can help you find care" in unwrapped(report("--region", "US", answers=answers).stdout)
    assert "SAMHSA" not in report("--region", "AU", answers=answers).stdout


def test_every_shipped_number_has_its_source_row_in_the_content_doc() -> None:
    doc = (REPO / "docs" / "content.md").read_text(encoding="utf-8")
    table = doc.split("### Help by country\n", 1)[1].split("\n#", 1)[0]
    rows = [
        [cell.strip() for cell in line.strip("|").split("|")] for line in table.splitlines() if line.startswith("| ")
    ]
    documented = {(row[0], number) for row in rows for number in re.findall(r"\d[\d -]*\d|\d", row[2])}
    checked = questionnaire_module.load_checked()
    for region in checked.regions:
        for line in region.resources:
            found = re.findall(r"(?<![\w-])\d+(?:[ -]\d+)*(?![\w-])", f"{line.contact} {line.text}")
            for number in [number for number in found if sum(char.isdigit() for char in number) >= 3]:
                assert (region.code, number) in documented, (region.code, line.id, number)
            cited = " ".join(row[4] for row in rows if row[0] == region.code and row[1] == line.id)
            assert all(f"`{key}`" in cited for key in line.sources), (region.code, line.id)


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "es_MX.UTF-8"}, "MX"),
        ({"LANG": "en_AU"}, "AU"),
        ({"LANG": "C.UTF-8"}, None),
        ({"LANG": "POSIX"}, None),
        ({"LC_ALL": "en_GB.UTF-8", "LANG": "es_MX.UTF-8"}, "GB"),
        ({"LANG": "sr_RS@latin"}, "RS"),
        ({"LANG": "es_419.UTF-8"}, "419"),
        ({}, None),
    ],
)
def test_the_locale_territory_is_read_like_the_language(environ: dict[str, str], expected: str | None) -> None:
    assert i18n.territory(environ) == expected


def test_a_placeholder_other_than_emergency_is_refused(tmp_path: Path) -> None:
    error = load_changed(tmp_path, "Call {emergency} now. Give naloxone", "Call {police} now. Give naloxone")
    assert any(
        "unknown placeholder '{police}' (known: {emergency}, {emergency_room})" in problem for problem in error.problems
    )


def test_a_line_for_an_unknown_country_is_refused(tmp_path: Path) -> None:
    error = load_changed(tmp_path, "    regions: [US]\n", "    regions: [FR]\n")
    assert any("regions[0]: unknown region 'FR' (known: US, AU, CA, ES, GB, MX, ZZ)" in p for p in error.problems)


def test_latin_american_spanish_with_no_country_gets_the_local_emergency_number() -> None:
    result = report(env={"LANG": "es_419.UTF-8"})
    assert "Busque ayuda ahora en su país" in unwrapped(result.stdout)
    assert "911" not in result.stdout


def test_the_naloxone_without_a_prescription_line_is_for_the_us_only() -> None:
    answers = URGENT + "opioids: not_prescribed\n"
    assert "In the US, you can buy naloxone nasal spray without a prescription." in unwrapped(
        report("--region", "US", answers=answers).stdout
    )
    for code in ("AU", "GB", "CA"):
        assert "you can buy naloxone nasal spray" not in unwrapped(report("--region", code, answers=answers).stdout)
