"""The questionnaire compiled to one SQL query, so scoring can run where the data already lives.

The query is written once, in DuckDB's dialect, from the same questionnaire the Python scorer reads;
other dialects are translated from it by sqlglot (`export_query`), never written by hand. It reads a
table with one row per response and one column per question, and gives each row what batch gives,
plus the warning signs and cautions, or the problem kinds of an invalid row. Its steps, one CTE each:

- `exact`, `sure`: each answer as a number when it is exactly choice ids (a single answer's choice,
  or a bit for each of several), and whether it is (`_steps`).
- `given`, `checked`: otherwise the slow path reads labels, spaces and lists, and names the problem.
- `asked_N`: which questions apply, layer by layer, since a question's `ask_if` reads earlier answers;
  each condition is a comparison or a bit test on those numbers.
- `totals`, `ranked`: each area's points, and the ranks each area, the areas together and the rules reach.
- the last SELECT: level ids, the warning signs and cautions, and the error column.

The batch engine (batch/duckdb_engine.py) takes the fast path only and trusts the query for rows
where every answer is exactly choice ids (`kc:sure`); anything else is scored by the Python scorer,
so its output is the Python engine's, row for row. A query exported for another engine uses it all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from ..contract import MULTIPLE_SEPARATOR as SEPARATOR
from ..contract import choice_lookup
from ..errors import UsageError
from ..i18n import _
from ..model import Condition, Question, Questionnaire

Form = Literal["cell", "value", "list"]
Dialect = Literal["duckdb", "spark"]

SURE = "kc:sure"
"""Engine column: true when every answer was exactly a choice id and the row is valid."""
RANK = "kc:rank"
"""Engine column: the level's place in the questionnaire's levels (0 for the first)."""

PROBLEM_NEEDS_ANSWER = "needs an answer"
PROBLEM_NOT_A_CHOICE = "not a choice"
PROBLEM_NOT_A_LIST = "give one answer, not a list"
PROBLEM_EMPTY_LIST = "the list is empty"
PROBLEM_COMBINED = "cannot be combined with other choices"
PROBLEM_KINDS = (PROBLEM_NEEDS_ANSWER, PROBLEM_NOT_A_CHOICE, PROBLEM_NOT_A_LIST, PROBLEM_EMPTY_LIST, PROBLEM_COMBINED)
"""What the error column can say of a question, as "'question': kind", several joined by '; '."""


def text(value: str) -> str:
    """A SQL string literal (standard SQL: a quote is doubled; sqlglot carries it into each dialect)."""
    return "'" + value.replace("'", "''") + "'"


def name(column: str) -> str:
    """A quoted identifier, so a question id can never clash with a keyword."""
    return '"' + column.replace('"', '""') + '"'


def _texts(values: Sequence[str]) -> str:
    return ", ".join(text(value) for value in values)


def _column(question_id: str, part: str) -> str:
    return name(f"{question_id}:{part}")


def _label_lookup(question: Question, item: str) -> str:
    """The choice a label names (lower case, trimmed), or NULL."""
    labels = choice_lookup(question).labels
    if not labels:
        return "NULL"
    whens = " ".join(f"WHEN {text(label)} THEN {text(choice_id)}" for label, choice_id in labels.items())
    return f"CASE lower(trim({item})) {whens} ELSE NULL END"


def _item_id(question: Question, item: str) -> str:
    """One item as a choice id, or NULL: the id itself, trimmed, or a label."""
    exact = " ".join(f"WHEN {text(choice_id)} THEN {text(choice_id)}" for choice_id in question.choice_ids)
    return f"CASE {item} {exact} ELSE CASE trim({item}) {exact} ELSE {_label_lookup(question, item)} END END"


def _code(question: Question, value: str) -> str:
    """A single answer's choice id as its number (1 for the first choice), or NULL."""
    whens = " ".join(f"WHEN {text(choice_id)} THEN {index}" for index, choice_id in enumerate(question.choice_ids, 1))
    return f"CASE {value} {whens} ELSE NULL END"


def _bit(question: Question, choice_id: str) -> int:
    return 1 << question.choice_ids.index(choice_id)


NOT_A_CHOICE = 1 << 48
"""In a multiple-choice answer's number, the bit an item that is no choice id sets (choices have the bits below)."""
CHOICE_BITS = NOT_A_CHOICE - 1
MAX_CHOICES = 48


