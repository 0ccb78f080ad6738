"""Babel steps for the CLI's message catalogs, shared by the tests and `python -m tests.catalogs`.

Extract the strings marked with _(), N_() and ngettext() from kratom_check, merge them into each
language's .po file, and compile the .mo that ships in the wheel.
"""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from kratom_check import __version__

REPO = Path(__file__).resolve().parent.parent
LOCALES = REPO / "kratom_check" / "locales"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def extracted() -> Catalog:
    catalog = Catalog(project="kratom-check")
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(REPO / "kratom_check"), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        catalog.add(message)
    return catalog


def po_path(language: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / "kratom_check.po"


HEADER = {
    "project": "kratom-check",
    "version": __version__,
    "copyright_holder": "the kratom-check contributors",
    "msgid_bugs_address": "the kratom-check issue tracker",
    "last_translator": "the kratom-check contributors",
    "language_team": "Spanish",
}
"""The header every catalog carries: no placeholders, and nothing that changes with Babel's version."""

UNSTAMPED = ("Generated-By", "POT-Creation-Date")
"""Header fields Babel fills from its own version and the clock: left out, so a rebuild is byte-identical."""


class StableCatalog(Catalog):
    """A catalog whose header names no tool version and no date: the same messages give the same files,
    whichever Babel writes them and whenever."""

    def _stable_headers(self) -> list[tuple[str, str]]:
        return [(name, value) for name, value in self._get_mime_headers() if name not in UNSTAMPED]

    mime_headers = property(_stable_headers, Catalog._set_mime_headers)  # type: ignore[assignment]


def stable(catalog: Catalog) -> Catalog:
    """The same catalog, with the fixed header and no stamps."""
    catalog.__class__ = StableCatalog
    for name, value in HEADER.items():
        setattr(catalog, name, value)
    catalog.header_comment = (
        "# Spanish translations for kratom-check.\n"
        "# This file is distributed under the same license as kratom-check (MIT).\n"
        "# Update it with `python -m tests.catalogs` (README, Development)."
    )
    return catalog


def read(language: str) -> Catalog:
    with po_path(language).open("rb") as stream:
        return stable(read_po(stream, locale=language))


def compiled(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, stable(catalog))
    return buffer.getvalue()


def update(language: str) -> bool:
    """Extract, merge and compile; False (and nothing written) when the messages did not change."""
    catalog = read(language)
    catalog.update(extracted(), no_fuzzy_matching=True)
    stream = io.BytesIO()
    write_po(stream, stable(catalog), omit_header=False, no_location=True, sort_output=True)
    po = po_path(language)
    old = po.read_bytes() if po.is_file() else b""
    mo = po.with_suffix(".mo")
    fresh_mo = compiled(catalog)
    if old == stream.getvalue() and mo.is_file() and mo.read_bytes() == fresh_mo:
        return False
    po.write_bytes(stream.getvalue())
    mo.write_bytes(fresh_mo)
    return True


if __name__ == "__main__":
    print(f"updated {po_path('es')} and its .mo" if update("es") else "unchanged")
