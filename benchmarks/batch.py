"""Batch benchmark: `kratom-check batch` against merely parsing the same JSON Lines, side by side.

Run it with `python benchmarks/batch.py` after the README's install. It writes N seeded random
valid answer sets (default 1,000,000, plus 10,000 for the memory comparison) as JSON Lines, times
reading and json.loads of every line in Python (the parsing floor) and `kratom-check batch` on the
same file, and exits 1 when a target is missed:
  - at N rows, batch scoring takes at most 3 x the parsing floor;
  - peak memory at N rows is at most 1.2 x the peak at 10,000 rows (it streams).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PARSE_FLOOR = "import json, sys\nfor line in open(sys.argv[1], encoding='utf-8'):\n    json.loads(line)\n"
TIME_TARGET = 3.0
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


def write_rows(path: Path, rows: int, seed: int) -> None:
    from kratom_check.load import questionnaire

    model = questionnaire.load()
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for number in range(rows):
            out.write(json.dumps({"id": f"r{number}", **answer_set(model, rng)}) + "\n")


def measure(command: list[str]) -> tuple[float, int]:
    """Wall seconds and peak resident KiB of one run, output discarded."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"command failed: {' '.join(command)}")
    return elapsed, usage.ru_maxrss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows for the timing (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--runs", type=int, default=3, help="runs of each timing; the median is kept")
    args = parser.parse_args()

    tool = Path(sys.executable).with_name("kratom-check")
    if not tool.exists():
        raise SystemExit(f"{tool} not found: install kratom-check into this environment first (pip install .)")
    with tempfile.TemporaryDirectory() as folder:
        big, small = Path(folder) / "big.jsonl", Path(folder) / "small.jsonl"
        started = time.perf_counter()
        write_rows(big, args.rows, args.seed)
        write_rows(small, SMALL, args.seed)
        floor_script = Path(folder) / "parse_floor.py"
        floor_script.write_text(PARSE_FLOOR, encoding="utf-8")
        print(
            f"Generated {args.rows:,} and {SMALL:,} rows in {time.perf_counter() - started:.1f}s "
            f"({big.stat().st_size / 1e6:.0f} MB)"
        )

        floor_times, batch_times = [], []
        big_peak = 0
        for _ in range(args.runs):  # alternate, so both see the same machine state
            floor_times.append(measure([sys.executable, str(floor_script), str(big)])[0])
            elapsed, peak = measure([str(tool), "batch", str(big)])
            batch_times.append(elapsed)
            big_peak = max(big_peak, peak)
        small_peak = max(measure([str(tool), "batch", str(small)])[1] for _ in range(args.runs))

    floor = sorted(floor_times)[len(floor_times) // 2]
    batch = sorted(batch_times)[len(batch_times) // 2]
    time_ratio, memory_ratio = batch / floor, big_peak / small_peak
    print(f"{'measure':44}{'value':>14}{'ratio':>8}{'target':>8}  result")
    print(f"{'parsing floor: read + json.loads every line':44}{floor:13.2f}s")
    print(
        f"{'kratom-check batch':44}{batch:13.2f}s{time_ratio:8.2f}{TIME_TARGET:8.2f}  "
        f"{'ok' if time_ratio <= TIME_TARGET else 'MISSED'}"
    )
    print(f"{'rows per second (batch)':44}{args.rows / batch:14,.0f}")
    print(f"{'peak memory at ' + f'{SMALL:,}' + ' rows':44}{small_peak / 1024:12.1f}MiB")
    print(
        f"{'peak memory at ' + f'{args.rows:,}' + ' rows':44}{big_peak / 1024:12.1f}MiB{memory_ratio:8.2f}"
        f"{MEMORY_TARGET:8.2f}  {'ok' if memory_ratio <= MEMORY_TARGET else 'MISSED'}"
    )
    missed = time_ratio > TIME_TARGET or memory_ratio > MEMORY_TARGET
    print("Targets missed." if missed else "All batch targets met.")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
