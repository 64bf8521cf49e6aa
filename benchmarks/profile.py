"""Where the time of one casplan command goes, grouped into the steps of a run.

Usage:
    .venv/bin/pip install py-spy
    .venv/bin/python benchmarks/profile.py --plan /tmp/plan-100x            # validate, cold
    .venv/bin/python benchmarks/profile.py --plan /tmp/plan-100x -- due --before 2018-12-31
    .venv/bin/python benchmarks/profile.py --folded samples.txt             # group saved ones

Why a sampling profiler: cProfile and pyinstrument hook every Python call, which inflates the
steps that make many small calls (building values, resolver callbacks) two- to threefold
against libyaml's C code; py-spy samples the stack from outside the process and does not. The
run starts with an empty cache directory (cold). Each sample is put in the first group whose
pattern matches a frame anywhere in its stack (imports, locating, caches, pydantic, checks,
output), else in the group of its innermost frame that matches (composing, resolver callbacks,
building, regex scans, files). The patterns name casplan's functions of today: after a
refactor, samples of renamed functions land in `other` (the most frequent of them are listed),
and the patterns below are what to update. Standard library only (py-spy is run as a program).
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ANYWHERE = [
    ("imports", r"_find_and_load \("),
    ("placing problems (line and column from the positions)", r"^(placed|_place_of) \("),
    (
        "parse cache (keys, pickling and reading back entries, writing the cache)",
        r"^ParseCache\.|^(file_key|plan_key|versions|dump|model_load|plain_load) \(",
    ),
    ("pydantic validation", r"^validate \(cas_plan/core/file_models|pydantic/"),
    ("checks", r"^run_checks \("),
    ("effective views (merged cells filled down)", r"^plan_views \("),
    ("rendering (Jinja2 templates)", r"jinja2/|\.j2:"),
    ("report and site data (contexts, rows, budget)", r"cas_plan/publish/|cas_plan/answers/"),
    ("output (diagnostics)", r"cas_plan/core/diagnostics\.py|cas_plan/output/"),
]
INNERMOST = [
    (
        "YAML: libyaml composing nodes (C)",
        r"^_compose \(|setup \(cas_plan/core/yaml_reader|CParser",
    ),
    (
        "YAML: resolver callbacks, node objects (Python, called by libyaml)",
        r"Composer\.(resolve|descend_resolver|ascend_resolver)|yaml/nodes\.py",
    ),
    ("building values (_Builder, plain_scalar)", r"^_Builder|^plain_scalar"),
    ("regex scans and decoding of the text", r"^(read_yaml_text|read_yaml_bytes|decode) \(|re/"),
    (
        "reading, listing and writing files",
        r"^(read_file_bytes|walk|write_atomically|stream|__setitem__) |<frozen os>|pathlib\.py",
    ),
]


def group(folded: Path) -> tuple[collections.Counter, collections.Counter, int]:
    """Samples per group, the innermost frames of the ungrouped ones, and the total."""
    counts: collections.Counter = collections.Counter()
    other: collections.Counter = collections.Counter()
    total = 0
    for line in folded.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, number = line.rpartition(" ")
        if not number.isdigit():
            continue
        n, frames = int(number), stack.split(";")
        total += n
        name = next((g for g, p in ANYWHERE if any(re.search(p, f) for f in frames)), None)
        for frame in reversed(frames) if name is None else ():
            name = next((g for g, p in INNERMOST if re.search(p, frame)), None)
            if name:
                break
        if name is None:
            name = "other"
            other[frames[-1]] += n
        counts[name] += n
    return counts, other, total


def record(plan: Path, command: list[str], out: Path, rate: int) -> None:
    spy = shutil.which(
        "py-spy", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    )
    if not spy:
        raise SystemExit("py-spy is not installed: pip install py-spy")
    with tempfile.TemporaryDirectory(prefix="casplan-profile-") as cache:
        env = {**os.environ, "CASPLAN_CACHE_DIR": cache, "XDG_CACHE_HOME": cache, "NO_COLOR": "1"}
        env.pop("CASPLAN_NO_CACHE", None)
        argv = [spy, "record", "-r", str(rate), "-f", "raw", "-o", str(out), "--"]
        argv += [sys.executable, "-m", "cas_plan", *command, "--plan", str(plan)]
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, check=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plan", type=Path, help="plan directory to run the command on")
    parser.add_argument("--folded", type=Path, help="group these py-spy raw samples instead")
    parser.add_argument("--rate", type=int, default=250, help="samples a second (250)")
    parser.add_argument("--keep", type=Path, help="keep the samples in this file")
    parser.add_argument("command", nargs="*", default=["validate"], help="casplan arguments")
    args = parser.parse_args(argv)
    if not args.folded and not args.plan:
        parser.error("give --plan or --folded")
    folded = args.folded
    if folded is None:
        folded = args.keep or Path(tempfile.mkstemp(suffix=".folded")[1])
        record(args.plan, args.command or ["validate"], folded, args.rate)
    counts, other, total = group(folded)
    if not total:
        print("no samples")
        return 1
    print(f"| step of `casplan {' '.join(args.command or ['validate'])}` | share |")
    print("|---|---:|")
    for name, n in counts.most_common():
        print(f"| {name} | {100 * n / total:.0f}% |")
    print(f"\n{total} samples at {args.rate}/s; most frequent ungrouped frames:")
    for frame, n in other.most_common(6):
        print(f"  {n:6d}  {frame}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
