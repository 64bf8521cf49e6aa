"""Benchmark casplan against baselines measured in the same run, paired run by run, and check
the performance targets.

Usage (with the project's virtualenv, whose `casplan` is used):
    .venv/bin/python benchmarks/run.py                          # scales 1,10,100, 5 pairs
    .venv/bin/python benchmarks/run.py --scales 1,10,100,300    # with memory and growth at 300x
    .venv/bin/python benchmarks/run.py --peers                  # also Doorstop and StrictDoc
    .venv/bin/python benchmarks/run.py --out r.json --markdown benchmarks/RESULTS.md
    .venv/bin/python benchmarks/run.py --only peers --peer-scales 1   # one part only

Why paired: a shared machine drifts by tens of percent within minutes, so one baseline run per
scale makes ratios noisy. Here every command runs right after its own baseline runs, repeat
after repeat (B1 A1 B2 A2 ...); the ratio is taken per pair and the median of those ratios is
reported with its min and max. Times are the wall-clock time of whole subprocesses; memory is
the child's peak RSS (os.wait4).

Baselines:
- compose floor: a `python -c` composing every *.yaml of the plan with libyaml (PyYAML's
  CParser with a resolver that resolves nothing), building no values, the garbage collector
  disabled at start and frozen before exit, as casplan does. Nothing that reads YAML with
  libyaml from Python can be faster: it is the real limit.
- parse floor: the same files loaded with yaml.CSafeLoader (libyaml, but a Python-level
  constructor and YAML 1.1 regex resolvers on every scalar).
- `python -c "import typer"`, for start-up on the bundled plan.

Runs: "cold" starts with empty caches (XDG_CACHE_HOME and CASPLAN_CACHE_DIR point to a fresh
directory, and files a run left in the plan directory are removed); "warm" is the same command
again right after, with the parse cache kept. An answer cache (whole-command output replayed,
which casplan had in 0.1.0) is removed before the warm run: warm means the parse cache only.

Measured: validate, due, list, report at each scale (synthetic plans from make_plan.py); on the
bundled plan (plan/), validate and report --year 2018 (plus --version and --help, information
only); validate of a plan whose one measure file holds 200 and 2,000 unknown keys (linear in
the number of problems); growth between scales (linear: at most 1.2 x the growth of the plan,
measured as the change of the command's paired ratio to the compose floor times the change of
size, since the floor does the same work per byte at every scale and the machine may drift
between scales; the raw growth of the times is shown beside it); and with --peers, Doorstop
and StrictDoc on the same content (peers.py), when they are installed.

Writes a table to stdout, JSON to --out (default benchmarks/results.json) and, with
--markdown FILE, the Markdown the README quotes. Standard library plus PyYAML.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
import make_plan  # noqa: E402
import peers  # noqa: E402

PERIOD = "2020-Q4"  # collect and import: the last quarter, after every generated progress entry
IMPORT_DATE = dt.datetime(2020, 12, 31)  # the date of every imported row
QUERIES = {
    "validate": ["validate"],
    "due": ["due", "--before", "2018-12-31", "--format", "json"],
    "list": ["list", "--format", "json"],
    "report": ["report", "--year", "2018"],
    "site": ["site", "--out", "DIR"],
    "collect": ["collect", "--period", PERIOD, "--out", "DIR"],
    "import": ["import", "WORKBOOK..."],
}
COMPOSE_FLOOR = """\
import gc, pathlib, sys
gc.disable()
from yaml._yaml import CParser
class Composer(CParser):
    def resolve(self, kind, value, implicit): return ''
    def descend_resolver(self, *args): pass
    def ascend_resolver(self): pass
for p in sorted(pathlib.Path(sys.argv[1]).rglob('*.yaml')):
    c = Composer(p.read_bytes().decode('utf-8'))
    c.get_single_node()
    c.dispose()
gc.freeze()
"""
PARSE_FLOOR = """\
import pathlib, sys, yaml
for p in sorted(pathlib.Path(sys.argv[1]).rglob('*.yaml')):
    with open(p, 'rb') as f: yaml.load(f, Loader=yaml.CSafeLoader)
