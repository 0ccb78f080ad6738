"""Shared fixtures: a pinned, private environment for every test, and the packaged questionnaire."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from kratom_check.cli import app
from kratom_check.load import questionnaire as questionnaire_module
from kratom_check.model import Questionnaire

CHROMIUM_FLAGS = [  # Chromium as root on a closed network: no sandbox, no GPU, no calls of its own
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PERSONAS = sorted((Path(__file__).parent / "personas").glob("*.yaml"))
REPO = Path(__file__).resolve().parent.parent


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", help="run property tests with many more examples")


def pytest_configure(config: pytest.Config) -> None:
    from hypothesis import settings

    settings.register_profile("ci", max_examples=300, deadline=None)
    settings.register_profile("slow", max_examples=5000, deadline=None)
    # For mutation runs (docs/testing.md), given as --hypothesis-profile=mutation: fewer examples, the same each run.
    settings.register_profile("mutation", max_examples=50, deadline=None, derandomize=True, database=None)
    settings.load_profile("slow" if config.getoption("--slow") else "ci")


SLOW_FILES = {
    "test_interactive.py": "drives a real pseudo-terminal (pexpect)",
    "test_interactive_flow.py": "drives a real pseudo-terminal (pexpect)",
    "test_packaging.py": "builds and installs the wheel",
    "test_html_pdf.py": "prints with headless Chromium",
}
SLOW_TESTS = {
    "test_spanish.py::test_spanish_interactive_walk_in_a_real_terminal": "pexpect",
    "test_spanish.py::test_spanish_ctrl_c_message": "pexpect",
    "test_cli.py::test_python_dash_m_runs_the_tool": "subprocess",
    "test_batch.py::test_batch_buffers_its_own_output_even_with_pythonunbuffered": "subprocess under strace",
    "test_batch.py::test_ctrl_c_in_a_real_run_counts_exactly_the_rows_in_the_output": "subprocess, 500,000 rows",
    "test_hostile_input.py::test_a_normal_run_writes_no_file_anywhere": "subprocess",
    "test_hostile_input.py::test_ascii_only_output_stream_works": "subprocess",
    "test_hostile_input.py::test_closed_pipe_ends_quietly": "subprocess",
    "test_hostile_input.py::test_head_dash_1_ends_quietly": "subprocess",
    "test_hostile_input.py::test_hostile_files_are_refused_with_bounded_memory": "subprocess",
    "test_hostile_input.py::test_mutated_questionnaires_end_in_a_report_or_a_clear_error": "long property run",
    "test_hostile_input.py::test_any_json_like_answers_end_in_a_report_or_a_clear_error": "long property run",
    "test_hostile_input.py::test_any_bytes_end_in_a_report_or_a_clear_error": "long property run",
    "test_content.py::test_no_rendered_report_gives_dosing_advice_or_stigmatising_words": "long property run",
    "test_batch_scoring.py::test_any_questionnaire_scores_as_the_reference_path_scores_it": "long property run",
    "test_batch_scoring.py::test_rows_score_as_the_reference_path_scores_them": "long property run",
    "test_hostile_input.py::test_a_pipe_with_nothing_in_it_yet_is_told_what_is_awaited": "subprocess, waits",
    "test_hostile_input.py::test_a_pipe_that_is_ready_gets_no_waiting_notice": "subprocess",
    "test_hostile_input.py::test_a_full_disk_behind_standard_output_is_an_output_error_not_a_bug": "subprocess",
    "test_cli.py::test_debug_is_accepted_after_a_command_name": "subprocess",
    "test_cli.py::test_an_answers_file_given_as_a_command_gets_a_did_you_mean": "subprocess",
    "test_scale.py::test_duckdb_engine_equals_python_engine_on_any_json_lines": "long property run",
    "test_scale.py::test_duckdb_engine_equals_python_engine_on_any_csv": "long property run",
    "test_scale.py::test_a_real_ctrl_c_on_the_duckdb_engine_counts_exactly_the_rows_in_the_output": "subprocess",
    "test_scale.py::test_exported_sql_scores_any_valid_row_as_the_reference_does": "long property run",
    "test_scale.py::test_spark_sql_scores_every_persona_as_the_reference_does_in_spark_local_mode": "Spark",
    "test_scale.py::test_spark_sql_gives_the_problem_kinds_in_spark_local_mode": "Spark",
}
"""Tests left out of the fast tier (pytest -m "not slow"), by file or by name, so test files need no edits."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        file_name = item.path.name
        name = getattr(item, "originalname", item.name)  # without the parameters' [id]
        if file_name in SLOW_FILES or f"{file_name}::{name}" in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def pinned_environment(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Same width, no colour and a throwaway HOME for every test, whatever the developer's shell has."""
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("HOME", str(tmp_path_factory.mktemp("home")))
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    for variable in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    from kratom_check import i18n

    i18n.activate("en")


@pytest.fixture(scope="session")
def questionnaire() -> Questionnaire:
    return questionnaire_module.load()


def load_persona(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


@pytest.fixture
def run_cli() -> Callable[..., Any]:
    """Invoke the CLI in-process; output and errors are kept apart as a user's terminal would."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Any:
        return runner.invoke(app, list(args), input=input)

    return invoke


@pytest.fixture
def answers_file(tmp_path: Path) -> Callable[[str], Path]:
    def write(text: str, name: str = "answers.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


EXAMPLE_ANSWERS = """\
frequency: several_daily
duration: over_1_year
amount: moderate
product_forms: [leaf, extract]
co_use: [alcohol]
alcohol_frequency: weekly
liver_conditions: [none]
symptoms: [none]
"""


LIGHT_USE = {
    "frequency": ("rarely",),
    "duration": ("under_1_month",),
    "amount": ("small",),
    "product_forms": ("leaf",),
    "co_use": ("none",),
    "liver_conditions": ("none",),
    "symptoms": ("none",),
}
"""Light use and no risk factor, as checked answers: a test adds the one answer it is about."""