class TooManyChoices(UsageError):
    """A multiple-choice question the query cannot hold; batch's Python engine scores any questionnaire."""


def _mask(question: Question, items: str) -> str:
    """A list of items as one number: a bit for each choice id among them (OR-ed, so a repeat is fine),
    and NOT_A_CHOICE if any item is not a choice id."""
    whens = " ".join(f"WHEN {text(choice_id)} THEN {_bit(question, choice_id)}" for choice_id in question.choice_ids)
    return f"list_bit_or(list_transform({items}, lambda x: CASE x {whens} ELSE {NOT_A_CHOICE} END))"


def _steps(question: Question, form: Form) -> tuple[list[str], ...]:
    """SELECT items reading one answer, in steps, so each is worked out once a row.

    1. `fast`: the answer as a number, when it is exactly choice ids (nearly every row of an export):
       a single answer's choice (1 for the first), or a bit for each of several (`_mask`).
    2. `sure`: whether `fast` holds the answer.
    3. `present`, and `answer` (0 for no answer): the slow path, reading labels, spaces and lists, runs
       only where the answer is not sure.
    4. `problem`.
    The batch engine uses steps 1 and 2 only.
    """
    if question.kind == "multiple" and len(question.choices) > MAX_CHOICES:
        raise TooManyChoices(
            _("'{question}' has more than {most} choices, more than one SQL number can hold.").format(
                question=question.id, most=MAX_CHOICES
            )
        )
    column = name(question.id)
    if form != "list" and all(choice_id.isdigit() for choice_id in question.choice_ids):
        # A ruler's choices are numbers: a table may hold them as numbers, read as the ids of their digits.
        column = f"CAST({column} AS VARCHAR)"
    multiple = question.kind == "multiple"
    exclusive = [choice.id for choice in question.choices if choice.exclusive]
    fast, sure = _column(question.id, "fast"), _column(question.id, "sure")
    if form == "cell":
        trimmed = f"trim({column})"
        present = f"({column} IS NOT NULL AND {trimmed} <> '')"
        parts = (
            f"list_filter(list_transform(string_split({trimmed}, '{SEPARATOR}'), lambda x: trim(x)), lambda x: x <> '')"
        )
        # A cell with ';' is several items (one if only one is not blank; itself if none is).
        items = (
            f"CASE WHEN contains({trimmed}, '{SEPARATOR}') AND array_length({parts}) > 0 THEN {parts} "
            f"ELSE [{trimmed}] END"
        )
        as_list = f"(contains({trimmed}, '{SEPARATOR}') AND array_length({parts}) > 1)"
    else:
        present = f"({column} IS NOT NULL)"
        items = column if form == "list" else f"[{column}]"
        as_list = "true" if form == "list" else "false"
    if multiple:
        split = column if form == "list" else f"string_split({column}, '{SEPARATOR}')"
        whole = f"{fast} > 0 AND {fast} < {NOT_A_CHOICE}"
        exclusive_bits = sum(_bit(question, choice_id) for choice_id in exclusive)
        if exclusive_bits:
            whole += f" AND (({fast} & {exclusive_bits}) = 0 OR bit_count({fast}) = 1)"
        mask = _mask(question, split)
        if form != "list":  # one choice alone, the commonest answer, needs no list
            whens = " ".join(f"WHEN {text(c)} THEN {_bit(question, c)}" for c in question.choice_ids)
            mask = f"CASE {column} {whens} ELSE {mask} END"
        first = [f"{mask} AS {fast}"]
        second = [f"coalesce({whole}, false) AS {sure}"]
        fast_answer = fast
    else:
        first = [f"{'NULL' if form == 'list' else _code(question, column)} AS {fast}"]
        second = [f"{fast} IS NOT NULL AS {sure}"]
        fast_answer = fast

    mapped = f"list_transform({items}, lambda x: {_item_id(question, 'x')})"
    problems = [] if multiple else [f"WHEN {as_list} THEN {text(PROBLEM_NOT_A_LIST)}"]
    problems.append(f"WHEN array_length({items}) = 0 THEN {text(PROBLEM_EMPTY_LIST)}")
    problems.append(
        f"WHEN array_length(list_filter({mapped}, lambda x: x IS NULL)) > 0 THEN {text(PROBLEM_NOT_A_CHOICE)}"
    )
    if multiple:
        slow = f"({_mask(question, mapped)} & {CHOICE_BITS})"
        if exclusive:
            problems.append(
                f"WHEN array_length(list_distinct({mapped})) > 1 AND "
                f"array_length(list_filter({mapped}, lambda x: list_contains([{_texts(exclusive)}], x))) > 0 "
                f"THEN {text(PROBLEM_COMBINED)}"
            )
    else:
        # A list is never a single answer (the problem says so), so only a text is looked up.
        slow = "0" if form == "list" else _code(question, f"{mapped}[1]")
    present_column = _column(question.id, "present")
    third = [
        f"CASE WHEN {sure} THEN true ELSE {present} END AS {present_column}",
        f"CASE WHEN {sure} THEN {fast_answer} WHEN {present} THEN coalesce({slow}, 0) ELSE 0 END "
        f"AS {_column(question.id, 'answer')}",
    ]
    fourth = [
        f"CASE WHEN {sure} OR NOT {present_column} THEN NULL {' '.join(problems)} ELSE NULL END "
        f"AS {_column(question.id, 'problem')}",
    ]
    return first, second, third, fourth


