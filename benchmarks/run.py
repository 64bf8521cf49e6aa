"""Benchmark casplan against baselines measured in the same run, and check the performance targets.

Usage (with the project's virtualenv, whose `casplan` is used):
    /work/venv/bin/python benchmarks/run.py                 # scales 1,10,100, 5 repeats
    /work/venv/bin/python benchmarks/run.py --scales 1,10 --repeat 3 --out /tmp/results.json
    /work/venv/bin/python benchmarks/run.py --work /tmp/casplan-bench   # keep the generated plans

What is measured (every time is the wall-clock time of a whole subprocess, median of --repeat
runs; every memory figure is the child's peak RSS, from os.wait4):
- at each scale (synthetic plans from make_plan.py, N times the real plan):
    validate   casplan validate --plan DIR
    due        casplan due --before 2018-12-31 --format json --plan DIR
    list       casplan list --format json --plan DIR
    report     casplan report --year 2018 --plan DIR   ("not available" if `report --help` fails)
  against the parse floor: a `python -c` that only parses every *.yaml of DIR with PyYAML's C
  loader (yaml.CSafeLoader). ratio = command time / floor time at the same scale.
  Each repetition first removes anything casplan may have cached (new files in the plan
  directory, and the XDG_CACHE_HOME given to the children), then runs the command ("cold");
  the queries (due, list, report) are then run a second time right after ("warm"), which is
  the run a cache would speed up.
- start-up: `casplan --version`, `casplan --help`, and `casplan validate` of a copy of the real
  plan (plan/ of the repository), against `python -c "import typer"` (at least 5 repeats).
- growth: cold time at 100x / cold time at 10x per command.

The targets (shown beside the measured values, each marked met or missed):
    validate at 100x                      <= 1.5 x parse floor (cold)
    due, list, report at 100x, warm run   <= 0.5 x parse floor
    --version, --help                     <= 1.3 x import typer
    validate of the real plan             <= 2 x import typer
    peak memory of each command at 100x   < 400 MB
    growth 10x -> 100x of each command    <= 11 x

Writes the table to stdout and the results as JSON to --out (default benchmarks/results.json).
Generated plans go to a temporary directory, or to --work DIR. Standard library only, plus
PyYAML for the baseline and make_plan.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
import make_plan  # noqa: E402

QUERIES = {
    "validate": ["validate"],
    "due": ["due", "--before", "2018-12-31", "--format", "json"],
    "list": ["list", "--format", "json"],
    "report": ["report", "--year", "2018"],
}
WARM = ("due", "list", "report")  # queries a cache would speed up: also timed on a repeat run
PARSE_FLOOR = (
    "import pathlib, sys, yaml\n"
    "for p in sorted(pathlib.Path(sys.argv[1]).rglob('*.yaml')):\n"
    "    with open(p, 'rb') as f: yaml.load(f, Loader=yaml.CSafeLoader)\n"
)
IMPORT_TYPER = ["-c", "import typer"]


def casplan_command() -> list[str]:
    """The casplan next to this Python (the venv's console script), else `python -m cas_plan`."""
    script = Path(sys.executable).parent / "casplan"
    return [str(script)] if script.exists() else [sys.executable, "-m", "cas_plan"]


class Runner:
    """Runs children with a quiet, fixed environment; records wall time and peak RSS."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.cache_home = work / "xdg-cache"
        self.env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("GITHUB_ACTIONS", "CASPLAN_PLAN", "CASPLAN_CACHE_DIR", "CASPLAN_NO_CACHE")
        }
        self.env.update(COLUMNS="120", NO_COLOR="1", XDG_CACHE_HOME=str(self.cache_home))

    def run(self, argv: list[str]) -> dict:
        """One run: {'seconds', 'rss_mb', 'exit', 'stderr'} (output goes to a scratch file)."""
        with (
            open(self.work / "stdout.txt", "wb") as out,
            open(self.work / "stderr.txt", "w+b") as err,
        ):
            started = time.perf_counter()
            child = subprocess.Popen(
                argv, stdout=out, stderr=err, env=self.env, stdin=subprocess.DEVNULL
            )
            _, status, usage = os.wait4(child.pid, 0)
            seconds = time.perf_counter() - started
            child.returncode = os.waitstatus_to_exitcode(status)
            err.seek(0)
            stderr = err.read().decode("utf-8", "replace")
        divisor = 1024 * 1024 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes or KiB
        return {
            "seconds": seconds,
            "rss_mb": usage.ru_maxrss / divisor,
            "exit": child.returncode,
            "stderr": stderr[-2000:],
        }

    def clean(self, plan_dir: Path, keep: set[Path]) -> None:
        """Remove whatever a run left behind: new files in the plan directory, the cache home."""
        shutil.rmtree(self.cache_home, ignore_errors=True)
        self.cache_home.mkdir(parents=True)
        for path in sorted(plan_dir.rglob("*"), reverse=True):  # children before their parents
            if path not in keep:
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)


def median_of(runs: list[dict], key: str) -> float | None:
    values = [r[key] for r in runs]
    return statistics.median(values) if values else None


def measure(
    runner: Runner,
    argv: list[str],
    repeat: int,
    *,
    expect_ok: bool = True,
    plan_dir: Path | None = None,
    keep: set[Path] = frozenset(),
    warm: bool = False,
) -> dict:
    """`repeat` cold runs (each after cleaning caches: files of plan_dir not in keep), and a warm
    run after each when asked."""
    cold, hot = [], []
    for _ in range(repeat):
        if plan_dir:
            runner.clean(plan_dir, keep)
        cold.append(runner.run(argv))
        if warm:
            hot.append(runner.run(argv))
        failed = [r for r in cold + hot if r["exit"] != 0]
        if expect_ok and failed:
            return {
                "status": "failed",
                "exit": failed[0]["exit"],
                "stderr": failed[0]["stderr"],
                "argv": argv,
            }
    result = {
        "status": "ok",
        "seconds": median_of(cold, "seconds"),
        "rss_mb": max(r["rss_mb"] for r in cold + hot),
        "runs": [round(r["seconds"], 4) for r in cold],
    }
    if warm:
        result["warm_seconds"] = median_of(hot, "seconds")
        result["warm_runs"] = [round(r["seconds"], 4) for r in hot]
    return result


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def benchmark(scales: list[int], repeat: int, work: Path) -> dict:
    runner = Runner(work)
    casplan = casplan_command()
    python = [sys.executable]
    version = subprocess.run([*casplan, "--version"], capture_output=True, text=True).stdout.strip()
    commit = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    modified = (
        subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--", "src"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        != ""
    )
    has_report = runner.run([*casplan, "report", "--help"])["exit"] == 0
    results: dict = {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": {
            "platform": platform.platform(),
            "machine": platform.machine(),
            "processor": platform.processor(),
            "cpu_count": os.cpu_count(),
            "python": platform.python_version(),
        },
        "casplan": {
            "command": casplan,
            "version": version,
            "commit": commit,
            "src_modified": modified,
        },
        "repeat": repeat,
        "scales": scales,
        "plans": {},
        "scale_runs": [],
        "startup": [],
    }

    # start-up, against `python -c "import typer"`; validate of a copy of the real plan
    startup_repeat = max(repeat, 5)
    real = work / "real-plan"
    shutil.rmtree(real, ignore_errors=True)
    shutil.copytree(REPO / "plan", real, ignore=shutil.ignore_patterns(".*"))
    log("start-up: import typer, --version, --help, validate of the real plan")
    typer = measure(runner, [*python, *IMPORT_TYPER], startup_repeat)
    real_files = set(real.rglob("*"))
    for name, argv, plan_dir in [
        ("--version", [*casplan, "--version"], None),
        ("--help", [*casplan, "--help"], None),
        ("validate real plan", [*casplan, "validate", "--plan", str(real)], real),
    ]:
        warm = plan_dir is not None  # validate: also the run right after, with its caches
        result = measure(
            runner, argv, startup_repeat, plan_dir=plan_dir, keep=real_files, warm=warm
        )
        results["startup"].append(
            {
                "name": name,
                "baseline": "import typer",
                "baseline_seconds": typer.get("seconds"),
                "ratio": ratio(result.get("seconds"), typer.get("seconds")),
                **result,
            }
        )
        if warm:
            results["startup"].append(
                {
                    "name": f"{name} (warm)",
                    "baseline": "import typer",
                    "baseline_seconds": typer.get("seconds"),
                    "ratio": ratio(result.get("warm_seconds"), typer.get("seconds")),
                    "status": result.get("status"),
                    "seconds": result.get("warm_seconds"),
                    "rss_mb": result.get("rss_mb"),
                }
            )

    for scale in scales:
        plan_dir = work / f"plan-{scale}x"
        log(f"{scale}x: writing the plan to {plan_dir}")
        results["plans"][str(scale)] = make_plan.make_plan(scale, plan_dir)
        generated = set(plan_dir.rglob("*"))
        log(f"{scale}x: parse floor")
        floor = measure(runner, [*python, "-c", PARSE_FLOOR, str(plan_dir)], repeat)
        results["scale_runs"].append({"name": "parse floor (CSafeLoader)", "scale": scale, **floor})
        for name, args in QUERIES.items():
            row: dict = {"name": name, "scale": scale}
            if name == "report" and not has_report:
                row["status"] = "not available"
            else:
                log(f"{scale}x: casplan {' '.join(args)}")
                row.update(
                    measure(
                        runner,
                        [*casplan, *args, "--plan", str(plan_dir)],
                        repeat,
                        plan_dir=plan_dir,
                        keep=generated,
                        warm=name in WARM,
                    )
                )
                row["ratio"] = ratio(row.get("seconds"), floor.get("seconds"))
                row["warm_ratio"] = ratio(row.get("warm_seconds"), floor.get("seconds"))
            results["scale_runs"].append(row)

    results["targets"] = targets(results)
    return results


def targets(results: dict) -> list[dict]:
    """Each target with its measured value and whether it is met (None: not measured)."""
    rows = {(r["name"], r["scale"]): r for r in results["scale_runs"]}
    startup = {r["name"]: r for r in results["startup"]}
    out = []

    def target(
        what: str,
        measured: float | None,
        limit: float,
        unit: str,
        strict: bool = False,
        note: str | None = None,
    ) -> None:
        met = None if measured is None else (measured < limit if strict else measured <= limit)
        out.append(
            {
                "target": what,
                "measured": measured,
                "limit": limit,
                "unit": unit,
                "op": "<" if strict else "<=",
                "met": met,
                "note": note,
            }
        )

    def at(name: str, scale: int, key: str) -> float | None:
        return rows.get((name, scale), {}).get(key)

    def why(name: str, scale: int) -> str | None:
        row = rows.get((name, scale))
        return None if row is None else None if row.get("status") == "ok" else row.get("status")

    target(
        "validate at 100x / parse floor",
        at("validate", 100, "ratio"),
        1.5,
        "x",
        note=why("validate", 100),
    )
    for name in WARM:
        target(
            f"{name} at 100x, warm run / parse floor",
            at(name, 100, "warm_ratio"),
            0.5,
            "x",
            note=why(name, 100),
        )
    for name, limit in (
        ("--version", 1.3),
        ("--help", 1.3),
        ("validate real plan", 2.0),
        ("validate real plan (warm)", 2.0),
    ):
        target(
            f"{name} / import typer",
            startup.get(name, {}).get("ratio"),
            limit,
            "x",
            note=None if startup.get(name, {}).get("status") == "ok" else "failed",
        )
    for name in QUERIES:
        target(
            f"{name} at 100x, peak memory",
            at(name, 100, "rss_mb"),
            400,
            "MB",
            strict=True,
            note=why(name, 100),
        )
    for name in QUERIES:
        target(
            f"{name} growth 10x -> 100x",
            ratio(at(name, 100, "seconds"), at(name, 10, "seconds")),
            11,
            "x",
            note=why(name, 100) or why(name, 10),
        )
    return out


def fmt(value: float | None, spec: str = ".2f", suffix: str = "") -> str:
    return "-" if value is None else f"{value:{spec}}{suffix}"


def table(results: dict) -> str:
    source = results["casplan"]["commit"] + (
        " + uncommitted src/ changes" if results["casplan"]["src_modified"] else ""
    )
    lines = [
        f"{results['casplan']['version']} (commit {source}), "
        f"{results['date']}, {results['machine']['platform']}, "
        f"{results['machine']['cpu_count']} CPUs, Python {results['machine']['python']}, "
        f"median of {results['repeat']} runs",
        "",
    ]
    for scale, plan in results["plans"].items():
        lines.append(
            f"{scale}x plan: {plan['measures']} measures, {plan['activities']} activities, "
            f"{plan['files']} files, {plan['bytes'] / 1e6:.1f} MB "
            f"(written in {plan['seconds']:.1f} s)"
        )
    header = (
        f"{'command':<28}{'scale':>6}{'time s':>10}{'ratio':>9}{'warm s':>10}"
        f"{'warm ratio':>12}{'peak MB':>9}  status"
    )
    lines += ["", header, "-" * len(header)]
    for row in results["scale_runs"]:
        lines.append(
            f"{row['name']:<28}{row['scale']:>5}x{fmt(row.get('seconds'), '.3f'):>10}"
            f"{fmt(row.get('ratio'), '.1f', 'x'):>9}{fmt(row.get('warm_seconds'), '.3f'):>10}"
            f"{fmt(row.get('warm_ratio'), '.1f', 'x'):>12}{fmt(row.get('rss_mb'), '.0f'):>9}"
            f"  {row.get('status')}"
        )
    lines += [
        "",
        f"{'start-up':<28}{'time s':>10}{'baseline s':>12}{'ratio':>9}{'peak MB':>9}  status",
        "-" * 80,
    ]
    for row in results["startup"]:
        lines.append(
            f"{row['name']:<28}{fmt(row.get('seconds'), '.3f'):>10}"
            f"{fmt(row['baseline_seconds'], '.3f'):>12}{fmt(row.get('ratio'), '.2f', 'x'):>9}"
            f"{fmt(row.get('rss_mb'), '.0f'):>9}  {row.get('status')} (vs {row['baseline']})"
        )
    lines += ["", f"{'target':<40}{'measured':>12}{'target':>10}  result", "-" * 72]
    for t in results["targets"]:
        verdict = {True: "met", False: "MISSED", None: "not measured"}[t["met"]]
        if t["note"]:
            verdict += f" ({t['note']})"
        lines.append(
            f"{t['target']:<40}{fmt(t['measured'], '.2f', ' ' + t['unit']):>12}"
            f"{t['op'] + ' ' + format(t['limit'], 'g') + ' ' + t['unit']:>10}  {verdict}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="1,10,100", help="comma-separated (default 1,10,100)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (median)")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    parser.add_argument("--work", type=Path, help="where to write the plans (default: a temp dir)")
    args = parser.parse_args(argv)
    scales = [int(s) for s in args.scales.split(",") if s.strip()]
    if args.repeat < 1 or not scales or min(scales) < 1:
        parser.error("--repeat and every scale must be at least 1")
    if args.work:
        args.work.mkdir(parents=True, exist_ok=True)
        results = benchmark(scales, args.repeat, args.work.resolve())
    else:
        with tempfile.TemporaryDirectory(prefix="casplan-bench-") as work:
            results = benchmark(scales, args.repeat, Path(work))
    print(table(results))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