"""
COMPOSE, PARSE, TYPER = "compose floor", "parse floor", "import typer"
# commands whose run over this many seconds is not repeated (a 100x site or import takes
# minutes): one pair is measured
SLOW = {"site": 60.0, "import": 60.0}
PEER_LEAD = 8  # casplan at least 8 times faster than each peer on each matched task
GROWTH_SLACK = 1.2  # linear: time grows by at most 1.2 x the growth of the plan
PROBLEMS = (200, 2000)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def tool(name: str) -> list[str] | None:
    """A console script next to this Python (the venv's), else on PATH."""
    script = Path(sys.executable).parent / name
    if script.exists():
        return [str(script)]
    found = shutil.which(name)
    return [found] if found else None


def casplan_command() -> list[str]:
    return tool("casplan") or [sys.executable, "-m", "cas_plan"]


def version_of(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


class Runner:
    """Runs children with a quiet, fixed environment and private cache directories; records
    wall time and peak RSS."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.cache = work / "cache"
        # PYTHONDONTWRITEBYTECODE: an installed casplan runs from bytecode (pip compiles it);
        # without .pyc files every run would compile casplan's modules again
        drop = (
            "GITHUB_ACTIONS",
            "CASPLAN_PLAN",
            "CASPLAN_CACHE_DIR",
            "CASPLAN_NO_CACHE",
            "PYTHONDONTWRITEBYTECODE",
        )
        self.env = {k: v for k, v in os.environ.items() if k not in drop}
        self.env.update(
            COLUMNS="120",
            NO_COLOR="1",
            XDG_CACHE_HOME=str(self.cache / "xdg"),
            CASPLAN_CACHE_DIR=str(self.cache / "casplan"),
        )

    def run(self, argv: list[str], cwd: Path | None = None, timeout: float | None = None) -> dict:
        """One run: {'seconds', 'cpu', 'rss_mb', 'exit', 'stderr', 'load'} (load: the 1-minute
        load average as it started); output goes to scratch files. A run over `timeout` seconds
        is killed (exit None, 'timed_out': True)."""
        load = os.getloadavg()[0]
        with (
            open(self.work / "stdout.txt", "wb") as out,
            open(self.work / "stderr.txt", "w+b") as err,
        ):
            started = time.perf_counter()
            child = subprocess.Popen(
                argv,
                stdout=out,
                stderr=err,
                env=self.env,
                stdin=subprocess.DEVNULL,
                cwd=cwd,
                start_new_session=True,
            )
            timed_out = False
            if timeout is None:
                _, status, usage = os.wait4(child.pid, 0)
            else:
                while True:
                    pid, status, usage = os.wait4(child.pid, os.WNOHANG)
                    if pid:
                        break
                    if time.perf_counter() - started > timeout:
                        os.killpg(child.pid, signal.SIGKILL)  # the child's own session only
                        _, status, usage = os.wait4(child.pid, 0)
                        timed_out = True
                        break
                    time.sleep(0.02)
            seconds = time.perf_counter() - started
            child.returncode = os.waitstatus_to_exitcode(status)
            err.seek(0)
            stderr = err.read().decode("utf-8", "replace")
        divisor = 1024 * 1024 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes or KiB
        return {
            "seconds": seconds,
            "cpu": usage.ru_utime + usage.ru_stime,
            "load": round(load, 2),
            "rss_mb": usage.ru_maxrss / divisor,
            "exit": None if timed_out else child.returncode,
            "timed_out": timed_out,
            "stderr": stderr[-2000:],
        }

    def empty_caches(self) -> None:
        shutil.rmtree(self.cache, ignore_errors=True)
        (self.cache / "xdg").mkdir(parents=True)
        (self.cache / "casplan").mkdir(parents=True)

    def drop_answer_cache(self) -> int:
        """Remove replayed whole-command answers (casplan 0.1.0 kept them in `results/` of its
        cache directory), keeping the parse cache; returns how many answers were removed."""
        removed = 0
        for directory in (self.cache / "casplan" / "results", self.cache / "xdg/casplan/results"):
            if directory.is_dir():
                removed += sum(1 for _ in directory.iterdir())
                shutil.rmtree(directory)
        return removed

    def cache_files(self) -> list[str]:
        return sorted(str(p.relative_to(self.cache)) for p in self.cache.rglob("*") if p.is_file())


def clean_plan(plan_dir: Path, keep: set[Path]) -> None:
    """Remove whatever a run left in the plan directory (children before their parents)."""
    for path in sorted(plan_dir.rglob("*"), reverse=True):
        if path not in keep:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


class Step:
    """One child run of an interleaved measurement: argv, what to do before it, its exits."""

    def __init__(
        self,
        name: str,
        argv: list[str],
        before: Callable[[], object] | None = None,
        ok: tuple[int, ...] = (0,),
        cwd: Path | None = None,
        slow: float | None = None,
    ) -> None:
        self.name, self.argv, self.before, self.ok, self.cwd = name, argv, before, ok, cwd
        self.slow = slow  # after one run longer than this (seconds), the step is not repeated


def interleave(runner: Runner, steps: list[Step], repeat: int, timeout: float | None) -> dict:
    """Run the steps in order, `repeat` times (A B C A B C ...): {name: {'runs': [...],
    'status'}}; a failing step stops the measurement of that step (and is reported)."""
    out: dict[str, dict] = {s.name: {"runs": [], "status": "ok", "argv": s.argv} for s in steps}
    for _ in range(repeat):
        for step in steps:
            record = out[step.name]
            if record["status"] != "ok" or record.get("done"):
                continue
            if step.before:
                step.before()
            result = runner.run(step.argv, cwd=step.cwd, timeout=timeout)
            record["runs"].append(result)
            if result["timed_out"]:
                record["status"] = f"timed out after {timeout:g} s"
            elif result["exit"] not in step.ok:
                record["status"] = f"failed (exit {result['exit']})"
                record["stderr"] = result["stderr"]
                out_text = (runner.work / "stdout.txt").read_bytes()[-2000:]
                record["stdout"] = out_text.decode("utf-8", "replace")
            elif step.slow is not None and result["seconds"] > step.slow:
                record["done"] = True  # slow: one run is enough
    for record in out.values():
        runs = record.pop("runs")
        record.pop("done", None)
        seconds = [r["seconds"] for r in runs]
        record.update(
            seconds=statistics.median(seconds) if seconds else None,
            min=min(seconds, default=None),
            max=max(seconds, default=None),
            n=len(seconds),
            times=[round(s, 4) for s in seconds],
            cpu=statistics.median([r["cpu"] for r in runs]) if runs else None,
            load=[min(r["load"] for r in runs), max(r["load"] for r in runs)] if runs else None,
            rss_mb=max((r["rss_mb"] for r in runs), default=None),
        )
    return out


def paired(measured: dict, name: str, baseline: str) -> dict | None:
    """Ratios name/baseline run by run (pairs of the same repetition): median, min, max."""
    a, b = measured.get(name), measured.get(baseline)
    if not a or not b or not a["times"] or not b["times"]:
        return None
    ratios = [x / y for x, y in zip(a["times"], b["times"], strict=False) if y]
    if not ratios:
        return None
    return {
        "baseline": baseline,
        "median": statistics.median(ratios),
        "min": min(ratios),
        "max": max(ratios),
        "pairs": len(ratios),
        "timed_out": a["status"].startswith("timed out"),
    }


# --- the parts of a run ------------------------------------------------------------------------


class Bench:
    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args, self.work = args, work
        self.runner = Runner(work)
        self.casplan = casplan_command()
        import compileall

        compileall.compile_dir(REPO / "src", quiet=1)  # as pip compiles an installed package
        self.python = [sys.executable]
        self.plans: dict[int, Path] = {}
        self.results: dict = {}
        help_text = subprocess.run(
            [*self.casplan, "validate", "--help"],
            capture_output=True,
            text=True,
            env=self.runner.env,
        ).stdout
        self.has_no_cache = "--no-cache" in help_text
        self.has_report = self.runner.run([*self.casplan, "report", "--help"])["exit"] == 0

    def plan(self, scale: int) -> Path:
        if scale not in self.plans:
            directory = self.work / f"plan-{scale}x"
            log(f"{scale}x: writing the plan to {directory}")
            self.results.setdefault("plans", {})[str(scale)] = make_plan.make_plan(scale, directory)
            self.plans[scale] = directory
        return self.plans[scale]

    def cold(self, plan_dir: Path, keep: set[Path]) -> Callable[[], None]:
        def before() -> None:
            self.runner.empty_caches()
            clean_plan(plan_dir, keep)

        return before

    def warm(self) -> None:
        removed = self.runner.drop_answer_cache()
        cache = self.results.setdefault("cache", {"answers_removed": 0})
        cache["answers_removed"] += removed
        cache["files_kept_for_warm_runs"] = self.runner.cache_files()

    def casplan_steps(
        self,
        name: str,
        args: list[str],
        plan_dir: Path,
        prepare: Callable[[], object] | None = None,
    ) -> list[Step]:
        """A command's cold and warm runs; `prepare` runs before each (an output directory
        emptied, a plan restored), outside the time."""
        keep = set(plan_dir.rglob("*"))
        argv = [*self.casplan, *args, "--plan", str(plan_dir)]
        ok = (0, 1) if name == "validate" and plan_dir.name.startswith("problems") else (0,)
        cold, warm = self.cold(plan_dir, keep), self.warm

        def both(first: Callable[[], object]) -> Callable[[], None]:
            def before() -> None:
                first()
                if prepare is not None:
                    prepare()

            return before

        slow = SLOW.get(name)
        return [
            Step(f"{name} cold", argv, both(cold), ok, slow=slow),
            Step(f"{name} warm", argv, both(warm), ok, slow=slow),
        ]

    def command(self, name: str, scale: int, plan_dir: Path) -> tuple[list[str], Path, Callable]:
        """The arguments of a measured command at a scale, the plan it runs on and what to do
        before each run: site and collect write into an emptied directory; import reads the
        workbooks collect wrote for the period, every row filled (status and date), into a copy
        of the plan that is put back as it was before each run."""
        out = self.work / f"{name}-{scale}x"

        def emptied() -> None:
            shutil.rmtree(out, ignore_errors=True)
            if name == "collect":
                out.mkdir()

        if name in ("site", "collect"):
            return [*QUERIES[name][:-1], str(out)], plan_dir, emptied
        if name != "import":
            return QUERIES[name], plan_dir, lambda: None
        target = self.work / f"plan-{scale}x-import"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(plan_dir, target)
        pristine = {p: p.read_bytes() for p in target.rglob("*.yaml")}
        workbooks = self.filled_workbooks(scale, plan_dir)

        def restored() -> None:
            for path in target.rglob("*.yaml"):
                if path not in pristine:
                    path.unlink()
            for path, data in pristine.items():
                if not path.exists() or path.read_bytes() != data:
                    path.write_bytes(data)

        return ["import", *map(str, workbooks)], target, restored

    def filled_workbooks(self, scale: int, plan_dir: Path) -> list[Path]:
        """Collect's workbooks for PERIOD, each row given a status and IMPORT_DATE, as a unit
        returns them (openpyxl, a dependency of casplan)."""
        from openpyxl import load_workbook

        out = self.work / f"workbooks-{scale}x"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        argv = [*self.casplan, "collect", "--period", PERIOD, "--out", str(out)]
        subprocess.run(
            [*argv, "--plan", str(plan_dir)],
            env=self.runner.env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        rows = 0
        for path in sorted(out.glob("*.xlsx")):
            book = load_workbook(path)
            sheet = book["Activities"]
            header = [cell.value for cell in sheet[1]]
            status, date = header.index("New status") + 1, header.index("Date") + 1
            for row in range(2, sheet.max_row + 1):
                if sheet.cell(row, 1).value:
                    sheet.cell(row, status, "in_progress")
                    sheet.cell(row, date, IMPORT_DATE)
                    rows += 1
            book.save(path)
        self.results.setdefault("import_rows", {})[str(scale)] = rows
        return sorted(out.glob("*.xlsx"))

    def repeat_for(self, scale: int) -> int:
        return self.args.repeat if scale <= 100 else self.args.repeat_large

    def scales(self) -> None:
        rows = self.results.setdefault("scale_runs", [])
        for scale in self.args.scales:
            plan_dir = self.plan(scale)
            floors = [
                Step(COMPOSE, [*self.python, "-c", COMPOSE_FLOOR, str(plan_dir)]),
                Step(PARSE, [*self.python, "-c", PARSE_FLOOR, str(plan_dir)]),
            ]
            for name in self.args.commands:
                row: dict = {"name": name, "scale": scale}
                rows.append(row)
                if name == "report" and not self.has_report:
                    row["status"] = "not available"
                    continue
                args, where, prepare = self.command(name, scale, plan_dir)
                log(f"{scale}x: casplan {' '.join(QUERIES[name])}, paired with both floors")
                steps = [*floors, *self.casplan_steps(name, args, where, prepare)]
                measured = interleave(self.runner, steps, self.repeat_for(scale), None)
                row["measured"] = measured
                row["status"] = measured[f"{name} cold"]["status"]
                row["pairs"] = {
                    f"{kind} / {floor}": paired(measured, f"{name} {kind}", floor)
                    for kind in ("cold", "warm")
                    for floor in (COMPOSE, PARSE)
                }

    def startup(self) -> None:
        real = self.work / "bundled-plan"
        shutil.rmtree(real, ignore_errors=True)
        shutil.copytree(REPO / "plan", real, ignore=shutil.ignore_patterns(".*"))
        repeat = max(self.args.repeat, 5)
        typer = Step(TYPER, [*self.python, "-c", "import typer"])
        rows = self.results.setdefault("startup", [])
        commands = [("validate", ["validate"])]
        if self.has_report:
            commands.append(("report --year 2018", ["report", "--year", "2018"]))
        for name, args in commands:
            log(f"bundled plan: casplan {name}, each run paired with import typer")
            steps = [typer, *self.casplan_steps(name, args, real)]
            measured = interleave(self.runner, steps, repeat, None)
            rows.append(
                {
                    "name": name,
                    "measured": measured,
                    "status": measured[f"{name} cold"]["status"],
                    "pairs": {
                        kind: paired(measured, f"{name} {kind}", TYPER) for kind in ("cold", "warm")
                    },
                }
            )
        log("start-up: --version, --help (information only)")
        steps = [
            typer,
            Step("--version", [*self.casplan, "--version"]),
            Step("--help", [*self.casplan, "--help"]),
        ]
        measured = interleave(self.runner, steps, repeat, None)
        for name in ("--version", "--help"):
            rows.append(
                {
                    "name": name,
                    "measured": measured,
                    "status": measured[name]["status"],
                    "pairs": {"cold": paired(measured, name, TYPER)},
                }
            )

    def problems(self) -> None:
        """Validate of the bundled plan with N unknown keys spread over the activities of its
        first measure file, for N = 200 and 2,000: linear means 10x the problems, 10x the time
        (start-up included, so at most that)."""
        plans = {}
        for count in PROBLEMS:
            directory = self.work / f"problems-{count}"
            shutil.rmtree(directory, ignore_errors=True)
            shutil.copytree(REPO / "plan", directory, ignore=shutil.ignore_patterns(".*"))
            target = sorted(directory.glob("goal-1/measure-*.yaml"))[0]
            data = make_plan._load(target)
            activities = data["activities"]
            for k in range(count):
                activities[k % len(activities)][f"unknown_key_{k:04d}"] = "x"
            make_plan._dump(target, data)
            plans[count] = directory
        low, high = (f"validate, {n} problems" for n in PROBLEMS)
        steps = []
        for count, name in zip(PROBLEMS, (low, high), strict=True):
            directory = plans[count]
            steps.append(
                Step(
                    name,
                    [*self.casplan, "validate", "--plan", str(directory)],
                    self.cold(directory, set(directory.rglob("*"))),
                    ok=(1,),
                )
            )
        log("problems: validate with 200 and 2,000 unknown keys in one file, paired")
        measured = interleave(self.runner, steps, self.args.repeat, None)
        first = self.runner.run([*self.casplan, "validate", "--plan", str(plans[PROBLEMS[1]])])
        reported = sum(1 for line in first["stderr"].splitlines() if ": error:" in line)
        if not reported:
            out = (self.work / "stdout.txt").read_text(encoding="utf-8", errors="replace")
            reported = sum(1 for line in out.splitlines() if ": error:" in line)
        self.results["problems"] = {
            "measured": measured,
            "pair": paired(measured, high, low),
            "errors_reported_at_2000": reported,
            "status": measured[high]["status"],
        }

    def peers(self) -> None:
        found = {name: self.peer_tool(name) for name in ("doorstop", "strictdoc")}
        doorstop, strictdoc = found["doorstop"], found["strictdoc"]
        info = self.results.setdefault(
            "peers",
            {
                "versions": {name: self.peer_version(name) for name in found},
                "runs": [],
            },
        )
        if not doorstop and not strictdoc:
            info["status"] = "neither doorstop nor strictdoc is installed: skipped"
            log(info["status"])
            return
        for name, found in (("doorstop", doorstop), ("strictdoc", strictdoc)):
            if not found:
                info.setdefault("skipped", []).append(f"{name} is not installed")
                log(f"{name} is not installed: skipped")
        for scale in self.args.peer_scales:
            plan_dir = self.plan(scale)
            keep = set(plan_dir.rglob("*"))
            casplan = self.casplan_steps("validate", ["validate"], plan_dir)[0]
            steps = [casplan]
            counts: dict = {}
            if self.has_report:
                report = [*self.casplan, "report", "--year", "2018", "--plan", str(plan_dir)]
                steps.append(Step("report cold", report, self.cold(plan_dir, keep)))
            slow = self.args.peer_slow
            if doorstop:
                tree = self.work / f"doorstop-{scale}x"
                marker = tree / ".casplan-bench-stamped"
                if marker.exists():  # kept in --work by an earlier run: its first run is long
                    log(f"{scale}x: reusing the stamped Doorstop tree {tree}")
                    counts["doorstop"] = json.loads(marker.read_text(encoding="utf-8"))
                else:
                    log(f"{scale}x: writing the Doorstop tree to {tree}")
                    counts["doorstop"] = peers.write_doorstop(plan_dir, tree)
                    # the first run stamps every new item as reviewed and fingerprints its
                    # links, writing every file (in Doorstop's simulated working copy: in git it
                    # would run `git add` once per item); then the tree becomes a git working
                    # copy, as Doorstop trees are, and the timed runs find it as Doorstop left it
                    log(f"{scale}x: doorstop -F once, untimed (it stamps the new items)")
                    prep = self.runner.run([*doorstop, "-F"], cwd=tree)  # no time limit
                    counts["doorstop"]["first_run_seconds"] = round(prep["seconds"], 2)
                    counts["doorstop"]["first_run_exit"] = prep["exit"]
                    shutil.rmtree(tree / ".mockvcs", ignore_errors=True)
                    subprocess.run(["git", "init", "-q", str(tree)], check=True)
                    marker.write_text(json.dumps(counts["doorstop"]), encoding="utf-8")
                html = self.work / f"doorstop-{scale}x-html"
                steps += [
                    Step(
                        "doorstop -F (validate, no reformat)",
                        [*doorstop, "-F"],
                        cwd=tree,
                        slow=slow,
                    ),
                    Step("doorstop (validate and reformat)", [*doorstop], cwd=tree, slow=slow),
                    Step(
                        "doorstop publish all (HTML)",
                        [*doorstop, "publish", "all", str(html)],
                        lambda html=html: shutil.rmtree(html, ignore_errors=True),
                        cwd=tree,
                        slow=slow,
                    ),
                ]
            if strictdoc:
                sdoc = self.work / f"strictdoc-{scale}x"
                log(f"{scale}x: writing the StrictDoc document to {sdoc}")
                counts["strictdoc"] = peers.write_strictdoc(plan_dir, sdoc)
                for fmt in ("json", "html"):
                    out = self.work / f"strictdoc-{scale}x-{fmt}"
                    argv = [*strictdoc, "export", "--formats", fmt, "--output-dir", str(out)]
                    steps.append(
                        Step(
                            f"strictdoc export --formats {fmt}",
                            [*argv, str(sdoc)],
                            lambda out=out: shutil.rmtree(out, ignore_errors=True),  # its cache
                            slow=slow,
                        )
                    )
            log(f"{scale}x: peers, each run paired with casplan")
            measured = interleave(self.runner, steps, self.args.repeat, self.args.peer_timeout)
            against = {
                "doorstop -F (validate, no reformat)": "validate cold",
                "doorstop (validate and reformat)": "validate cold",
                "doorstop publish all (HTML)": "report cold",
                "strictdoc export --formats json": "validate cold",
                "strictdoc export --formats html": "report cold",
            }
            info["runs"].append(
                {
                    "scale": scale,
                    "counts": counts,
                    "measured": measured,
                    "pairs": {
                        name: paired(measured, name, base)
                        for name, base in against.items()
                        if name in measured
                    },
                }
            )

    def peer_tool(self, name: str) -> list[str] | None:
        if self.args.peer_bin is not None and (self.args.peer_bin / name).exists():
            return [str(self.args.peer_bin / name)]
        return tool(name)

    def peer_version(self, name: str) -> str | None:
        """The peer's version, from the environment it is installed in."""
        python = self.args.peer_bin / "python" if self.args.peer_bin else None
        if python is None or not python.exists():
            return version_of(name)
        asked = f"import importlib.metadata as m; print(m.version({name!r}))"
        done = subprocess.run([str(python), "-c", asked], capture_output=True, text=True)
        return done.stdout.strip() or None

    def run(self) -> dict:
        commit = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--", "src"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        version = subprocess.run(
            [*self.casplan, "--version"], capture_output=True, text=True
        ).stdout.strip()
        import yaml

        self.results.update(
            date=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            machine=machine(),
            casplan={
                "command": self.casplan,
                "version": version,
                "commit": commit,
                "src_modified": bool(dirty),
                "has_no_cache_option": self.has_no_cache,
            },
            versions={
                "python": platform.python_version(),
                "PyYAML": version_of("PyYAML"),
                "libyaml": yaml._yaml.get_version_string() if yaml.__with_libyaml__ else None,
                "pydantic": version_of("pydantic"),
                "typer": version_of("typer"),
            },
            repeat=self.args.repeat,
            repeat_large=self.args.repeat_large,
            scales=self.args.scales,
        )
        parts = self.args.only or ["startup", "problems", "scales", *(["peers"] * self.args.peers)]
        load = self.results.setdefault("load_average", {})
        for part in parts:
            before = os.getloadavg()[0]
            getattr(self, part)()
            load[part] = [round(before, 2), round(os.getloadavg()[0], 2)]  # 1-minute, start/end
        self.results["targets"] = targets(self.results)
        return self.results


