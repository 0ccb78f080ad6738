"""Batch benchmark: both engines of `kratom-check batch`, side by side with their yardsticks.

Run it with `python benchmarks/batch.py` after the README's install (`pip install -e '.[test]'`
brings the DuckDB engine too). It writes N seeded random valid answer sets (default 1,000,000,
plus 10,000 for the memory comparison) as JSON Lines and as CSV, times each command in its own
process (the median of --runs), and exits 1 when a target is missed:

  Python engine (the default)
  - JSON Lines at most 2.5 x the parsing floor (read + json.loads every line in Python), both with
    PYTHONUNBUFFERED=1 (many machines and containers set it) and without;
  - peak memory at N rows at most 1.2 x the peak at 10,000 rows (it streams).
  DuckDB engine (`--engine duckdb`, CSV in and out)
  - on 1 thread, at most 1.1 x the hand-written DuckDB query of the same rules
    (benchmarks/hand_written.sql, run on 1 thread by DuckDB's own COPY), and at most 0.5 x the
    Python engine on the same CSV;
  - on every core, at least 1.6 x faster than on 1 thread (when 2 or more cores are free);
  - peak memory at N rows at most 1.2 x the peak at 10,000 rows, on 1 thread and on every core.
  Spark: when pyspark is installed, the tests marked `spark` run the exported SQL in local mode.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PARSE_FLOOR = "import json, sys\nfor line in open(sys.argv[1], encoding='utf-8'):\n    json.loads(line)\n"
HAND_WRITTEN = Path(__file__).with_name("hand_written.sql")
RUN_HAND_WRITTEN = (
    "import sys, duckdb\n"
    "query = open(sys.argv[1], encoding='utf-8').read().replace('{csv}', sys.argv[2])\n"
    "duckdb.connect(config={'threads': 1}).execute(f\"COPY ({query}) TO '/dev/stdout' (FORMAT csv, HEADER)\")\n"
)
PYTHON_TARGET = 2.5
HAND_TARGET = 1.1
VERSUS_PYTHON_TARGET = 0.5
THREADS_TARGET = 1.6
MEMORY_TARGET = 1.2
SMALL = 10_000


def answer_set(questionnaire: object, rng: random.Random) -> dict[str, object]:
    """One valid answer set over the answers contract, drawn with rng."""
    from kratom_check.conditions import is_asked

    chosen: dict[str, tuple[str, ...]] = {}
    for question in questionnaire.questions:  # type: ignore[attr-defined]
        if not is_asked(question, chosen) or (not question.required and rng.random() < 0.3):
            continue
        if question.kind == "multiple":
            exclusive = [c.id for c in question.choices if c.exclusive]
            normal = [c.id for c in question.choices if not c.exclusive]
            if exclusive and rng.random() < 0.4:
                chosen[question.id] = (rng.choice(exclusive),)
            else:
                chosen[question.id] = tuple(rng.sample(normal, rng.randint(1, min(3, len(normal)))))
        else:
            chosen[question.id] = (rng.choice(question.choice_ids),)
    return {
        key: list(value) if questionnaire.questions_by_id[key].kind == "multiple" else value[0]  # type: ignore[attr-defined]
        for key, value in chosen.items()
    }


def write_rows(jsonl: Path, csv_path: Path, rows: int, seed: int) -> None:
    """The same answer sets as JSON Lines and as CSV (several choices joined by ';')."""
    from kratom_check.load import questionnaire

    model = questionnaire.load()
    ids = [question.id for question in model.questions]
    rng = random.Random(seed)
    with jsonl.open("w", encoding="utf-8") as lines, csv_path.open("w", encoding="utf-8", newline="") as table:
        writer = csv.writer(table, lineterminator="\n")
        writer.writerow(["id", *ids])
        for number in range(rows):
            answers = answer_set(model, rng)
            lines.write(json.dumps({"id": f"r{number}", **answers}) + "\n")
            writer.writerow([f"r{number}", *(_cell(answers.get(key)) for key in ids)])


def _cell(value: object) -> str:
    if value is None:
        return ""
    return ";".join(value) if isinstance(value, list) else str(value)


def measure(command: list[str], environment: dict[str, str] | None = None) -> tuple[float, int]:
    """Wall seconds and peak resident KiB of one run, output discarded."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"command failed: {' '.join(command)}")
    return elapsed, usage.ru_maxrss


def median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


