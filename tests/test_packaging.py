"""The built wheel carries the questionnaire and works without the source tree."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import EXAMPLE_ANSWERS, REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(REPO)],
        check=True,
        capture_output=True,
    )
    (built,) = dist.glob("kratom_check-*.whl")
    return built


def test_wheel_contains_the_questionnaire_and_its_companions(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    for name in (
        "questions.yaml",
        "questions.es.yaml",
        "questions.compiled.json",
        "render/report.html",
        "locales/es/LC_MESSAGES/kratom_check.mo",
    ):
        assert f"kratom_check/{name}" in names


def test_wheel_compiled_copy_matches_its_questionnaire(wheel: Path) -> None:
    import hashlib
    import json

    with zipfile.ZipFile(wheel) as archive:
        source = archive.read("kratom_check/questions.yaml")
        payload = json.loads(archive.read("kratom_check/questions.compiled.json"))
    assert payload["source_sha256"] == hashlib.sha256(source).hexdigest()


def test_installed_wheel_scores_answers_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "answers.yaml").write_text(EXAMPLE_ANSWERS, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(target)}
    code = "import kratom_check, sys; print(kratom_check.__file__)"
    where = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=elsewhere, capture_output=True, text=True, check=True
    )
    assert where.stdout.startswith(str(target))
    result = subprocess.run(
        [sys.executable, "-m", "kratom_check", "--answers", "answers.yaml", "--format", "json"],
        env=env,
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["level"] == "high"
