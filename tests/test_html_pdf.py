"""The HTML report prints: headless Chromium turns it into a PDF that holds the report's text."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .conftest import CHROMIUM_FLAGS, EXAMPLE_ANSWERS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="needs Debian's chromium package (apt-get install -y chromium); .ci/run installs it"
)


def printed(html: str, tmp_path: Path) -> list[str]:
    """The text of each printed page, as headless Chromium prints the HTML report."""
    import pypdf

    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")
    pdf = tmp_path / "report.pdf"
    assert CHROMIUM is not None
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    return [" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(pdf).pages]


def test_html_report_prints_to_pdf_with_its_text(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    text = " ".join(printed(run_cli("--format", "html", input=EXAMPLE_ANSWERS).stdout, tmp_path))
    assert "Your result: High: we found a serious risk, or several risks together" in text
    assert "This check is not a diagnosis." in text
    assert "When to get care" in text
    assert "Why you got this result" in text
    assert "How often do you use kratom now?" in text


def test_the_clinician_page_starts_on_a_printed_page_of_its_own(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    pages = printed(run_cli("--format", "html", input=EXAMPLE_ANSWERS).stdout, tmp_path)
    starts = [number for number, text in enumerate(pages) if "For your clinician" in text]
    assert len(starts) == 1
    assert starts[0] > 0
    assert pages[starts[0]].startswith("For your clinician")
    assert "Sources" in pages[starts[0] - 1] or "Sources" in " ".join(pages[: starts[0]])