class Table:
    """The printed results, and whether every target was met."""

    def __init__(self) -> None:
        self.missed = False
        print(f"{'measure':58}{'value':>12}{'ratio':>8}{'target':>9}  result")

    def value(self, label: str, text: str) -> None:
        print(f"{label:58}{text:>12}")

    def ratio(self, label: str, text: str, ratio: float, target: float, *, at_least: bool = False) -> None:
        met = ratio >= target if at_least else ratio <= target
        self.missed |= not met
        bound = f"{'>=' if at_least else '<='}{target:.2f}"
        print(f"{label:58}{text:>12}{ratio:8.2f}{bound:>9}  {'ok' if met else 'MISSED'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows for the timing (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--runs", type=int, default=3, help="runs of each timing; the median is kept")
    args = parser.parse_args()

    tool = Path(sys.executable).with_name("kratom-check")
    if not tool.exists():
        raise SystemExit(f"{tool} not found: install kratom-check into this environment first (pip install .)")
    try:
        import duckdb  # noqa: F401
        import pyarrow  # noqa: F401

        engine = True
    except ImportError:
        engine = False
    buffered = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}
    unbuffered = {**buffered, "PYTHONUNBUFFERED": "1"}
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        big, small = work / "big.jsonl", work / "small.jsonl"
        big_csv, small_csv = work / "big.csv", work / "small.csv"
        started = time.perf_counter()
        write_rows(big, big_csv, args.rows, args.seed)
        write_rows(small, small_csv, SMALL, args.seed)
        (work / "parse_floor.py").write_text(PARSE_FLOOR, encoding="utf-8")
        (work / "hand_written.py").write_text(RUN_HAND_WRITTEN, encoding="utf-8")
        print(
            f"Generated {args.rows:,} and {SMALL:,} rows in {time.perf_counter() - started:.1f}s "
            f"({big.stat().st_size / 1e6:.0f} MB of JSON Lines, {big_csv.stat().st_size / 1e6:.0f} MB of CSV); "
            f"{cores} cores seen"
        )
        python = [str(tool), "batch"]
        duck = [str(tool), "batch", "--engine", "duckdb", "--format", "csv"]
        floor_runs: list[float] = []
        plain_runs: list[float] = []
        unbuffered_runs: list[float] = []
        python_csv_runs: list[float] = []
        hand_runs: list[float] = []
        one_runs: list[float] = []
        all_runs: list[float] = []
        peaks: dict[str, int] = {}
        for _ in range(args.runs):  # alternate, so every command sees the same machine state
            floor_runs.append(measure([sys.executable, str(work / "parse_floor.py"), str(big)], buffered)[0])
            elapsed, peak = measure([*python, str(big)], buffered)
            plain_runs.append(elapsed)
            peaks["python big"] = max(peaks.get("python big", 0), peak)
            unbuffered_runs.append(measure([*python, str(big)], unbuffered)[0])
            if engine:
                python_csv_runs.append(measure([*python, str(big_csv), "--format", "csv"], buffered)[0])
                hand = [sys.executable, str(work / "hand_written.py"), str(HAND_WRITTEN), str(big_csv)]
                hand_runs.append(measure(hand, buffered)[0])
                elapsed, peak = measure([*duck, "--threads", "1", str(big_csv)], buffered)
                one_runs.append(elapsed)
                peaks["duckdb 1 big"] = max(peaks.get("duckdb 1 big", 0), peak)
                elapsed, peak = measure([*duck, str(big_csv)], buffered)
                all_runs.append(elapsed)
                peaks["duckdb all big"] = max(peaks.get("duckdb all big", 0), peak)
        peaks["python small"] = max(measure([*python, str(small)], buffered)[1] for _ in range(args.runs))
        if engine:
            peaks["duckdb 1 small"] = max(
                measure([*duck, "--threads", "1", str(small_csv)], buffered)[1] for _ in range(args.runs)
            )
            peaks["duckdb all small"] = max(measure([*duck, str(small_csv)], buffered)[1] for _ in range(args.runs))

    table = Table()
    floor = median(floor_runs)
    table.value("parsing floor: read + json.loads every line", f"{floor:.2f}s")
    for label, runs in (("Python engine, JSON Lines", plain_runs), ("... with PYTHONUNBUFFERED=1", unbuffered_runs)):
        table.ratio(label, f"{median(runs):.2f}s", median(runs) / floor, PYTHON_TARGET)
    table.value("rows per second (Python engine)", f"{args.rows / median(plain_runs):,.0f}")
    table.ratio(
        f"Python engine memory, {args.rows:,} vs {SMALL:,} rows",
        f"{peaks['python big'] / 1024:.0f}MiB",
        peaks["python big"] / peaks["python small"],
        MEMORY_TARGET,
    )
    if not engine:
        print("DuckDB engine: not installed (pip install 'kratom-check[duckdb]'); its targets were not measured.")
    else:
        hand, one, every, python_csv = median(hand_runs), median(one_runs), median(all_runs), median(python_csv_runs)
        table.value("hand-written DuckDB query, CSV, 1 thread", f"{hand:.2f}s")
        table.value("Python engine, CSV in and out", f"{python_csv:.2f}s")
        table.ratio("DuckDB engine, 1 thread, vs the hand-written query", f"{one:.2f}s", one / hand, HAND_TARGET)
        versus = one / python_csv
        table.ratio("DuckDB engine, 1 thread, vs the Python engine", f"{one:.2f}s", versus, VERSUS_PYTHON_TARGET)
        if cores >= 2:
            table.ratio(
                f"DuckDB engine, {cores} threads: speed-up over 1 thread", f"{every:.2f}s", one / every, THREADS_TARGET,
                at_least=True,
            )
        else:
            table.value("DuckDB engine, every thread: needs 2 free cores", "not measured")
        table.value("rows per second (DuckDB engine, every thread)", f"{args.rows / every:,.0f}")
        for label, key in (("1 thread", "duckdb 1"), (f"{cores} threads", "duckdb all")):
            table.ratio(
                f"DuckDB engine memory, {label}, {args.rows:,} vs {SMALL:,} rows",
                f"{peaks[key + ' big'] / 1024:.0f}MiB",
                peaks[key + " big"] / peaks[key + " small"],
                MEMORY_TARGET,
            )
        print("DuckDB's own memory is capped by --memory-limit (default 1GB); see docs/scale.md.")
    try:
        import pyspark  # noqa: F401
    except ImportError:
        print("Spark: pyspark is not installed; the tests marked spark were not run.")
    else:
        repo = Path(__file__).resolve().parent.parent
        spark = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-m", "spark", str(repo / "tests" / "test_scale.py")],
            cwd=repo,
            capture_output=True,
            text=True,
        )
        summary = (spark.stdout.strip().splitlines() or ["no output"])[-1]
        table.missed |= spark.returncode != 0
        print(f"Spark local mode (pytest -m spark): {summary}")
    print("Targets missed." if table.missed else "All batch targets met.")
    return 1 if table.missed else 0


if __name__ == "__main__":
    sys.exit(main())