def machine() -> dict:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "platform": platform.platform(),
        "cpu": model,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
    }


# --- targets -----------------------------------------------------------------------------------


def growth_of(name: str, low: dict | None, high: dict | None) -> tuple[float | None, str]:
    """A command's cold growth between two scales without the machine's drift: the compose
    floor does the same work per byte at every scale, so the change of the paired ratio, times
    the change of size, is the command's own growth; and the raw growths, said beside it."""

    def measured(row: dict | None, key: str) -> float | None:
        return ((row or {}).get("measured") or {}).get(key, {}).get("seconds")

    def change(first: float | None, second: float | None) -> float | None:
        return None if first is None or second is None else second / first

    ratios = [((r or {}).get("pairs") or {}).get(f"cold / {COMPOSE}", {}) for r in (low, high)]
    scales = [(row or {}).get("scale") or 1 for row in (low, high)]
    growth = change(ratios[0].get("median"), ratios[1].get("median"))
    raw = change(measured(low, f"{name} cold"), measured(high, f"{name} cold"))
    floor = change(measured(low, COMPOSE), measured(high, COMPOSE))
    said = f"raw time grew {fmt(raw)}x, the floor {fmt(floor)}x"
    return (None if growth is None else growth * scales[1] / scales[0]), said


def target_row(what: str, value: float | None, op: str, limit: float, unit: str, **extra) -> dict:
    """One target with the measured value and met/missed (None: not measured)."""
    met = None if value is None else {"<": value < limit, "<=": value <= limit}.get(op)
    if value is not None and op == ">=":
        met = value >= limit
    return {
        "target": what,
        "measured": value,
        "op": op,
        "limit": limit,
        "unit": unit,
        "met": met,
    } | extra


