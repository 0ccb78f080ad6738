"""Help where the person is: one country's lines and emergency number, chosen before the model is built."""

from __future__ import annotations

from typing import Any

from ..errors import UsageError, shown
from ..i18n import _

ELSEWHERE = "ZZ"
"""ISO 3166's code for an unknown territory: the lines for a country we have no confirmed numbers for."""
ALSO_ACCEPTED = {"UK": "GB"}
"""ISO 3166 reserves UK for the United Kingdom, whose code is GB."""


def offered(data: dict[str, Any]) -> list[str]:
    """The country codes a person may ask for (not the lines for anywhere else)."""
    regions = data.get("regions") or []
    return [region["code"] for region in regions if region["code"] != ELSEWHERE]


def in_region(data: dict[str, Any], asked: str | None, *, from_locale: bool = False) -> dict[str, Any]:
    """Checked questionnaire data for one country: its lines added to `resources`, {emergency} and
    {emergency_room} filled in,
    and lines that name another country's services left out. `regions` keeps only the chosen one.

    The data is changed in place (callers pass data just read or just made: copying it would cost a
    tenth of a start-up).

    asked is a code from --region (an unknown one is an error) or, with from_locale, from the locale
    (an unknown one gets the lines for anywhere else). None gives the first, default, region.
    """
    regions: list[dict[str, Any]] = data.get("regions") or []
    if not regions:
        return data
    chosen = _choose(regions, asked, from_locale=from_locale)
    result = data
    result["resources"] = [*result.get("resources", []), *chosen["resources"]]
    result["regions"] = [chosen]
    for section in ("cautions", "advice"):
        result[section] = [
            item for item in result.get(section, []) if not item.get("regions") or chosen["code"] in item["regions"]
        ]
    from .languages import text_slots

    filled = {f"{{{name}}}": chosen.get(name) for name in ("emergency", "emergency_room")}
    for _key, container, field, _paragraph in text_slots(result):
        text = container[field]
        if "{" in text:
            for placeholder, value in filled.items():
                if value is not None:
                    text = text.replace(placeholder, value)
            container[field] = text
    return result


def _choose(regions: list[dict[str, Any]], asked: str | None, *, from_locale: bool) -> dict[str, Any]:
    by_code = {region["code"]: region for region in regions}
    if asked is None:
        return regions[0]
    code = asked.strip().upper()
    code = ALSO_ACCEPTED.get(code, code)
    if code in by_code and code != ELSEWHERE:
        return by_code[code]
    if from_locale:
        return by_code.get(ELSEWHERE, regions[0])
    supported = ", ".join(region["code"] for region in regions if region["code"] != ELSEWHERE)
    raise UsageError(
        _(
            "--region: kratom-check has no confirmed help numbers for '{code}'. Use one of: {supported}. "
            "Without --region, a country it does not know gets the advice to call the local emergency number."
        ).format(code=shown(asked), supported=supported)
    )