def _used(question_id: str) -> str:
    return _column(question_id, "used")


def _condition(condition: Condition, questionnaire: Questionnaire) -> str:
    """A condition on the answers in use (0 for none: an unanswered or unasked question matches nothing)."""
    if condition.any_ is not None:
        return "(" + " OR ".join(_condition(child, questionnaire) for child in condition.any_) + ")"
    if condition.all_ is not None:
        return "(" + " AND ".join(_condition(child, questionnaire) for child in condition.all_) + ")"
    if condition.not_ is not None:
        return f"(NOT {_condition(condition.not_, questionnaire)})"
    assert condition.answer is not None
    question = questionnaire.questions_by_id[condition.answer]
    wanted = condition.is_ or condition.includes or ()
    used = _used(question.id)
    if question.kind == "multiple":
        return f"(({used} & {sum(_bit(question, choice_id) for choice_id in wanted)}) <> 0)"
    codes = [question.choice_ids.index(choice_id) + 1 for choice_id in wanted]
    return "(" + " OR ".join(f"{used} = {code}" for code in codes) + ")"


def _layers(questionnaire: Questionnaire) -> list[list[Question]]:
    """Questions grouped so each group's ask_if reads only earlier groups."""
    depth: dict[str, int] = {}
    for question in questionnaire.questions:
        read = [leaf.answer for leaf in question.ask_if.leaves()] if question.ask_if is not None else []
        depth[question.id] = 1 + max((depth[q] for q in read if q in depth), default=-1)
    layers: list[list[Question]] = [[] for _ in range(max(depth.values(), default=0) + 1)]
    for question in questionnaire.questions:
        layers[depth[question.id]].append(question)
    return layers


def _rank_case(total: str, thresholds: Mapping[str, int], rank: Mapping[str, int]) -> str:
    """The highest rank whose threshold the total reaches (0 if none)."""
    ladder = sorted(thresholds.items(), key=lambda item: -rank[item[0]])
    whens = " ".join(f"WHEN {total} >= {points} THEN {rank[level]}" for level, points in ladder)
    return f"CASE {whens} ELSE 0 END"


def _level_case(rank_expression: str, questionnaire: Questionnaire) -> str:
    whens = " ".join(f"WHEN {index} THEN {text(level.id)}" for index, level in enumerate(questionnaire.levels))
    return f"CASE {rank_expression} {whens} END"


def _id_list(pairs: Sequence[tuple[str, str]]) -> str:
    """A list of the ids whose condition holds, in the given order."""
    if not pairs:
        return "CAST([] AS VARCHAR[])"
    items = ", ".join(f"CASE WHEN {condition} THEN {text(item_id)} ELSE NULL END" for item_id, condition in pairs)
    return f"list_filter([{items}], lambda x: x IS NOT NULL)"


def _points(question: Question, factor_id: str) -> list[str]:
    """A question's points for one area: for several choices, each points value times how many
    chosen choices give it."""
    scored = [(choice.id, choice.points[factor_id]) for choice in question.choices if choice.points.get(factor_id)]
    used = _used(question.id)
    if not scored:
        return []
    if question.kind == "multiple":
        by_points: dict[int, int] = {}
        for choice_id, points in scored:
            by_points[points] = by_points.get(points, 0) | _bit(question, choice_id)
        return [f"{points} * bit_count({used} & {bits})" for points, bits in by_points.items()]
    whens = " ".join(f"WHEN {question.choice_ids.index(c) + 1} THEN {p}" for c, p in scored)
    return [f"CASE {used} {whens} ELSE 0 END"]