def ratio_row(what: str, found: dict, limit: float) -> dict:
    """A target on a paired ratio (its median, with its spread and pairing)."""
    return target_row(
        what,
        found.get("median"),
        "<=",
        limit,
        "x",
        pairing=found and f"{found['baseline']}, {found['pairs']} pairs",
        spread=found and (found["min"], found["max"]),
    )


def pair(row: dict | None, key: str) -> dict:
    return ((row or {}).get("pairs") or {}).get(key) or {}


def targets(results: dict) -> list[dict]:
    """The issue's targets, each with the measured value, its pairing and met/missed/None."""
    # a command that failed at a scale (its status says why) measures nothing there
    rows = {
        (r["name"], r["scale"]): r for r in results.get("scale_runs", []) if r.get("status") == "ok"
    }
    startup = {r["name"]: r for r in results.get("startup", [])}
    out = [
        ratio_row(
            "validate at 100x, cold / compose floor",
            pair(rows.get(("validate", 100)), f"cold / {COMPOSE}"),
            1.5,
        ),
        ratio_row(
            "due at 100x, parse cache warm / parse floor (CSafeLoader)",
            pair(rows.get(("due", 100)), f"warm / {PARSE}"),
            0.4,
        ),
    ]
    out += [
        ratio_row(
            f"{name} at 100x, cold / compose floor",
            pair(rows.get((name, 100)), f"cold / {COMPOSE}"),
            3,
        )
        for name in ("report", "site", "collect")
    ]
    out += [
        ratio_row(what, pair(startup.get(name), kind), limit)
        for what, name, kind, limit in (
            ("bundled plan: validate, cold / import typer", "validate", "cold", 2.5),
            ("bundled plan: validate, warm / import typer", "validate", "warm", 1.5),
            (
                "bundled plan: report --year 2018, cold / import typer",
                "report --year 2018",
                "cold",
                2.5,
            ),
            ("--version / import typer", "--version", "cold", 1.2),
        )
    ]
    out += memory_targets(rows) + growth_targets(rows)
    problems = results.get("problems") or {}
    out.append(
        ratio_row("validate, 2,000 / 200 problems in one file", problems.get("pair") or {}, 12)
    )
    return out + peer_targets(results)


