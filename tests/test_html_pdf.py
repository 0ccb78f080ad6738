"""The HTML report prints: headless Chromium turns it into a PDF that holds the report's text."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .conftest import EXAMPLE_ANSWERS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="needs Debian's chromium package (apt-get install -y chromium); .ci/run installs it"
)


def test_html_report_prints_to_pdf_with_its_text(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    import pypdf

    page = tmp_path / "report.html"
    page.write_text(run_cli("--format", "html", input=EXAMPLE_ANSWERS).stdout, encoding="utf-8")
    pdf = tmp_path / "report.pdf"
    assert CHROMIUM is not None
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(pdf).pages)
    assert "Your result: High: we found a serious risk, or several risks together" in text
    assert "This check is not a diagnosis." in text
    assert "When to get care" in text
    assert "Why you got this result" in text
    assert "How often do you use kratom now?" in text
