"""`casplan successor`: the next plan's directory, holding what this plan did not finish."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path

from cas_plan.commands.common import Outcome, PlanOptions, counted, nothing_written, parse_date
from cas_plan.core.errors import UsageError

_YEARS = re.compile(r"([0-9]{4})\.\.([0-9]{4})")


def parse_years(value: str) -> tuple[int, int]:
    """`--period 2021..2025`: the first and last year of the new plan, within the days casplan
    takes (`periods.typed_day`)."""
    from cas_plan.core.periods import typed_day

    match = _YEARS.fullmatch(value.strip())
    if match is None or int(match[2]) < int(match[1]) or int(match[1]) == 0:
        raise UsageError(f"--period: '{value}' is not YEAR..YEAR (e.g. 2021..2025)")
    first, last = int(match[1]), int(match[2])
    typed_day(dt.date(first, 1, 1), "--period", value)
    typed_day(dt.date(last, 12, 31), "--period", value)
    return first, last


def parse_mapping(items: Sequence[str], map_file: Path | None) -> dict[str, str]:
    """`--map OLD=NEW` (repeatable) and `--map-file F` (a YAML mapping, old: new, or lines
    OLD=NEW): the new numbers of old measures and activities."""
    pairs: list[tuple[str, str, str]] = []
    if map_file is not None:
        pairs += _file_pairs(map_file)
    for item in items:
        old, separator, new = item.partition("=")
        if not separator or not old.strip() or not new.strip():
            raise UsageError(f"--map: '{item}' is not OLD=NEW (e.g. 2.6=1.3 or 2.6.1=1.3.2)")
        pairs.append((old.strip(), new.strip(), "--map"))
    mapping: dict[str, str] = {}
    for old, new, option in pairs:
        if old in mapping and mapping[old] != new:
            raise UsageError(f"{option}: {old} is mapped twice ({mapping[old]} and {new})")
        mapping[old] = new
    return mapping


def _file_pairs(path: Path) -> list[tuple[str, str, str]]:
    from cas_plan.core.diagnostics import printable
    from cas_plan.core.yaml_reader import read_yaml_text

    option = f"--map-file {printable(str(path))}"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{option}: cannot be read ({exc})") from None
    read = read_yaml_text(text, str(path))
    if read.ok and isinstance(read.data, dict):
        return [(str(old), str(new), option) for old, new in read.data.items()]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if all(line.count("=") == 1 for line in lines):
        return [(*(part.strip() for part in line.split("=")), option) for line in lines]  # type: ignore[misc]
    raise UsageError(f"{option}: write a mapping (2.6: 1.3) or lines OLD=NEW")


def successor(
    options: PlanOptions,
    period: str,
    out: Path,
    as_of: str | None,
    maps: Sequence[str],
    map_file: Path | None,
) -> Outcome:
    """The next plan, made of the activities not completed or cancelled on --as-of."""
    from cas_plan.commands.common import warnings_text
    from cas_plan.core.outputs import new_folder
    from cas_plan.edit.successor import SuccessorRequest, write_successor
    from cas_plan.output.messages import lines_text

    with nothing_written():
        start, end = parse_years(period)
        mapping = parse_mapping(maps, map_file)
        root, shown = options.directory()
        target = new_folder(out, "--out", root)
        day = parse_date(as_of, "--as-of", _plan_end(root, shown))
        request = SuccessorRequest(start, end, day, mapping)
        written = write_successor(root, shown, target, request, dt.date.today())
    result = written.result
    lines = [
        f"wrote {out}: the {request.name} plan, {counted(len(written.carried), 'activity')} "
        f"carried over as of {day}",
        f"wrote {shown}/successor.yaml: where each carried activity went",
        f"{out}: {counted(len(result.warnings), 'warning')}: what is still to fill in",
    ]
    return Outcome(lines_text(lines) + warnings_text(result.warnings))


def _plan_end(root: Path, shown: str) -> dt.date | None:
    """The last day of the plan's period, --as-of's default (None: today)."""
    from cas_plan.core.loader import directory_listing, load_plan

    plan = load_plan(directory_listing(root), shown).plan
    return plan.plan.model.period.end if plan.plan else None