def memory_targets(rows: dict) -> list[dict]:
    """Peak memory of each command's cold and warm runs at 100x and 300x."""
    out = []
    for scale, limit in ((100, 400), (300, 1000)):
        for name in QUERIES:
            measured = (rows.get((name, scale)) or {}).get("measured") or {}
            peaks = [
                measured[k]["rss_mb"] for k in (f"{name} cold", f"{name} warm") if k in measured
            ]
            out.append(
                target_row(
                    f"{name} at {scale}x, peak memory",
                    max(peaks) if peaks else None,
                    "<",
                    limit,
                    "MB",
                    pairing="cold and warm runs",
                )
            )
    return out


def growth_targets(rows: dict) -> list[dict]:
    """Each command's cold growth from 10x to 100x and from 100x to 300x (`growth_of`)."""
    out = []
    for low, high in ((10, 100), (100, 300)):
        for name in QUERIES:
            growth, said = growth_of(name, rows.get((name, low)), rows.get((name, high)))
            out.append(
                target_row(
                    f"{name} growth {low}x -> {high}x, cold",
                    growth,
                    "<=",
                    GROWTH_SLACK * high / low,
                    "x",
                    pairing=f"(ratio to compose floor at {high}x / at {low}x) x {high // low}; "
                    + said,
                )
            )
    return out


