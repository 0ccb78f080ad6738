"""The CLI's own words in the person's language, through the standard gettext machinery.

Catalogs live in kratom_check/locales/<lang>/LC_MESSAGES/kratom_check.po; Babel extracts and
compiles them in development (see README, "Translating"), and the compiled .mo files ship in
the wheel. Questionnaire texts are translated separately (see load/languages.py).
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

DOMAIN = "kratom_check"
LOCALE_DIR = Path(__file__).resolve().parent / "locales"
SUPPORTED = ("en", "es")
DEFAULT = "en"

_active: gettext.NullTranslations = gettext.NullTranslations()
_language = DEFAULT


def N_(message: str) -> str:
    """Marks a string for extraction where it is defined; translate it with _() where it is shown."""
    return message


def _(message: str) -> str:
    return _active.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return _active.ngettext(singular, plural, count)


def choose(option: str | None, environ: dict[str, str] | None = None) -> str:
    """--lang wins; otherwise LC_ALL, LC_MESSAGES, then LANG (POSIX order); otherwise English."""
    if option:
        return option
    env = os.environ if environ is None else environ
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(variable, "")
        if value:
            code = value.split("_")[0].split(".")[0].lower()
            return code if code in SUPPORTED else DEFAULT
    return DEFAULT


def territory(environ: dict[str, str] | None = None) -> str | None:
    """The country of the locale (es_MX.UTF-8 -> MX), in the order choose() reads; None without one."""
    env = os.environ if environ is None else environ
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(variable, "")
        if value:
            name = value.split(".")[0].split("@")[0]
            country = name.split("_")[1] if "_" in name else ""
            if len(country) == 3 and country.isascii() and country.isdigit():
                return country  # a UN M.49 area, like 419 (Latin America): no one country's numbers
            return country.upper() if len(country) == 2 and country.isascii() and country.isalpha() else None
    return None


def activate(language: str) -> None:
    global _active, _language
    _language = language if language in SUPPORTED else DEFAULT
    _active = gettext.translation(DOMAIN, LOCALE_DIR, languages=[_language], fallback=True)


def language() -> str:
    return _language


def in_language(language: str, message: str) -> str:
    """A message in a given language, whatever the run's: for outputs that carry every language at once."""
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True).gettext(message)
