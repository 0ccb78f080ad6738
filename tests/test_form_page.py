"""The offline page (`kratom-check export form`): one self-contained file whose policy lets it load and send
nothing, that asks the same questions and shows the same report as the CLI.

The first tests read the exported file; the slow ones open it from file:// in headless Chromium.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import stat
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from kratom_check.cli import app

from .conftest import CHROMIUM_FLAGS, PERSONAS, load_persona

CHROMIUM = "/usr/bin/chromium"
REQUIRED_DIRECTIVES = {"default-src", "script-src", "style-src", "form-action", "connect-src", "base-uri"}
MAX_BYTES = 400 * 1024


def export(*args: str) -> Any:
    return CliRunner().invoke(app, ["export", "form", *args])


@pytest.fixture(scope="module")
def page_html(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("form") / "check.html"
    result = export("-o", str(path))
    assert result.exit_code == 0, result.output
    return path.read_text(encoding="utf-8")


class _Page(HTMLParser):
    """The parts of the page the policy is about: its CSP, inline scripts and styles, and attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.csp = ""
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.attributes += [(tag, name, value) for name, value in values.items()]
        if tag == "meta" and values.get("http-equiv", "").lower() == "content-security-policy":
            self.csp = values["content"]
        if tag == "script" and values.get("type", "text/javascript") in ("text/javascript", "module"):
            self._open = "script"
            self.scripts.append("")
        if tag == "style":
            self._open = "style"
            self.styles.append("")

    def handle_endtag(self, tag: str) -> None:
        self._open = None

    def handle_data(self, data: str) -> None:
        if self._open == "script":
            self.scripts[-1] += data
        elif self._open == "style":
            self.styles[-1] += data