def peer_targets(results: dict) -> list[dict]:
    """How far ahead of each peer casplan is, on each matched task and scale."""
    out = []
    for run in (results.get("peers") or {}).get("runs", []):
        for peer, found in run["pairs"].items():
            if found:
                out.append(
                    target_row(
                        f"{peer} at {run['scale']}x / casplan {found['baseline']}",
                        found["median"],
                        ">=",
                        PEER_LEAD,
                        "x",
                        pairing=f"casplan {found['baseline']}, {found['pairs']} pairs"
                        + (" (the peer timed out: a lower bound)" if found["timed_out"] else ""),
                        spread=(found["min"], found["max"]),
                    )
                )
    return out


# --- output ------------------------------------------------------------------------------------


def load_text(records: object) -> str:
    """The 1-minute load average over the runs of a measurement, as 'min-max'."""
    loads = [x for r in records for x in (r.get("load") or [])]  # type: ignore[attr-defined]
    return f"{min(loads):.1f}-{max(loads):.1f}" if loads else "-"


def fmt(value: float | None, spec: str = ".2f", suffix: str = "") -> str:
    return "-" if value is None else f"{value:{spec}}{suffix}"


def ratio_text(found: dict | None) -> str:
    if not found:
        return "-"
    text = f"{found['median']:.2f}x [{found['min']:.2f}-{found['max']:.2f}]"
    return (">= " if found.get("timed_out") else "") + text


def verdict(t: dict) -> str:
    return {True: "met", False: "MISSED", None: "not measured"}[t["met"]]


def header(results: dict) -> list[str]:
    m, c, v = results["machine"], results["casplan"], results["versions"]
    peer_versions = (results.get("peers") or {}).get("versions") or {}
    tools = ", ".join(
        f"{k} {val}" for k, val in {**v, **peer_versions}.items() if val and k != "python"
    )
    return [
        f"Date: {results['date']}",
        f"Machine: {m['cores']} cores, {m['cpu']}, {m['platform']}, Python {m['python']}",
        f"casplan: {c['version']} (commit {c['commit']}"
        + (", with uncommitted src/ changes)" if c["src_modified"] else ")"),
        f"Tools: {tools}",
        *run_lines(results),
    ]


def run_lines(results: dict) -> list[str]:
    """When and how each merged run was made, with the load average (1 minute) at the start and
    end of each of its parts."""
    runs = results.get("merged_runs") or [
        {
            "date": results["date"],
            "parts": list(results.get("load_average") or {}),
            "repeat": results["repeat"],
            "repeat_large": results.get("repeat_large"),
            "load_average": results.get("load_average"),
        }
    ]
    lines = []
    for n, run in enumerate(runs, start=1):
        load = ", ".join(f"{k} {a}-{b}" for k, (a, b) in (run["load_average"] or {}).items())
        lines.append(
            (f"Run {n}: " if len(runs) > 1 else "Run: ")
            + f"{run['date']}, {'; '.join(run['parts'])}; {run['repeat']} pairs per measurement"
            + f" ({run['repeat_large']} over 100x)"
            + f"; load average {load or 'not recorded'} (2 cores; this benchmark is about 1)"
        )
    lines.append("Ratios are medians of per-pair ratios [min-max]")
    return lines


def scale_table(results: dict, md: bool) -> list[str]:
    rows = results.get("scale_runs") or []
    if not rows:
        return []
    cols = [
        "command",
        "scale",
        "cold s",
        "warm s",
        "cold / compose floor",
        "warm / parse floor",
        "cold / parse floor",
        "peak MB",
        "floors s (compose, parse)",
        "load",
    ]
    lines = []
    body = []
    for row in rows:
        m = row.get("measured") or {}
        name = row["name"]
        pairs = row.get("pairs") or {}
        floors = f"{fmt(m.get(COMPOSE, {}).get('seconds'))}, {fmt(m.get(PARSE, {}).get('seconds'))}"
        peaks = [m[k]["rss_mb"] for k in (f"{name} cold", f"{name} warm") if k in m]
        body.append(
            [
                " ".join([name, *QUERIES[name][1:]]),
                f"{row['scale']}x",
                fmt(m.get(f"{name} cold", {}).get("seconds")),
                fmt(m.get(f"{name} warm", {}).get("seconds")),
                ratio_text(pairs.get(f"cold / {COMPOSE}")),
                ratio_text(pairs.get(f"warm / {PARSE}")),
                ratio_text(pairs.get(f"cold / {PARSE}")),
                fmt(max(peaks) if peaks else None, ".0f"),
                floors if row.get("status") == "ok" else row.get("status", "-"),
                load_text(m.values()),
            ]
        )
    lines += [*grid(cols, body, md), ""]
    for scale, plan in (results.get("plans") or {}).items():
        lines.append(
            f"{scale}x plan: {plan['measures']} measures, {plan['activities']} activities, "
            f"{plan['files']} files, {plan['bytes'] / 1e6:.1f} MB"
        )
    return lines


