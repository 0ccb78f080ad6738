"""Start-up benchmark: kratom-check against a typer "hello world", measured side by side.

Run it with `python benchmarks/startup.py` after the README's install. It times, alternating the
commands in one process, the median wall time of each over --runs runs, prints each with its ratio
to the typer floor, and exits 1 when a target is missed. Ratios, not absolute times, so the
figures hold on any machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

HELLO = """\
import typer

app = typer.Typer()


@app.command()
def main(name: str = "world") -> None:
    print(f"hello {name}")


if __name__ == "__main__":
    app()
"""

ANSWERS = """\
frequency: several_daily
duration: over_1_year
amount: moderate
product_forms: [leaf, extract]
co_use: [alcohol]
alcohol_frequency: weekly
liver_conditions: [none]
symptoms: [none]
"""

# (label, target ratio to the typer floor or None)
TARGETS = {
    "c": 1.10,
    "d": 1.10,
    "e": 1.05,
}


def run_once(command: list[str]) -> tuple[float, int]:
    """Wall time in seconds and peak resident memory in KiB of one run of command."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"command failed ({process.returncode}): {' '.join(command)}")
    return elapsed, usage.ru_maxrss


def compiled_first() -> None:
    """Byte-compile the package, as installing a wheel does. An editable install run with
    PYTHONDONTWRITEBYTECODE=1 (set on some machines) would otherwise compile every module on every
    start, and the benchmark would measure the compiler, not kratom-check."""
    import compileall

    import kratom_check

    compileall.compile_dir(str(Path(kratom_check.__file__).parent), quiet=1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="runs of each command (at least 20)")
    args = parser.parse_args()
    runs = max(20, args.runs)

    compiled_first()
    tool = Path(sys.executable).with_name("kratom-check")
    if not tool.exists():
        raise SystemExit(f"{tool} not found: install kratom-check into this environment first (pip install .)")
    with tempfile.TemporaryDirectory() as folder:
        hello = Path(folder) / "hello_typer.py"
        hello.write_text(HELLO, encoding="utf-8")
        answers = Path(folder) / "answers.yaml"
        answers.write_text(ANSWERS, encoding="utf-8")
        answers_json = Path(folder) / "answers.json"
        answers_json.write_text(json.dumps(yaml.safe_load(ANSWERS)), encoding="utf-8")
        commands = {
            "a": ("python -c pass", [sys.executable, "-c", "pass"]),
            "b": ("typer hello world (the floor)", [sys.executable, str(hello)]),
            "c": (
                "kratom-check --answers FILE --format json",
                [str(tool), "--answers", str(answers), "--format", "json"],
            ),
            "d": ("kratom-check --answers FILE (text)", [str(tool), "--answers", str(answers)]),
            "e": ("kratom-check --help", [str(tool), "--help"]),
            "c2": (
                "(c) with a JSON answers file (no target)",
                [str(tool), "--answers", str(answers_json), "--format", "json"],
            ),
        }
        for _label, (_name, command) in commands.items():  # warm the file cache once
            run_once(command)
        times: dict[str, list[float]] = {label: [] for label in commands}
        memory: dict[str, list[int]] = {label: [] for label in commands}
        for _ in range(runs):
            for label, (_name, command) in commands.items():
                elapsed, peak = run_once(command)
                times[label].append(elapsed)
                memory[label].append(peak)

    floor = statistics.median(times["b"])
    floor_memory = statistics.median(memory["b"])
    missed = []
    print(f"Start-up, median of {runs} alternating runs (ratio to the typer floor b)")
    print(f"{'':4}{'command':45}{'median':>10}{'ratio':>8}{'target':>8}  result")
    for label, (name, _command) in commands.items():
        median = statistics.median(times[label])
        ratio = median / floor
        target = TARGETS.get(label)
        verdict = "" if target is None else ("ok" if ratio <= target else "MISSED")
        if verdict == "MISSED":
            missed.append(label)
        shown_target = f"{target:.2f}" if target else ""
        print(f"{label + ')':4}{name:45}{median * 1000:8.1f}ms{ratio:8.2f}{shown_target:>8}  {verdict}")
    peak = statistics.median(memory["c"])
    print(
        f"Peak memory of (c): {peak / 1024:.1f} MiB, {peak / floor_memory:.2f} x the floor's "
        f"{floor_memory / 1024:.1f} MiB (reported, no target)"
    )
    if missed:
        print(f"Targets missed: {', '.join(missed)}")
        return 1
    print("All start-up targets met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
