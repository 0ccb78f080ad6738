"""The JSON report: a stable, versioned object (documented in docs/report-format.md)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..ask.answers import as_contract
from ..i18n import language
from ..model import Questionnaire
from ..score.reference import Assessment, Change, Line, ResourceLine, SinceLast

REPORT_FORMAT_VERSION = 1


def as_dict(assessment: Assessment, questionnaire: Questionnaire) -> dict[str, Any]:
    """The versioned JSON report (documented in docs/report-format.md)."""

    def cited(line: Line) -> dict[str, Any]:
        return {"id": line.id, "text": line.text, "sources": list(line.sources)}

    from .plan import plan

    def resource(line: ResourceLine) -> dict[str, Any]:
        return {
            "id": line.id,
            "name": line.name,
            "contact": line.contact,
            "text": line.text,
            "sources": list(line.sources),
        }

    return {
        "format": "kratom-check-report",
        "format_version": REPORT_FORMAT_VERSION,
        "language": language(),
        "made": assessment.made or None,
        "region": {"code": region.code, "name": region.name} if (region := questionnaire.region) else None,
        "questionnaire": {"id": assessment.questionnaire_id, "version": assessment.questionnaire_version},
        "level": assessment.level,
        "level_name": assessment.level_name,
        "level_title": assessment.level_title,
        "level_meaning": assessment.level_meaning,
        "told_us": plan(assessment, questionnaire).told_us,
        "combined_level": assessment.combined_level,
        "factors": [
            {
                "id": f.id,
                "title": f.title,
                "score": f.score,
                "level": f.level,
                "raised_by": [{"question": question, "choice": choice} for question, choice in f.raised_by],
            }
            for f in assessment.factors
        ],
        "red_flags": [{**cited(flag), "level": flag.level} for flag in assessment.red_flags],
        "cautions": [
            {
                **cited(caution),
                "title": caution.title,
                "severity": caution.severity,
                "next_step": caution.next_step,
                "topic": caution.topic or None,
            }
            for caution in assessment.cautions
        ],
        "advice": {
            "act_now": [cited(line) for line in assessment.act_now],
            "urgent_contacts": [resource(line) for line in assessment.lead_resources],
            "safety_net": [
                {**cited(line), "own_sign": line.id in assessment.own_signs} for line in assessment.safety_net
            ],
            "good_to_know": [cited(line) for line in assessment.good_to_know],
            "next_steps": [cited(line) for line in assessment.next_steps],
            "ask_clinician": [cited(line) for line in assessment.ask_clinician],
            "resources": [resource(line) for line in assessment.resources],
        },
        "notice": list(assessment.notice),
        "unanswered": list(assessment.unanswered),
        "saved_to_history": bool(assessment.saved_in),
        "clinician": _clinician_dict(assessment, questionnaire),
        "since_last_check": _since_dict(assessment.since_last),
        "sources": [
            {"key": key, "title": source.title, "publisher": source.publisher, "year": source.year, "url": source.url}
            for key, source in assessment.sources
        ],
        "answers": as_contract(dict(assessment.answers), questionnaire),
    }


def _since_dict(since: SinceLast | None) -> dict[str, Any] | None:
    if since is None:
        return None

    def changes(items: Sequence[Change]) -> list[dict[str, str | None]]:
        return [{"what": c.what, "before": c.before or None, "after": c.after or None} for c in items]

    def answers(items: Sequence[Change]) -> list[dict[str, str | None]]:
        return [{"question": c.id, "what": c.what, "before": c.before or None, "after": c.after or None} for c in items]

    return {
        "made": since.made,
        "level_before": since.level_before,
        "level_now": since.level_now,
        "went_up": changes(since.went_up),
        "went_down": changes(since.went_down),
        "answers_changed": answers(since.answers),
    }


def _clinician_dict(assessment: Assessment, questionnaire: Questionnaire) -> dict[str, Any] | None:
    from . import clinician
    from .text import area_rows

    if not assessment.for_clinician:
        return None
    return {
        "answers": [
            {
                "question": row.question_id,
                "text": row.question,
                "chosen": [
                    {"choice": item.choice_id, "label": item.label, "warning_sign": item.warning} for item in row.chosen
                ],
                **({"provenance": row.provenance} if row.provenance else {}),
            }
            for row in clinician.answer_rows(assessment, questionnaire)
        ],
        "areas": area_rows(assessment, questionnaire),
        "pointers": [
            {"id": line.id, "text": line.text, "sources": list(line.sources)} for line in assessment.clinician
        ],
    }


def json_text(assessment: Assessment, questionnaire: Questionnaire) -> str:
    return json.dumps(as_dict(assessment, questionnaire), indent=2, ensure_ascii=False) + "\n"