def floors_table(results: dict, md: bool) -> list[str]:
    """Each floor at each scale: the median of all its runs (one before every command run)."""
    body = []
    for scale in sorted({r["scale"] for r in results.get("scale_runs") or []}):
        row = [f"{scale}x"]
        for floor in (COMPOSE, PARSE):
            runs = [
                r["measured"][floor]
                for r in results["scale_runs"]
                if r["scale"] == scale and floor in (r.get("measured") or {})
            ]
            times = [t for r in runs for t in r["times"]]
            peak = max((r["rss_mb"] for r in runs), default=None)
            row += [
                fmt(statistics.median(times) if times else None),
                f"{len(times)}",
                fmt(peak, ".0f"),
            ]
        body.append(row)
    if not body:
        return []
    cols = ["scale", "compose floor s", "runs", "peak MB", "parse floor s", "runs", "peak MB"]
    return grid(cols, body, md)


def startup_table(results: dict, md: bool) -> list[str]:
    rows = results.get("startup") or []
    if not rows:
        return []
    body = []
    for row in rows:
        m, name = row["measured"], row["name"]
        for kind, pair in row["pairs"].items():
            key = name if name.startswith("--") else f"{name} {kind}"
            body.append(
                [
                    name if name.startswith("--") else f"{name} ({kind})",
                    fmt(m.get(key, {}).get("seconds"), ".3f"),
                    fmt(m.get(TYPER, {}).get("seconds"), ".3f"),
                    ratio_text(pair),
                    fmt(m.get(key, {}).get("rss_mb"), ".0f"),
                    load_text([m.get(key, {}), m.get(TYPER, {})]),
                ]
            )
    cols = ["bundled plan", "time s", "import typer s", "ratio (paired)", "peak MB", "load"]
    return grid(cols, body, md)


def problems_table(results: dict, md: bool) -> list[str]:
    p = results.get("problems")
    if not p:
        return []
    m = p["measured"]
    body = [[name, fmt(r["seconds"], ".3f"), r["status"], load_text([r])] for name, r in m.items()]
    body.append(["2,000 / 200 (paired)", ratio_text(p["pair"]), "", ""])
    lines = [*grid(["validate", "time s", "status", "load"], body, md), ""]
    lines.append(f"errors reported with 2,000 unknown keys: {p['errors_reported_at_2000']}")
    return lines


def peers_table(results: dict, md: bool) -> list[str]:
    info = results.get("peers")
    if not info:
        return []
    if info.get("status"):
        return [info["status"]]
    lines = [
        f"Doorstop {info['versions'].get('doorstop') or 'not installed'}, "
        f"StrictDoc {info['versions'].get('strictdoc') or 'not installed'}",
        "",
    ]
    for skipped in info.get("skipped", []):
        lines.append(f"skipped: {skipped}")
    body = []
    for run in info["runs"]:
        m = run["measured"]
        for name, r in m.items():
            pair = run["pairs"].get(name)
            body.append(
                [
                    name,
                    f"{run['scale']}x",
                    fmt(r["seconds"], ".2f"),
                    f"{r['n']}",
                    ratio_text(pair) + (f" of casplan {pair['baseline']}" if pair else ""),
                    fmt(r["rss_mb"], ".0f"),
                    r["status"],
                    load_text([r]),
                ]
            )
    lines += grid(
        ["command", "scale", "time s", "runs", "ratio (paired)", "peak MB", "status", "load"],
        body,
        md,
    )
    lines.append("")
    for run in info["runs"]:
        lines.append(f"{run['scale']}x: {json.dumps(run['counts'])}" + ("  " if md else ""))
    return [*lines, "", *PEERS_NOTE]


PEERS_NOTE = [
    "What each computes. casplan validate: every file's YAML, the schema (pydantic), references "
    "(funds `see`/`counted_under`, events, units), deadline forms and ranges, funds amounts, "
    "progress order and statuses, merged cells filled down, with a line and column for each "
    "problem; casplan report: the yearly report with statuses, deadlines and funds. Doorstop -F: "
    "loads every item file (YAML), checks levels, links to parent items and their fingerprints, "
    "reviewed stamps; its default command also rewrites every item file. Doorstop publish: one "
    "HTML page per document, plus traceability; no dates, funds or statuses. StrictDoc JSON/HTML "
    "export: parses the .sdoc grammar, checks UIDs and fields, renders; no dates, funds, "
    "references or statuses. None of the peers knows the plan's meaning: their times are for "
    "parsing, linking and rendering the same texts.",
]


def targets_table(results: dict, md: bool) -> list[str]:
    body = []
    for t in results["targets"]:
        measured = fmt(t["measured"], ".0f" if t["unit"] == "MB" else ".2f", " " + t["unit"])
        if t.get("spread"):
            measured += f" [{t['spread'][0]:.2f}-{t['spread'][1]:.2f}]"
        body.append(
            [
                t["target"],
                measured,
                f"{t['op']} {t['limit']:g} {t['unit']}",
                verdict(t) if not md or t["met"] is not False else "**missed**",
                t.get("pairing") or "",
            ]
        )
    return grid(["target", "measured", "target", "result", "paired with"], body, md)


