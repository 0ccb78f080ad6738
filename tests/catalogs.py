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


def read(language: str) -> Catalog:
    with po_path(language).open("rb") as stream:
        return read_po(stream, locale=language)


def compiled(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def update(language: str) -> bool:
    """Extract, merge and compile; False (and nothing written) when the messages did not change."""
    import io
    import re

    catalog = read(language)
    catalog.update(extracted(), no_fuzzy_matching=True)
    stream = io.BytesIO()
    write_po(stream, catalog, omit_header=False, no_location=True, sort_output=True)
    po = po_path(language)
    undated = re.compile(rb'"POT-Creation-Date: [^"]*"')
    old = po.read_bytes() if po.is_file() else b""
    mo = po.with_suffix(".mo")
    fresh_mo = compiled(catalog)
    if undated.sub(b"", old) == undated.sub(b"", stream.getvalue()) and mo.is_file() and mo.read_bytes() == fresh_mo:
        return False
    po.write_bytes(stream.getvalue())
    mo.write_bytes(fresh_mo)
    return True


if __name__ == "__main__":
    print(f"updated {po_path('es')} and its .mo" if update("es") else "unchanged")