def scoring_query(
    questionnaire: Questionnaire,
    *,
    source: str = "answers",
    forms: Mapping[str, Form] | None = None,
    id_column: str | None = "id",
    engine: Sequence[str] | None = None,
) -> str:
    """The scoring query in DuckDB's dialect. `source` is a table name or a parenthesized query;
    `forms` says how each question's column holds its answer (default: text cells).

    With `engine` (source columns to pass through, text cells only), the query is the batch engine's:
    the fast path alone, levels for every row, and `kc:sure` for the rows whose levels hold, where
    every answer is exactly choice ids and every needed one is there. The engine scores the others
    with the Python scorer, so it never needs the slow path, the problems or the lists.
    """
    forms = forms or {}
    questions = questionnaire.questions
    rank = questionnaire.level_rank
    steps = [_steps(question, forms.get(question.id, "cell")) for question in questions]
    ctes = []
    previous = source
    for index, step in enumerate(("exact", "sure", "given", "checked")[: 2 if engine is not None else 4]):
        items = ", ".join(item for parts in steps for item in parts[index])
        if items:
            ctes.append(f"{step} AS (SELECT *, {items} FROM {previous})")
            previous = step
    for index, layer in enumerate(_layers(questionnaire)):
        columns = []
        for question in layer:
            asked = "true" if question.ask_if is None else _condition(question.ask_if, questionnaire)
            columns.append(f"{asked} AS {_column(question.id, 'asked')}")
            if engine is not None:
                answer = f"coalesce({_column(question.id, 'fast')}, 0)"
                if question.kind == "multiple":
                    answer = f"({answer} & {CHOICE_BITS})"
                used = answer if question.ask_if is None else f"CASE WHEN {asked} THEN {answer} ELSE 0 END"
            else:
                valid = f"{_column(question.id, 'problem')} IS NULL"
                used = (
                    f"CASE WHEN {valid if question.ask_if is None else asked + ' AND ' + valid} "
                    f"THEN {_column(question.id, 'answer')} ELSE 0 END"
                )
            columns.append(f"{used} AS {_used(question.id)}")
        ctes.append(f"asked_{index} AS (SELECT *, {', '.join(columns)} FROM {previous})")
        previous = f"asked_{index}"

    factors = questionnaire.factors
    totals = [
        f"({' + '.join(term for q in questions for term in _points(q, factor.id)) or '0'}) "
        f"AS {name('kc:total:' + factor.id)}"
        for factor in factors
    ]
    if engine is not None:
        absent = {q.id: f"{name(q.id)} IS NULL" for q in questions}
        answers_valid = " AND ".join(f"({_column(q.id, 'sure')} OR {absent[q.id]})" for q in questions)
    else:
        absent = {q.id: f"NOT {_column(q.id, 'present')}" for q in questions}
        # An answer to a question not asked is ignored, as an answers file's is.
        answers_valid = " AND ".join(
            f"{_column(q.id, 'problem')} IS NULL"
            if q.ask_if is None
            else f"({_column(q.id, 'problem')} IS NULL OR NOT {_column(q.id, 'asked')})"
            for q in questions
        )
    missing = [
        absent[q.id] if q.ask_if is None else f"({_column(q.id, 'asked')} AND {absent[q.id]})"
        for q in questions
        if q.required
    ]
    valid = f"({answers_valid}) AND NOT ({' OR '.join(missing) or 'false'})"
    factor_ranks = [
        f"{_rank_case(name('kc:total:' + factor.id), factor.thresholds, rank)} AS {name('kc:rank:' + factor.id)}"
        for factor in factors
    ]
    combined = " + ".join(name("kc:total:" + factor.id) for factor in factors)
    # The rules as one CASE, highest level first: the first that holds gives the rank.
    rule_whens = " ".join(
        f"WHEN {_condition(rule.when, questionnaire)} THEN {rank[rule.level]}"
        for rule in sorted(questionnaire.rules, key=lambda rule: -rank[rule.level])
    )
    rule_rank = f"CASE {rule_whens} ELSE 0 END" if rule_whens else "0"
    ctes.append(f"totals AS (SELECT *, {', '.join(totals)}, {valid} AS {name('kc:valid')} FROM {previous})")
    ctes.append(
        f"ranked AS (SELECT *, {', '.join(factor_ranks)}, "
        f"{_rank_case(f'({combined})', questionnaire.overall.thresholds, rank)} AS {name('kc:rank:combined')}, "
        f"{rule_rank} AS {name('kc:rank:rules')} FROM totals)"
    )
    overall = (
        "greatest("
        + ", ".join(
            [name("kc:rank:combined"), name("kc:rank:rules"), *(name("kc:rank:" + factor.id) for factor in factors)]
        )
        + ")"
    )
    valid = name("kc:valid")
    select = [f"{name(id_column)} AS {name('id')}"] if id_column else []
    if engine is not None:
        ctes.append(f"leveled AS (SELECT *, {overall} AS {name(RANK)} FROM ranked)")
        select.append(f"{_level_case(name(RANK), questionnaire)} AS {name('level')}")
        select += [
            f"{_level_case(name('kc:rank:' + factor.id), questionnaire)} AS {name(factor.id)}" for factor in factors
        ]
        select += [name(column) for column in (RANK, *engine)]
        select.append(f"{valid} AS {name(SURE)}")
        return f"WITH {', '.join(ctes)} SELECT {', '.join(select)} FROM leveled"

    select.append(f"CASE WHEN {valid} THEN {_level_case(overall, questionnaire)} END AS {name('level')}")
    select += [
        f"CASE WHEN {valid} THEN {_level_case(name('kc:rank:' + factor.id), questionnaire)} END AS {name(factor.id)}"
        for factor in factors
    ]
    problems = []
    for question in questions:
        asked, problem = _column(question.id, "asked"), _column(question.id, "problem")
        missing_one = (
            f"WHEN {asked} AND NOT {_column(question.id, 'present')} "
            f"THEN {text(repr(question.id) + ': ' + PROBLEM_NEEDS_ANSWER)} "
            if question.required
            else ""
        )
        problems.append(
            f"CASE WHEN {asked} AND {problem} IS NOT NULL THEN {text(repr(question.id) + ': ')} || {problem} "
            f"{missing_one}ELSE NULL END"
        )
    warning_signs = _id_list(
        [(rule.id, _condition(rule.when, questionnaire)) for rule in questionnaire.rules if rule.red_flag]
    )
    ordered_cautions = sorted(questionnaire.cautions, key=lambda caution: -rank[caution.severity])
    cautions = _id_list([(caution.id, _condition(caution.when, questionnaire)) for caution in ordered_cautions])
    select.append(f"CASE WHEN {valid} THEN {warning_signs} END AS {name('warning_signs')}")
    select.append(f"CASE WHEN {valid} THEN {cautions} END AS {name('cautions')}")
    select.append(f"CASE WHEN NOT {valid} THEN concat_ws('; ', {', '.join(problems)}) END AS {name('error')}")
    return f"WITH {', '.join(ctes)} SELECT {', '.join(select)} FROM ranked"


