"""Write a synthetic plan N times the size of the real one, for benchmarking casplan.

Usage:
    python benchmarks/make_plan.py --scale 10 --out /tmp/plan-10x [--seed 2017] [--source plan]

How the plan is made: every measure file of the real plan (plan/ of this repository, or
--source) is copied N times. Copy c (0-based) of goal g becomes goal g + c * G, where G is the
number of the real plan's highest goal, so ids stay positive integers and each copy lives in
goal-K/measure-K.M.yaml like the original. Activity, sub-activity and funds-reference ids
(`see`, `counted_under`) are renumbered the same way, so references stay inside their copy.
The events are copied too (copy c > 0 gets ids `<event>-<c+1>`), half of them with a date.

On top of the copies, with a seeded random generator (the output depends only on --seed, the
scale and the source plan):
- some dated deadlines are rewritten into another dated form (day, month, quarter, year, range),
  so every deadline form occurs, the year form included (the real plan has none);
- most activities get progress entries over several years (2017..2020, in date order) with a
  status, a note, values keyed by the activity's effective indicator texts (merged cells taken
  into account), evidence URLs and a reporter. Continuous activities are never `completed`.

Everything else (responsibility cells with units and roles, merged cells, sub-activities, every
funds form with the amounts' Serbian-notation `as_written`) comes from the real plan unchanged.
The result must pass `casplan validate --plan OUT` (warnings are the real plan's `uncertain`
interpretations, repeated N times).

Needs PyYAML (its C loader and dumper when available).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import shutil
import sys
import time
from pathlib import Path

import yaml

from cas_plan.core.deadlines import MONTH_NAMES

REAL_PLAN = Path(__file__).resolve().parent.parent / "plan"
PLAN_START, PLAN_END = dt.date(2017, 1, 1), dt.date(2020, 12, 31)
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BaseDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_BaseDumper):  # type: ignore[misc, valid-type]
    def ignore_aliases(self, data: object) -> bool:
        return True  # casplan refuses anchors and aliases: never write them


def _load(path: Path) -> dict:
    with path.open("rb") as handle:
        return yaml.load(handle, Loader=_Loader)


def _dump(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(text, encoding="utf-8")


def _shift(identifier: str, offset: int) -> str:
    """'2.1.3' with offset 8 -> '10.1.3'."""
    goal, _, rest = str(identifier).partition(".")
    return f"{int(goal) + offset}.{rest}" if rest else str(int(goal) + offset)


# --- deadlines ---------------------------------------------------------------------------------

_ROMAN = ["I", "II", "III", "IV"]
_POINT = r"\d{4}(?:-\d{2}(?:-\d{2})?|-Q[1-4])?"
_DATED = re.compile(rf"{_POINT}(?:\.\.{_POINT})?")  # not '2020..' (open-ended)
_EVENT = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)+")  # event ids have at least one dash


def _is_dated(when: object) -> bool:
    """A deadline form that names dates only (day, month, quarter, year, range)."""
    if isinstance(when, (dt.date, int)):
        return True
    return isinstance(when, str) and bool(_DATED.fullmatch(when))


def _random_dated(rng: random.Random, form: str) -> tuple[object, str]:
    """A deadline of the given form inside the plan period, and its text as the source writes
    it."""
    year = rng.randint(2017, 2020)
    month = rng.randint(1, 12)
    if form == "day":
        day = dt.date(year, month, rng.choice([15, 28]))
        if rng.random() < 0.5:
            day = dt.date(year, 12, 31) if month > 6 else dt.date(year, 6, 30)
        return day, f"{MONTH_NAMES[day.month - 1]} {day.day}, {day.year}"
    if form == "month":
        return f"{year}-{month:02d}", f"{MONTH_NAMES[month - 1]} {year}"
    if form == "quarter":
        quarter = rng.randint(1, 4)
        return f"{year}-Q{quarter}", f"{_ROMAN[quarter - 1]} {year}"
    if form == "year":
        return year, str(year)
    start = dt.date(year, month, rng.randint(1, 20))
    end = start + dt.timedelta(days=rng.randint(2, 60))
    end = min(end, PLAN_END)
    return f"{start}..{end}", f"{start:%B %d, %Y} - {end:%B %d, %Y}"


# --- progress ----------------------------------------------------------------------------------

_NOTES = [
    "Work started as planned",
    "Working group formed",
    "Draft prepared and sent for comments",
    "Delayed by the public procurement procedure",
    "Waiting for the Ministry of Finance",
    "Carried out in cooperation with the EU Delegation",
    "Training held for the staff concerned",
    "Report submitted to the Director General",
    "Partly done; the rest moves to next year",
    "Done as planned",
]


def _progress(
    rng: random.Random, activity_id: str, indicators: list[str], continuous: bool, reporter: str
) -> list[dict]:
    """One or two entries a year from a random first year to 2020, oldest first; the status
    moves forward and stops at completed or cancelled (continuous activities never complete)."""
    entries: list[dict] = []
    status = None
    for year in range(rng.randint(2017, 2019), 2021):
        count = 1 if rng.random() < 0.7 else 2
        days = sorted(rng.sample(range(365), count))  # distinct days of the year, in order
        for day in days:
            if status in ("completed", "cancelled"):
                return entries
            if status is None:
                status = rng.choice(["not_started", "in_progress", "in_progress"])
            else:
                roll = rng.random()
                if roll < 0.03:
                    status = "cancelled"
                elif roll < 0.25 and not continuous and year >= 2018:
                    status = "completed"
                elif roll < 0.45:
                    status = "delayed"
                else:
                    status = "in_progress"
            entry: dict = {"date": dt.date(year, 1, 1) + dt.timedelta(days=day), "status": status}
            if rng.random() < 0.8:
                entry["note"] = rng.choice(_NOTES)
            values = {
                text: rng.choice(
                    [f"{rng.randint(0, 100)}%", "yes", "no", str(rng.randint(1, 40)), "partly"]
                )
                for text in indicators
                if rng.random() < 0.6
            }
            if values:
                entry["values"] = values
            if rng.random() < 0.5:
                entry["evidence"] = [
                    f"https://www.carina.rs/plan/{activity_id}/{year}-{k + 1}.pdf"
                    for k in range(rng.randint(1, 2))
                ]
            entry["reported_by"] = reporter
            entries.append(entry)
    return entries


# --- one measure -------------------------------------------------------------------------------


class _Copier:
    """Renumbers one copy of the real plan and adds the generated parts."""

    def __init__(
        self, rng: random.Random, offset: int, events: dict[str, str], unit_names: dict[str, str]
    ) -> None:
        self.rng, self.offset, self.events, self.unit_names = rng, offset, events, unit_names
        self.forced_year = False
        self.activities = 0

    def when(self, when: object) -> object:
        if isinstance(when, str) and not _is_dated(when):
            return _EVENT.sub(lambda m: self.events.get(m.group(0), m.group(0)), when)
        return when

    def measure(self, data: dict) -> dict:
        out = dict(data)
        out["id"] = _shift(data["id"], self.offset)
        self.last: dict[str, object] = {}  # effective cells, filled down in file order
        out["activities"] = [self.activity(a) for a in data["activities"]]
        return out

    def activity(self, data: dict) -> dict:
        self.activities += 1
        out: dict = {}
        for key, value in data.items():
            if key == "id":
                out["id"] = _shift(value, self.offset)
            elif key == "funds" and isinstance(value, dict):
                out["funds"] = self.funds(value)
            elif key == "due" and value is not None:
                out["due"] = self.due(value)
            elif key == "sub_activities":
                continue  # after progress, below
            else:
                out[key] = value
        for cell in ("indicators", "responsible", "due"):
            if cell in out:
                self.last[cell] = out[cell]
        if self.rng.random() < 0.9:
            entries = _progress(
                self.rng, out["id"], self._indicators(), self._continuous(), self._reporter()
            )
            if entries:
                out["progress"] = entries
        if "sub_activities" in data:
            out["sub_activities"] = [self.activity(a) for a in data["sub_activities"]]
        return out

    def funds(self, data: dict) -> dict:
        out = dict(data)
        if "see" in out:
            out["see"] = [_shift(ref, self.offset) for ref in out["see"]]
        if "amounts" in out:
            out["amounts"] = [
                {**a, "counted_under": _shift(a["counted_under"], self.offset)}
                if "counted_under" in a
                else dict(a)
                for a in out["amounts"]
            ]
        return out

    def due(self, data: object) -> object:
        cell = dict(data) if isinstance(data, dict) else {"when": data}
        when = cell["when"]
        if _is_dated(when) and (not self.forced_year or self.rng.random() < 0.4):
            form = (
                "year"
                if not self.forced_year
                else self.rng.choice(["day", "month", "quarter", "year", "range"])
            )
            self.forced_year = True
            cell["when"], cell["as_written"] = _random_dated(self.rng, form)
            cell.pop("uncertain", None)
        else:
            cell["when"] = self.when(when)
        return cell

    def _indicators(self) -> list[str]:
        cell = self.last.get("indicators")
        if isinstance(cell, list):
            return [str(x) for x in cell]
        if isinstance(cell, dict):
            return [str(x) for x in cell.get("items") or []]
        return []

    def _continuous(self) -> bool:
        cell = self.last.get("due")
        when = cell.get("when") if isinstance(cell, dict) else cell
        return when == "continuous"

    def _reporter(self) -> str:
        cell = self.last.get("responsible")
        units = cell.get("units") if isinstance(cell, dict) else cell
        for entry in units or []:
            unit = entry.get("unit") if isinstance(entry, dict) else entry
            return str(unit)  # reported_by is the reporting unit's id
        return "bureau-of-director-general"


# --- the whole plan ----------------------------------------------------------------------------


def _generated(directory: Path) -> bool:
    try:
        return _load(directory / "plan.yaml")["title"].startswith("Synthetic benchmark plan")
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError):
        return False


def make_plan(scale: int, out: Path, seed: int = 2017, source: Path = REAL_PLAN) -> dict:
    """Write the plan (replacing an earlier one at `out`); return counts (goals, measures,
    activities, files, bytes, seconds)."""
    started = time.perf_counter()
    rng = random.Random(f"{seed}-{scale}")
    if out.exists() and any(out.iterdir()):
        if not _generated(out):
            raise SystemExit(
                f"{out} is not empty and not a plan written by make_plan.py: refusing to replace it"
            )
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)

    plan = _load(source / "plan.yaml")
    plan["title"] = f"Synthetic benchmark plan ({scale}x the real plan): {plan['title']}"
    _dump(out / "plan.yaml", plan)
    organization = _load(source / "organization.yaml")
    _dump(out / "organization.yaml", organization)
    unit_names = {u["id"]: u["name"] for u in organization["units"]}
    shutil.copyfile(source / "abbreviations.yaml", out / "abbreviations.yaml")

    goals = sorted(
        ((_load(p), p.parent) for p in source.glob("goal-*/goal.yaml")),
        key=lambda pair: int(pair[0]["id"]),
    )
    stride = max(int(goal["id"]) for goal, _ in goals)
    measures = {
        directory: [(_load(p)) for p in sorted(directory.glob("measure-*.yaml"))]
        for _, directory in goals
    }

    real_events = _load(source / "events.yaml")["events"]
    ends = {  # events that close a deadline ('by X', '..X') get a later date than the others
        name
        for path in source.glob("goal-*/measure-*.yaml")
        for name in re.findall(r"(?:by |\.\.)([a-z][a-z0-9-]+)", path.read_text(encoding="utf-8"))
    }
    events: list[dict] = []

    stats = {"scale": scale, "goals": 0, "measures": 0, "activities": 0}
    for copy in range(scale):
        offset = copy * stride
        renamed = {e["id"]: e["id"] if copy == 0 else f"{e['id']}-{copy + 1}" for e in real_events}
        for index, event in enumerate(real_events):
            new = {
                "id": renamed[event["id"]],
                "name": event["name"] if copy == 0 else f"{event['name']} (copy {copy + 1})",
            }
            if (copy + index) % 2 == 0:
                first = dt.date(2019, 1, 1) if event["id"] in ends else dt.date(2017, 1, 1)
                new["date"] = first + dt.timedelta(days=rng.randint(0, 540))
            if event.get("as_written"):
                new["as_written"] = event["as_written"]
            events.append(new)
        copier = _Copier(rng, offset, renamed, unit_names)
        for goal, directory in goals:
            goal_id = _shift(goal["id"], offset)
            new_goal = {**goal, "id": goal_id}
            if copy:
                new_goal["title"] = f"{goal['title']} (copy {copy + 1})"
                new_goal.pop("title_as_written", None)
            _dump(out / f"goal-{goal_id}" / "goal.yaml", new_goal)
            stats["goals"] += 1
            for measure in measures[directory]:
                new_measure = copier.measure(measure)
                _dump(out / f"goal-{goal_id}" / f"measure-{new_measure['id']}.yaml", new_measure)
                stats["measures"] += 1
        stats["activities"] += copier.activities
    _dump(out / "events.yaml", {"events": events})

    files = list(out.rglob("*.yaml"))
    stats["files"] = len(files)
    stats["bytes"] = sum(f.stat().st_size for f in files)
    stats["seconds"] = round(time.perf_counter() - started, 3)
    return stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale", type=int, required=True, help="copies of the real plan (1, 10, 100)"
    )
    parser.add_argument("--out", type=Path, required=True, help="directory to write (replaced)")
    parser.add_argument("--seed", type=int, default=2017)
    parser.add_argument(
        "--source", type=Path, default=REAL_PLAN, help="the real plan (default: plan/)"
    )
    args = parser.parse_args(argv)
    if args.scale < 1:
        parser.error("--scale must be at least 1")
    if args.out.resolve() == args.source.resolve():
        parser.error("--out must not be the source plan")
    stats = make_plan(args.scale, args.out, args.seed, args.source)
    print(
        f"{args.out}: {stats['goals']} goals, {stats['measures']} measures, "
        f"{stats['activities']} activities, {stats['files']} files, "
        f"{stats['bytes'] / 1e6:.1f} MB in {stats['seconds']:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
