"""Benchmark `casplan site` for the bundled plan against `casplan report --format html`.

Usage (with the project's virtualenv, whose `casplan` is used):
    .venv/bin/python benchmarks/site_bench.py              # 5 repeats
    .venv/bin/python benchmarks/site_bench.py --repeat 9

Each time is the wall-clock time of a whole process (start-up, loading the plan, writing), the
median of --repeat runs; the parse cache is warm for both (one run of each first, not counted),
as it is on a maintainer's machine. The site writes every page, the unit calendars and a yearly
report per plan year up to --as-of, so it does the report's work several times over.

Target: the site for the bundled plan in under 2 s. Prints the medians and the ratio; the exit
code is 1 when the target is missed. Standard library only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PLAN = REPO / "plan"
TARGET_SECONDS = 2.0


def casplan_command() -> list[str]:
    """The casplan next to this Python (the venv's console script), else `python -m cas_plan`."""
    script = Path(sys.executable).parent / "casplan"
    return [str(script)] if script.exists() else [sys.executable, "-m", "cas_plan"]


def timed(command: list[str]) -> tuple[float, float]:
    """Wall-clock seconds of the whole process, and its CPU seconds (user + system, from
    os.wait4: on a busy machine the wall clock measures the neighbours too)."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({child.returncode})")
    return wall, usage.ru_utime + usage.ru_stime


def median_time(command: list[str], repeat: int) -> tuple[float, float]:
    timed(command)  # warm the parse cache and the file system
    runs = [timed(command) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--as-of", default="2018-12-31")
    args = parser.parse_args()
    casplan = casplan_command()
    with tempfile.TemporaryDirectory() as work:
        site = median_time(
            [
                *casplan,
                "site",
                "--plan",
                str(PLAN),
                "--out",
                str(Path(work) / "site"),
                "--as-of",
                args.as_of,
            ],
            args.repeat,
        )
    report = median_time(
        [*casplan, "report", "--plan", str(PLAN), "--year", "2018", "--format", "html"],
        args.repeat,
    )
    met = site[0] < TARGET_SECONDS
    print(f"medians of {args.repeat}                 wall      CPU")
    print(f"casplan report --format html   {report[0]:6.2f} s  {report[1]:6.2f} s")
    print(f"casplan site                   {site[0]:6.2f} s  {site[1]:6.2f} s")
    wall_ratio, cpu_ratio = site[0] / report[0], site[1] / report[1]
    print(f"ratio site / report            {wall_ratio:6.2f}    {cpu_ratio:6.2f}")
    print(f"load average                   {os.getloadavg()[0]:6.2f}")
    print(f"target: site < {TARGET_SECONDS:.0f} s (wall)    {'met' if met else 'MISSED'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