def parsed(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def directives(csp: str) -> dict[str, list[str]]:
    return {name: values for name, *values in (part.split() for part in csp.split(";") if part.strip())}


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


# -- the exported file ----------------------------------------------------------------------------


def test_export_form_writes_one_private_file(tmp_path: Path) -> None:
    path = tmp_path / "check.html"
    result = export("-o", str(path))
    assert result.exit_code == 0
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_export_form_refuses_to_replace_a_file_without_force(tmp_path: Path) -> None:
    path = tmp_path / "check.html"
    path.write_text("mine", encoding="utf-8")
    result = export("-o", str(path))
    assert result.exit_code == 2
    assert f"{path}: this file already exists. Use --force to replace it, or pick another name." in result.stderr
    assert path.read_text(encoding="utf-8") == "mine"


def test_export_form_replaces_a_file_with_force(tmp_path: Path) -> None:
    path = tmp_path / "check.html"
    path.write_text("mine", encoding="utf-8")
    assert export("-o", str(path), "--force").exit_code == 0
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_export_form_without_output_prints_the_page(page_html: str) -> None:
    result = export()
    assert result.exit_code == 0
    assert result.stdout == page_html


def test_export_form_names_a_folder_as_a_folder(tmp_path: Path) -> None:
    result = export("-o", str(tmp_path))
    assert result.exit_code == 2
    assert f"{tmp_path}: this is a folder. Give a file name for the page, like check.html." in result.stderr


def test_export_form_reads_another_questionnaire(tmp_path: Path) -> None:
    from .conftest import REPO

    path = tmp_path / "check.html"
    result = export("-o", str(path), "--questions", str(REPO / "questions.yaml"))
    assert result.exit_code == 0, result.output
    assert "Kratom self-check" in path.read_text(encoding="utf-8")


def test_export_form_reports_a_broken_questionnaire_without_a_traceback(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("schema_version: 1\nquestions: 3\n", encoding="utf-8")
    result = export("-o", str(tmp_path / "check.html"), "--questions", str(broken))
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ")
    assert not (tmp_path / "check.html").exists()


def test_page_policy_has_exactly_the_required_directives(page_html: str) -> None:
    policy = directives(parsed(page_html).csp)
    assert set(policy) == REQUIRED_DIRECTIVES
    assert policy["default-src"] == ["'none'"]
    assert policy["form-action"] == ["'none'"]
    assert policy["connect-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]


def test_every_inline_script_and_style_is_pinned_by_its_hash_and_nothing_else_is_allowed(page_html: str) -> None:
    page = parsed(page_html)
    policy = directives(page.csp)
    assert page.scripts
    assert page.styles
    assert sorted(policy["script-src"]) == sorted(sha256(script) for script in page.scripts)
    assert sorted(policy["style-src"]) == sorted(sha256(style) for style in page.styles)


def test_page_has_no_inline_event_handler_and_no_style_attribute(page_html: str) -> None:
    found = [
        (tag, name) for tag, name, _value in parsed(page_html).attributes if name.startswith("on") or name == "style"
    ]
    assert found == []


def test_page_loads_nothing_from_anywhere(page_html: str) -> None:
    loaded = [
        (tag, name, value)
        for tag, name, value in parsed(page_html).attributes
        if name in ("src", "href", "srcset", "data", "poster", "action") and tag != "a"
    ]
    assert loaded == []
    assert not re.search(r"""(?:src|href)\s*=\s*["']?https?://""", page_html)


def test_page_uses_no_storage_and_no_way_to_send() -> None:
    from .conftest import REPO

    code = "".join(
        (REPO / "kratom_check" / "form" / name).read_text(encoding="utf-8") for name in ("page.js", "scorer.js")
    )
    for word in ("localStorage", "sessionStorage", "document.cookie", "indexedDB", "fetch(", "XMLHttpRequest",
                 "WebSocket", "sendBeacon", "EventSource"):  # fmt: skip
        assert word not in code, word


def test_the_page_script_has_no_look_behind_which_older_safari_cannot_read() -> None:
    from .conftest import REPO

    assert "(?<" not in (REPO / "kratom_check" / "form" / "page.js").read_text(encoding="utf-8")


def test_page_is_at_most_400_kb(page_html: str) -> None:
    assert len(page_html.encode("utf-8")) <= MAX_BYTES


def test_page_data_cannot_end_its_script_element(page_html: str) -> None:
    data = page_html.split('<script type="application/json" id="kc-data">')[1].split("</script>")[0]
    assert "<" not in data
    assert json.loads(data)["format"] == "kratom-check-form-data"


# -- in a real browser ------------------------------------------------------------------------------

needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"needs Chromium at {CHROMIUM}")


@pytest.fixture(scope="module")
def page_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("browser") / "check.html"
    result = export("-o", str(path))
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


class Opened:
    """One page opened from file://, with every request it made and every script error it raised."""

    def __init__(self, browser: Any, page_file: Path, locale: str) -> None:
        self.context = browser.new_context(locale=locale, accept_downloads=True, viewport={"width": 800, "height": 900})
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.failed: list[tuple[str, str]] = []
        self.responses: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("requestfailed", lambda request: self.failed.append((request.url, request.failure or "")))
        self.page.on("response", lambda response: self.responses.append(response.url))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto(page_file.as_uri())
        self.page.locator("html[data-ready]").wait_for(state="attached")

    def network(self) -> list[str]:
        return [url for url in self.requests if not url.startswith(("file:", "data:", "blob:"))]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def opened(browser: Any, page_file: Path) -> Iterator[Opened]:
    page = Opened(browser, page_file, "en-US")
    yield page
    assert page.errors == []
    page.close()


def answer_persona(page: Any, answers: dict[str, Any], *, keyboard: bool = True) -> None:
    """Answer every question the page asks from the persona's answers: every other one by keyboard, the rest by
    clicks; an optional question the persona leaves out is skipped; after a warning sign, go on."""
    for step in range(60):
        form = page.locator("form#kc-question")
        if form.count() == 0:
            if page.locator(".warning-now").count():
                page.locator("button[data-action=go-on]").click()
                continue
            return
        question = form.get_attribute("data-question")
        given = answers.get(question)
        # A ruler's answer may be written as a number (importance: 9), as answers files may.
        chosen = [] if given is None else [str(given)] if isinstance(given, str | int) else list(given)
        if keyboard and step % 2:
            for choice in chosen:
                page.locator(f"input[value='{choice}']").focus()
                page.keyboard.press("Space")
            if chosen:
                page.keyboard.press("Enter")
            else:
                page.locator("button[type=submit]").focus()
                page.keyboard.press("Enter")
        else:
            for choice in chosen:
                page.locator(f"input[value='{choice}']").check()
            page.locator("button[type=submit]").click()
    raise AssertionError("the questions never ended")


def to_result(page: Any) -> None:
    page.locator("button[data-action=result]").click()
    whole_report(page)


def whole_report(page: Any) -> None:
    """Wait for the rest of the report, which the page adds in the frame after the result is shown."""
    page.locator("#kc-report[data-complete]").wait_for(state="attached")


def persona_answers(name: str) -> dict[str, Any]:
    answers: dict[str, Any] = load_persona(Path(__file__).parent / "personas" / f"{name}.yaml")["answers"]
    return answers


def python_item_titles(answers: dict[str, Any]) -> list[str]:
    """The caution titles the Python engine's report shows, in order (one item per topic)."""
    from kratom_check.ask import answers as answers_module
    from kratom_check.load.questionnaire import load
    from kratom_check.render.plan import plan
    from kratom_check.score.reference import score

    model = load(region="US")
    assessment = score(model, answers_module.check(model, answers, "persona").values)
    return [item.title for item in plan(assessment, model).items]


def cli(answers_path: Path, *args: str) -> str:
    result = CliRunner().invoke(app, ["--answers", str(answers_path), *args])
    assert result.exit_code == 0, result.output
    return str(result.stdout)


def cli_json(tmp_path: Path, answers: dict[str, Any], lang: str, region: str) -> dict[str, Any]:
    path = tmp_path / f"answers-{lang}.json"
    path.write_text(json.dumps(answers), encoding="utf-8")
    report: dict[str, Any] = json.loads(cli(path, "--format", "json", "--lang", lang, "--region", region))
    del report["made"]
    return report


@pytest.mark.slow
@needs_chromium
def test_a_persona_filled_in_by_keyboard_and_clicks_gets_the_engines_level_and_cautions(
    opened: Opened, tmp_path: Path
) -> None:
    answers = persona_answers("alcohol_and_acetaminophen")
    answer_persona(opened.page, answers)
    to_result(opened.page)
    expected = cli_json(tmp_path, answers, "en", "US")
    shown = opened.page.locator("#kc-report h2.result").inner_text()
    assert shown == f"Your result: {expected['level_title']}"
    titles = opened.page.locator("#kc-report ol > li > strong, #kc-report ol > li > details strong").all_inner_texts()
    assert titles == [f"{title}." for title in python_item_titles(answers)]
    assert opened.network() == []


@pytest.mark.slow
@needs_chromium
@pytest.mark.parametrize("button", ["save", "save-fhir"])
def test_the_downloaded_answers_give_the_same_report_through_the_cli(
    opened: Opened, tmp_path: Path, button: str
) -> None:
    answers = persona_answers("daily_heavy_drinker")
    answer_persona(opened.page, answers)
    to_result(opened.page)
    with opened.page.expect_download() as download:
        opened.page.locator(f"button[data-action={button}]").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    given = tmp_path / "given.json"
    given.write_text(json.dumps(answers), encoding="utf-8")
    assert cli(saved, "--region", "US") == cli(given, "--region", "US")
    assert opened.network() == []


@pytest.mark.slow
@needs_chromium
def test_the_saved_answers_file_is_yaml_with_contract_ids(opened: Opened, tmp_path: Path) -> None:
    answers = persona_answers("pregnant")
    answer_persona(opened.page, answers, keyboard=False)
    to_result(opened.page)
    with opened.page.expect_download() as download:
        opened.page.locator("button[data-action=save]").click()
    saved = tmp_path / "answers.yaml"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "answers.yaml"
    assert yaml.safe_load(saved.read_text(encoding="utf-8")) == answers


@pytest.mark.slow
@needs_chromium
def test_an_injected_fetch_is_blocked_by_the_policy_and_sends_nothing(opened: Opened) -> None:
    outcome = opened.page.evaluate(
        """async () => {
            let violated = null;
            document.addEventListener("securitypolicyviolation", (event) => { violated = event.effectiveDirective; });
            let rejected = false;
            try { await fetch("https://example.org/"); } catch (error) { rejected = true; }
            await new Promise((resolve) => setTimeout(resolve, 200));
            return {rejected, violated};
        }"""
    )
    assert outcome == {"rejected": True, "violated": "connect-src"}
    assert opened.network() == []


@pytest.mark.slow
@needs_chromium
def test_an_injected_image_is_blocked_by_the_policy(opened: Opened) -> None:
    violated = opened.page.evaluate(
        """() => new Promise((resolve) => {
            document.addEventListener("securitypolicyviolation", (event) => resolve(event.effectiveDirective));
            const image = document.createElement("img");
            image.src = "https://example.org/pixel.png";
            document.body.append(image);
        })"""
    )
    assert violated == "img-src"
    # Chromium names the image it was asked for, then refuses it: nothing reaches the network.
    assert [(url, "csp" in failure.casefold()) for url, failure in opened.failed] == [
        ("https://example.org/pixel.png", True)
    ]
    assert [url for url in opened.responses if not url.startswith("file:")] == []


@pytest.mark.slow
@needs_chromium
def test_a_same_day_warning_sign_shows_get_help_now_at_once_with_the_countrys_contacts(opened: Opened) -> None:
    page = opened.page
    page.locator("input[value=chest_pain]").check()
    page.locator("button[type=submit]").click()
    box = page.locator(".warning-now")
    assert box.locator("h2").inner_text() == "Get help now in the United States"
    assert "Call 911" in box.inner_text()
    assert page.evaluate("document.activeElement.id") == "kc-now"
    page.locator("button[data-action=report-now]").click()
    whole_report(page)
    assert "Urgent" in page.locator("#kc-report h2.result").inner_text()
    assert "You asked for this report before the end" in page.locator("#kc-report").inner_text()


@pytest.mark.slow
@needs_chromium
def test_back_returns_to_the_last_question_with_its_answer_kept(opened: Opened) -> None:
    page = opened.page
    assert page.locator("button[data-action=back]").count() == 0
    page.locator("input[value=none]").check()
    page.locator("button[type=submit]").click()
    assert page.locator("form").get_attribute("data-question") == "frequency"
    page.locator("button[data-action=back]").click()
    assert page.locator("form").get_attribute("data-question") == "symptoms"
    assert page.locator("input[value=none]").is_checked()


@pytest.mark.slow
@needs_chromium
def test_an_exclusive_choice_cannot_be_picked_with_others(opened: Opened) -> None:
    page = opened.page
    page.locator("input[value=none]").check()
    page.locator("input[value=itching]").check()
    page.locator("button[type=submit]").click()
    assert page.locator("#kc-problem").inner_text() == '"None of these" cannot be picked with other choices.'
    assert page.locator("form").get_attribute("data-question") == "symptoms"


@pytest.mark.slow
@needs_chromium
def test_a_required_question_cannot_be_skipped(opened: Opened) -> None:
    opened.page.locator("button[type=submit]").click()
    assert opened.page.locator("#kc-problem").inner_text() == "Please pick an answer. Your result depends on it."


@pytest.mark.slow
@needs_chromium
def test_each_question_has_its_help_text(opened: Opened) -> None:
    from kratom_check.load.questionnaire import load

    help_box = opened.page.locator("details.help")
    help_box.locator("summary").click()
    assert help_box.locator("p").inner_text() == load().questions[0].help


@pytest.mark.slow
@needs_chromium
def test_the_review_lists_every_answer_and_changes_one(opened: Opened) -> None:
    page = opened.page
    answer_persona(page, persona_answers("occasional_leaf"), keyboard=False)
    rows = page.locator("ol.review li span").all_inner_texts()
    assert rows[0] == "Warning signs: None of these"
    page.locator("button[data-question=frequency]").click()
    page.locator("input[value=daily]").check()
    page.locator("button[type=submit]").click()
    assert "How often: Once a day" in page.locator("ol.review").inner_text()


@pytest.mark.slow
@needs_chromium
@pytest.mark.parametrize(
    ("locale", "lang", "country"), [("es-MX", "es", "MX"), ("en-GB", "en", "GB"), ("fr-BE", "en", "ZZ")]
)
def test_language_and_country_come_from_the_browser(
    browser: Any, page_file: Path, locale: str, lang: str, country: str
) -> None:
    opened = Opened(browser, page_file, locale)
    try:
        assert opened.page.evaluate("document.documentElement.lang") == lang
        assert opened.page.locator("#kc-region").input_value() == country
    finally:
        opened.close()


@pytest.mark.slow
@needs_chromium
def test_language_and_country_can_be_switched(opened: Opened) -> None:
    from kratom_check.load.questionnaire import load

    page = opened.page
    page.locator("#kc-lang").select_option("es")
    assert page.locator("legend").inner_text() == load(language="es").questions[0].text
    page.locator("#kc-region").select_option("AU")
    page.locator("input[value=chest_pain]").check()
    page.locator("button[type=submit]").click()
    assert "000" in page.locator(".warning-now").inner_text()


@pytest.mark.slow
@needs_chromium
def test_the_result_takes_the_focus_and_the_rest_of_the_report_follows_once(opened: Opened) -> None:
    page = opened.page
    answer_persona(page, persona_answers("pregnant"), keyboard=False)
    to_result(page)
    assert page.evaluate("document.activeElement.className") == "result"
    report = page.locator("#kc-report")
    assert report.get_attribute("aria-busy") is None
    assert report.locator("h2", has_text="Sources").count() == 1
    assert report.locator("section.clinician").count() == 1


@pytest.mark.slow
@needs_chromium
def test_a_language_switched_on_the_result_shows_the_whole_report_in_that_language(opened: Opened) -> None:
    from kratom_check.load.questionnaire import load

    page = opened.page
    answer_persona(page, persona_answers("pregnant"), keyboard=False)
    to_result(page)
    page.locator("#kc-lang").select_option("es")
    whole_report(page)
    title = json.dumps(load(language="es").title)
    page.wait_for_function(f"() => document.querySelector('#kc-report h1').textContent === {title}")
    assert page.locator("#kc-report h2", has_text="Fuentes").count() == 1
    assert page.locator("#kc-report section.clinician").count() == 1
    assert page.locator("#kc-report h2", has_text="Sources").count() == 0


@pytest.mark.slow
@needs_chromium
def test_every_persona_scores_in_the_page_as_the_python_engine_scores_it(opened: Opened, tmp_path: Path) -> None:
    for persona in PERSONAS:
        answers = load_persona(persona)["answers"]
        for lang, region in (("en", "US"), ("es", "MX")):
            in_page = opened.page.evaluate(
                "([answers, options]) => window.kratomCheck.score(answers, options)",
                [answers, {"lang": lang, "region": region}],
            )
            in_page.pop("made")
            assert in_page == cli_json(tmp_path, answers, lang, region), (persona.stem, lang)


REPORT_PERSONAS = [
    "chest_pain", "pregnant", "occasional_leaf", "cirrhosis_with_acetaminophen", "wants_to_stop_after_seven_oh",
]


def _report_text(page: Any, selector: str) -> str:
    text: str = page.evaluate(
        """(selector) => {
            const report = document.querySelector(selector).cloneNode(true);
            report.querySelectorAll(".made").forEach((made) => made.remove());
            return report.textContent;
        }""",
        selector,
    )
    return " ".join(text.split())


def _links(page: Any, selector: str) -> list[list[str]]:
    """Each link of the report (phone numbers, sources) as its target and its text."""
    links: list[list[str]] = page.evaluate(
        "(selector) => [...document.querySelectorAll(selector + ' a')]"
        ".map((a) => [a.getAttribute('href'), a.textContent])",
        selector,
    )
    return links


@pytest.mark.slow
@needs_chromium
@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("name", REPORT_PERSONAS)
def test_the_page_shows_the_same_report_as_format_html(
    browser: Any, page_file: Path, tmp_path: Path, name: str, lang: str
) -> None:
    answers = persona_answers(name)
    opened = Opened(browser, page_file, "es-US" if lang == "es" else "en-US")
    try:
        answer_persona(opened.page, answers, keyboard=False)
        to_result(opened.page)
        shown = _report_text(opened.page, "#kc-report")
        shown_links = _links(opened.page, "#kc-report")
        given = tmp_path / "answers.json"
        given.write_text(json.dumps(answers), encoding="utf-8")
        opened.page.set_content(cli(given, "--format", "html", "--lang", lang, "--region", "US"))
        assert shown == _report_text(opened.page, "body")
        assert shown_links == _links(opened.page, "body")
        assert opened.errors == []
    finally:
        opened.close()


@pytest.mark.slow
@needs_chromium
def test_axe_finds_no_serious_or_critical_violation_on_the_question_pages_and_the_result(opened: Opened) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = opened.page

    def serious() -> list[str]:
        checked = axe.run(page).response
        assert checked["passes"], "axe-core checked nothing"
        return [v["id"] for v in checked["violations"] if v["impact"] in ("serious", "critical")]

    assert serious() == []  # the first question: several choices
    page.locator("input[value=none]").check()
    page.locator("button[type=submit]").click()
    assert serious() == []  # a single-choice question
    answer_persona(page, persona_answers("chest_pain"), keyboard=False)
    assert serious() == []  # the review
    to_result(page)
    assert serious() == []  # the result


FIRST_QUESTION_TOP = """
(() => {
  // Where the first question stands when it is first put on the page, before the language and country come.
  new MutationObserver((changes, observer) => {
    const legend = document.querySelector("legend");
    if (!legend) return;
    window.firstTop = [legend.getBoundingClientRect().top, document.getElementById("settings").children.length];
    observer.disconnect();
  }).observe(document, {subtree: true, childList: true});
})();
"""


@pytest.mark.slow
@needs_chromium
@pytest.mark.parametrize("locale", ["en-US", "es-MX"])
def test_the_first_question_stays_put_when_the_language_and_country_come(
    browser: Any, page_file: Path, locale: str
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale=locale)
    try:
        page = context.new_page()
        page.add_init_script(FIRST_QUESTION_TOP)
        page.goto(page_file.as_uri())
        page.locator("html[data-ready]").wait_for(state="attached")
        top, settings_then = page.evaluate("window.firstTop")
        assert settings_then == 0
        assert page.locator("#settings select").count() == 2
        assert abs(page.evaluate("document.querySelector('legend').getBoundingClientRect().top") - top) < 2
    finally:
        context.close()


@pytest.mark.slow
@needs_chromium
def test_the_page_fits_a_360_pixel_screen_with_text_at_200_percent(browser: Any, page_file: Path) -> None:
    """A 360-pixel phone; the same width is what a 720-pixel window shows at 200 % zoom."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2)
    try:
        page = context.new_page()
        page.goto(page_file.as_uri())
        page.locator("html[data-ready]").wait_for(state="attached")
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        answer_persona(page, persona_answers("chest_pain"), keyboard=False)
        to_result(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()


@pytest.mark.slow
@needs_chromium
def test_the_print_button_prints_the_clinicians_page_alone(opened: Opened) -> None:
    page = opened.page
    answer_persona(page, persona_answers("pregnant"), keyboard=False)
    to_result(page)
    page.evaluate(
        """() => { window.print = () => {
            window.printed = [...document.querySelectorAll("#kc-report > *")]
                .filter((part) => getComputedStyle(part).display !== "none")
                .map((part) => part.className);
        }; }"""
    )
    page.emulate_media(media="print")  # the buttons are not printed: the click is sent to it directly
    page.locator("button[data-action=print]").dispatch_event("click")
    assert page.evaluate("window.printed") == ["clinician"]
    assert page.evaluate("document.body.className") == ""