def grid(cols: list[str], body: list[list[str]], md: bool) -> list[str]:
    if md:
        return [
            "| " + " | ".join(cols) + " |",
            "|" + "|".join("---" if i == 0 else "---:" for i in range(len(cols))) + "|",
            *("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in body),
        ]
    widths = [max(len(str(x)) for x in col) for col in zip(cols, *body, strict=True)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    return [
        line.format(*cols),
        line.format(*("-" * w for w in widths)),
        *(line.format(*row) for row in body),
    ]


def render(results: dict, md: bool) -> str:
    sections = [
        ("Targets", targets_table),
        ("Floors: libyaml composing, nothing built; PyYAML's CSafeLoader", floors_table),
        ("At each scale (synthetic plans, make_plan.py)", scale_table),
        ("Bundled plan, against python -c 'import typer'", startup_table),
        ("Linear in the number of problems", problems_table),
        ("Peers: the same content in Doorstop and StrictDoc", peers_table),
    ]
    lines = [("# casplan benchmark" if md else "casplan benchmark"), ""]
    lines += [f"- {x}" if md else x for x in header(results)]
    for title, part in sections:
        body = part(results, md)
        if body:
            lines += ["", f"## {title}" if md else title, "", *body]
    cache = results.get("cache")
    if cache:
        lines += [
            "",
            f"Warm runs: answer-cache entries removed before them: {cache['answers_removed']}; "
            f"kept (parse cache): {', '.join(cache.get('files_kept_for_warm_runs', [])) or 'none'}",
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="1,10,100", help="comma-separated (default 1,10,100)")
    parser.add_argument("--repeat", type=int, default=5, help="pairs per measurement (median)")
    parser.add_argument(
        "--repeat-large", type=int, default=3, help="pairs at scales over 100x (default 3)"
    )
    parser.add_argument(
        "--commands",
        default=",".join(QUERIES),
        help=f"comma-separated commands to measure at each scale (default {','.join(QUERIES)})",
    )
    parser.add_argument("--peers", action="store_true", help="also time Doorstop and StrictDoc")
    parser.add_argument(
        "--peer-bin",
        type=Path,
        help="a directory holding doorstop and strictdoc (e.g. a separate virtualenv's bin)",
    )
    parser.add_argument("--peer-scales", default="1,100", help="scales for --peers (1,100)")
    parser.add_argument(
        "--peer-timeout", type=float, default=900, help="kill a peer run after this many seconds"
    )
    parser.add_argument(
        "--peer-slow",
        type=float,
        default=120,
        help="a peer command whose run takes longer is run once (default 120 s)",
    )
    parser.add_argument(
        "--only",
        help="comma-separated parts to run: startup, problems, scales, peers (default: all)",
    )
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    parser.add_argument("--markdown", type=Path, help="also write the Markdown table here")
    parser.add_argument("--work", type=Path, help="where to write the plans (default: a temp dir)")
    parser.add_argument(
        "--from-json",
        type=Path,
        nargs="+",
        metavar="JSON",
        help="measure nothing: merge earlier --out files (later ones win) and print or write them",
    )
    args = parser.parse_args(argv)
    if args.from_json:
        results = merge([json.loads(p.read_text(encoding="utf-8")) for p in args.from_json])
        return write(results, args)
    try:
        args.scales = [int(s) for s in args.scales.split(",") if s.strip()]
        args.peer_scales = [int(s) for s in args.peer_scales.split(",") if s.strip()]
    except ValueError:
        parser.error("--scales and --peer-scales take comma-separated integers")
    args.commands = [c.strip() for c in args.commands.split(",") if c.strip()]
    if set(args.commands) - set(QUERIES):
        parser.error(f"--commands: unknown {', '.join(sorted(set(args.commands) - set(QUERIES)))}")
    if args.only:
        args.only = [p.strip() for p in args.only.split(",") if p.strip()]
        unknown = set(args.only) - {"startup", "problems", "scales", "peers"}
        if unknown:
            parser.error(f"--only: unknown part(s) {', '.join(sorted(unknown))}")
    if min(args.repeat, args.repeat_large, *args.scales, *args.peer_scales, 1) < 1:
        parser.error("--repeat and every scale must be at least 1")
    if args.work:
        args.work.mkdir(parents=True, exist_ok=True)
        results = Bench(args, args.work.resolve()).run()
    else:
        with tempfile.TemporaryDirectory(prefix="casplan-bench-") as work:
            results = Bench(args, Path(work)).run()
    return write(results, args)


def merge(parts: list[dict]) -> dict:
    """Several runs as one (e.g. 1,10,100x, then 300x, then peers): rows of the same command and
    scale, and whole parts, from a later run replace those of an earlier one; the header is the
    first run's, and every run's date, pairs and load are listed."""
    results: dict = {}
    runs = []
    for part in parts:
        measured = [k for k in ("startup", "problems", "scale_runs", "peers") if part.get(k)]
        scales = sorted({r["scale"] for r in part.get("scale_runs") or []})
        peer_scales = [r["scale"] for r in (part.get("peers") or {}).get("runs", [])]
        runs.append(
            {
                "date": part["date"],
                "parts": [
                    {"scale_runs": f"scales {','.join(map(str, scales))}"}.get(k, k)
                    + (f" {','.join(map(str, peer_scales))}" if k == "peers" else "")
                    for k in measured
                ],
                "repeat": part["repeat"],
                "repeat_large": part.get("repeat_large"),
                "load_average": part.get("load_average"),
            }
        )
        rows = {(r["name"], r["scale"]): r for r in results.get("scale_runs", [])}
        rows.update({(r["name"], r["scale"]): r for r in part.get("scale_runs", [])})
        plans = {**results.get("plans", {}), **part.get("plans", {})}
        peer_runs = {r["scale"]: r for r in (results.get("peers") or {}).get("runs", [])}
        peer_runs.update({r["scale"]: r for r in (part.get("peers") or {}).get("runs", [])})
        removed = (results.get("cache") or {}).get("answers_removed", 0)
        if part.get("cache"):
            part = {**part, "cache": {**part["cache"]}}
            part["cache"]["answers_removed"] += removed
        header_keys = ("date", "machine", "casplan", "versions", "repeat", "repeat_large")
        keep = {k: results[k] for k in header_keys if k in results}
        results.update({k: v for k, v in part.items() if v})
        results.update(keep, scale_runs=list(rows.values()), plans=plans)
        if peer_runs:
            results["peers"] = {
                **results["peers"],
                "runs": sorted(peer_runs.values(), key=lambda r: r["scale"]),
            }
    results["scale_runs"].sort(key=lambda r: (r["scale"], list(QUERIES).index(r["name"])))
    results["merged_runs"] = runs
    results.pop("load_average", None)
    results["targets"] = targets(results)
    return results


def write(results: dict, args: argparse.Namespace) -> int:
    print(render(results, md=False))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"written to {args.out}")
    if args.markdown:
        args.markdown.write_text(render(results, md=True), encoding="utf-8")
        print(f"written to {args.markdown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