def export_query(
    questionnaire: Questionnaire,
    dialect: Dialect,
    *,
    table: str = "answers",
    lists: bool = False,
    id_column: str | None = "id",
) -> str:
    """The scoring query for another engine, translated from DuckDB's dialect by sqlglot and laid out to read.

    `lists`: multiple-choice columns hold lists (and single ones a plain value) rather than text cells.
    """
    import sqlglot
    from sqlglot import exp

    forms: dict[str, Form] = {}
    if lists:
        forms = {q.id: ("list" if q.kind == "multiple" else "value") for q in questionnaire.questions}
    source = ".".join(name(part) for part in table.split("."))
    tree = sqlglot.parse_one(
        scoring_query(questionnaire, source=source, forms=forms, id_column=id_column), read="duckdb"
    )
    if dialect != "duckdb":
        # sqlglot knows no other dialect's word for DuckDB's list_bit_or: written as a fold, which every
        # engine with higher-order functions has (Spark: aggregate).
        def fold(node: Any) -> Any:
            if isinstance(node, exp.Anonymous) and node.name.lower() == "list_bit_or":
                items = node.expressions[0].sql(dialect)
                return sqlglot.parse_one(f"AGGREGATE({items}, CAST(0 AS BIGINT), (acc, b) -> acc | b)", read=dialect)
            return node

        tree = tree.transform(fold)
    return tree.sql(dialect, pretty=True) + ";\n"
