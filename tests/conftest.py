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

PERSONAS = sorted((Path(__file__).parent / "personas").glob("*.yaml"))
REPO = Path(__file__).resolve().parent.parent


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", help="run property tests with many more examples")


def pytest_configure(config: pytest.Config) -> None:
    from hypothesis import settings

    settings.register_profile("ci", max_examples=300, deadline=None)
    settings.register_profile("slow", max_examples=5000, deadline=None)
    settings.load_profile("slow" if config.getoption("--slow") else "ci")


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
