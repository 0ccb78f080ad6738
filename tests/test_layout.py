"""The package's shape: one way down the house, and a page that names every room."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def _import_graph() -> ModuleType:
    spec = importlib.util.spec_from_file_location("import_graph", REPO / "benchmarks" / "import_graph.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GRAPH = _import_graph()
EDGES: dict[str, set[str]] = GRAPH.arrows(GRAPH.modules())


def test_no_modules_import_each_other_round_a_circle() -> None:
    assert GRAPH.circles(EDGES) == []


def test_no_arrow_climbs_back_up_the_stages() -> None:
    """load imports no later stage, score neither loads nor asks, and the shared modules import no stage."""
    assert GRAPH.climbing(EDGES) == []


def test_an_arrow_from_score_to_load_counts_as_climbing() -> None:
    edges = {"kratom_check.score.fast": {"kratom_check.load.questionnaire"}, "kratom_check.load.questionnaire": set()}
    assert GRAPH.climbing(edges) == [("kratom_check.score.fast", "kratom_check.load.questionnaire")]


def test_an_arrow_from_load_to_score_counts_as_climbing() -> None:
    edges = {"kratom_check.load.authoring": {"kratom_check.score.reference"}, "kratom_check.score.reference": set()}
    assert GRAPH.climbing(edges) == [("kratom_check.load.authoring", "kratom_check.score.reference")]


def test_an_arrow_from_a_shared_module_to_a_stage_counts_as_climbing() -> None:
    edges = {"kratom_check.contract": {"kratom_check.ask.answers"}, "kratom_check.ask.answers": set()}
    assert GRAPH.climbing(edges) == [("kratom_check.contract", "kratom_check.ask.answers")]


def test_an_arrow_down_the_stages_is_allowed() -> None:
    edges = {
        "kratom_check.render.data": {"kratom_check.ask.answers", "kratom_check.score.reference"},
        "kratom_check.batch.files": {"kratom_check.score.fast", "kratom_check.load.questionnaire"},
        "kratom_check.rows": {"kratom_check.load.questionnaire", "kratom_check.score.reference"},
    }
    assert GRAPH.climbing(edges) == []


def test_only_the_command_line_enters_the_error_boundary() -> None:
    """Errors become messages and exit codes in one place: commands raise, and name what they print."""
    entering = {
        str(path.relative_to(REPO))
        for path in (REPO / "kratom_check").rglob("*.py")
        if "user_errors(" in path.read_text(encoding="utf-8")
    }
    assert entering == {"kratom_check/cli.py", "kratom_check/edge.py"}


def test_every_command_that_takes_questions_declares_it_the_same_way() -> None:
    import typer.main

    from kratom_check.cli import app

    def commands(command: Any) -> Iterator[Any]:
        yield command
        for child in getattr(command, "commands", {}).values():
            yield from commands(child)

    declared = [
        (param.metavar, param.help)
        for command in commands(typer.main.get_command(app))
        for param in command.params
        if "--questions" in param.opts
    ]
    assert len(declared) >= 6
    assert set(declared) == {("FILE", "Use another questionnaire file.")}


def _tree_in_architecture_doc() -> set[str]:
    """The paths the tree in docs/architecture.md names, rebuilt from its indentation ("batch/read.py")."""
    text = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    block = text.split("```text\n", 1)[1].split("```", 1)[0].splitlines()
    assert block[0] == "kratom_check/"
    named: set[str] = set()
    folders: list[str] = []
    for line in block[1:]:
        start = line.index("── ") + 3
        depth = start // 4 - 1
        name = line[start:].split()[0]
        folders = folders[:depth]
        named.add("".join(folders) + name)
        if name.endswith("/"):
            folders.append(name)
    return named


def test_the_architecture_page_names_every_module_and_package() -> None:
    package = REPO / "kratom_check"
    modules = {str(path.relative_to(package)) for path in package.rglob("*.py")}
    packages = {f"{path.parent.relative_to(package)}/" for path in package.rglob("*/__init__.py")}
    assert (modules | packages) - _tree_in_architecture_doc() == set()


def test_the_architecture_page_tree_is_read_with_its_folders() -> None:
    named = _tree_in_architecture_doc()
    assert {"cli.py", "batch/", "batch/read.py", "score/reference.py", "form/"} <= named
    assert "read.py" not in named


HTML_SLOTS = {
    "contacts": "lead", "level_title": "result", "safety_net": "safety_net", "cautions": "cautions",
    "areas": "areas", "next_steps": "next_steps", "ask_clinician": "next_steps", "resources": "resources",
    "answers": "answers", "notice": "notice", "good_to_know": "notice", "sources": "sources",
    "clinician": "clinician",
}  # fmt: skip
"""The page template's slots that hold a section, and the section each holds."""


def test_the_html_page_lays_out_its_sections_in_the_one_order() -> None:
    from kratom_check.sections import SECTIONS

    template = (REPO / "kratom_check" / "render" / "report.html").read_text(encoding="utf-8")
    body = template.split("<body>", 1)[1]
    slots = [slot for slot in re.findall(r"\$(\w+)", body) if slot in HTML_SLOTS]
    assert set(slots) == set(HTML_SLOTS)
    shown = [HTML_SLOTS[slot] for slot in slots]
    assert shown == sorted(shown, key=SECTIONS.index)
