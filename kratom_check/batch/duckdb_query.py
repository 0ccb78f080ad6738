"""The DuckDB engine's query: the questionnaire's SQL (score/sql.py) over a source, with each trusted
row's output line built by DuckDB, and only the rows it is not sure of kept for the Python engine."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ..score.sql import RANK, SURE, TooManyChoices, name, scoring_query, text
from .sources import NotForThisEngine, Source

if TYPE_CHECKING:
    from ..model import Questionnaire

TRUSTED = "kc:trusted"
TAIL = "kc:tail"
RAW = "kc:raw"
QUOTE = '"'


def engine_query(questionnaire: Questionnaire, source: Source, output_format: str) -> str:
    """The scoring query over the source, giving what the writer needs: for a text format, each trusted
    row's line (after its number, unless the source numbers its rows), built by DuckDB; the kept
    columns only for rows it does not trust."""
    engine = (*source.keep, "kc:id_json", "kc:odd", *(["kc:n"] if source.numbered else []))
    try:
        query = scoring_query(questionnaire, source=source.sql, id_column="kc:id", engine=engine)
    except TooManyChoices as exc:
        raise NotForThisEngine(exc.message.rstrip(".")) from None
    trusted = f"coalesce({name(SURE)} AND NOT {name('kc:odd')}, false)"
    factor_ids = [factor.id for factor in questionnaire.factors]
    row_id = name("id")
    if output_format == "csv":
        # As csv.writer writes it: a leading = + - @ made inert (see write.inert), quoted when it must be.
        risky = f"left({row_id}, 1) IN ('=', '+', '-', '@')"
        inert = f"CASE WHEN {risky} THEN concat({text(chr(39))}, {row_id}) ELSE {row_id} END"
        special = text('[,"\n]')
        quoted = f"concat({text(QUOTE)}, replace({inert}, {text(QUOTE)}, {text(QUOTE * 2)}), {text(QUOTE)})"
        cell = (
            f"CASE WHEN {row_id} IS NULL THEN '' WHEN regexp_matches({inert}, {special}) THEN {quoted} ELSE {inert} END"
        )
        pieces = ["CAST(" + name("kc:n") + " AS VARCHAR)", "','", cell] if source.numbered else ["','", cell]
        for column in ["level", *factor_ids]:
            pieces += ["','", name(column)]
        pieces.append("',' || chr(10)")  # and an empty error cell
    elif output_format == "jsonl":
        # As write.jsonl_writer writes it, after '{"row": N'.
        pieces = [text('{"row": '), "CAST(" + name("kc:n") + " AS VARCHAR)"] if source.numbered else []
        pieces += [
            text(", " + json.dumps("id") + ": "),
            name("kc:id_json"),
            text(", " + json.dumps("level") + ": " + QUOTE),
        ]
        pieces.append(name("level"))
        for index, factor_id in enumerate(factor_ids):
            pieces.append(
                text(QUOTE + ", " + ('"factors": {' if index == 0 else "") + json.dumps(factor_id) + ": " + QUOTE)
            )
            pieces.append(name(factor_id))
        pieces.append(f"{text(QUOTE + '}}')} || chr(10)")
    if output_format == "parquet":
        shown = [name(column) for column in ("id", "level", *factor_ids)]
    else:  # every row's line, though only trusted ones are used: a CASE would cost more than it saves
        shown = [f"concat({', '.join(pieces)}) AS {name(TAIL)}"]
    # The kept columns as one struct, built only for rows not trusted (a CASE works out only its rows).
    raw = "{" + ", ".join(f"{text(column)}: {name(column)}" for column in source.keep) + "}"
    kept = [f"CASE WHEN {name(TRUSTED)} THEN NULL ELSE {raw} END AS {name(RAW)}"]
    if source.numbered:
        kept.append(name("kc:n"))
    return (
        f"SELECT {', '.join([*shown, *kept])}, {name(RANK)}, {name(TRUSTED)} "
        f"FROM (SELECT *, {trusted} AS {name(TRUSTED)} FROM ({query}))"
    )
