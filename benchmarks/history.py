"""History benchmark: `kratom-check history` with 10,000 saved checks against `kratom-check --version`,
and what `--save` adds to a check.

Run it with `python benchmarks/history.py` after the README's install. Commands alternate in one
process; medians over --runs runs. Targets: `history` within 1.2x of `--version`; `--save` adds
under 20 ms to a check. Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from startup import compiled_first  # this folder is on sys.path when a benchmark is run as a script

SAVED = 10_000
HISTORY_RATIO = 1.2
SAVE_COST_MS = 20.0

ANSWERS = {
    "symptoms": ["none"],
    "frequency": "daily",
    "duration": "over_1_year",
    "amount": "small",
    "product_forms": ["leaf"],
    "co_use": ["none"],
    "liver_conditions": ["none"],
}


def run_once(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"command failed ({result.returncode}): {' '.join(command)}")
    return elapsed


def fill(folder: Path, tool: Path, env: dict[str, str], answers: Path) -> None:
    """One real --save makes the file with its schema; the rest are copied in one transaction."""
    subprocess.run([str(tool), "--answers", str(answers), "--save"], env=env, check=True, capture_output=True)
    connection = sqlite3.connect(folder / "history.sqlite3")
    row = connection.execute(
        "SELECT made, questionnaire_id, questionnaire_version, language, region, answers, level, areas FROM checks"
    ).fetchone()
    with connection:
        connection.executemany(
            "INSERT INTO checks (made, questionnaire_id, questionnaire_version, language, region, answers, level,"
            " areas) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [row] * (SAVED - 1),
        )
    connection.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="runs of each command (at least 20)")
    runs = max(20, parser.parse_args().runs)
    compiled_first()
    tool = Path(sys.executable).with_name("kratom-check")
    if not tool.exists():
        raise SystemExit(f"{tool} not found: install kratom-check into this environment first (pip install .)")
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work) / "history"
        answers = Path(work) / "answers.json"
        answers.write_text(json.dumps(ANSWERS), encoding="utf-8")
        env = {**os.environ, "KRATOM_CHECK_HOME": str(folder)}
        fill(folder, tool, env, answers)
        commands = {
            "version": [str(tool), "--version"],
            "history": [str(tool), "history"],
            "check": [str(tool), "--answers", str(answers), "--format", "json"],
            "check --save": [str(tool), "--answers", str(answers), "--format", "json", "--save"],
        }
        for command in commands.values():
            run_once(command, env)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(runs):
            for name, command in commands.items():
                times[name].append(run_once(command, env))
        total = sqlite3.connect(folder / "history.sqlite3").execute("SELECT count(*) FROM checks").fetchone()[0]

    median = {name: statistics.median(values) for name, values in times.items()}
    ratio = median["history"] / median["version"]
    save_cost = (median["check --save"] - median["check"]) * 1000
    print(f"History with {SAVED:,} saved checks at the start ({total:,} at the end); medians of {runs} runs")
    for name, value in median.items():
        print(f"  kratom-check {name:14}{value * 1000:8.1f} ms")
    history_ok = ratio <= HISTORY_RATIO
    save_ok = save_cost < SAVE_COST_MS
    print(f"history / --version = {ratio:.2f} (target {HISTORY_RATIO}) {'ok' if history_ok else 'MISSED'}")
    print(f"--save adds {save_cost:.1f} ms (target under {SAVE_COST_MS:.0f} ms) {'ok' if save_ok else 'MISSED'}")
    return 0 if history_ok and save_ok else 1


if __name__ == "__main__":
    sys.exit(main())
