"""`casplan init`: a new, valid, empty plan with the same layout, for another institution."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from pathlib import Path

from cas_plan.core import journal
from cas_plan.core.errors import UsageError
from cas_plan.core.layout import SCHEMA_DIR
from cas_plan.core.safewrite import current_umask, write_atomically
from cas_plan.core.schema import schema_line, schema_texts
from cas_plan.core.yaml_reader import read_yaml_text


def yaml_text(value: str) -> str:
    """A string as one double-quoted YAML scalar (line breaks, quotes, control characters
    escaped), so a value given on the command line is read back as exactly itself and can
    neither end its line nor add a key."""
    import yaml

    return yaml.safe_dump(value, default_style='"', allow_unicode=True, width=2**31).rstrip("\n")


def starter_files(title: str, start_year: int) -> dict[str, str]:
    end_year = start_year + 3
    files = {
        "plan.yaml": f"""\
title: {yaml_text(title)}
institution: Your institution
period:
  start: {start_year}-01-01
  end: {end_year}-12-31
source: The adopted action plan document (name, number, date of adoption)
# review: "@your-org/plan-coordinators"   # review handle of the plan coordinator
""",
        "organization.yaml": """\
# The units the plan names as responsible: id, name, kind, parent, head, review.
units:
  - id: strategy-department
    name: Strategy Department
    kind: department
    head: Head of Department
    # review: "@your-org/strategy"   # asked for review on pull requests (casplan codeowners)
""",
        "events.yaml": """\
# External events that some deadlines depend on; record a date once it is known.
events: []
""",
        "abbreviations.yaml": """\
abbreviations:
  AP: Action Plan
""",
        "goal-1/goal.yaml": """\
id: "1"
title: First goal of the plan
""",
        "goal-1/measure-1.1.yaml": f"""\
id: "1.1"
title: First measure of the goal
activities:
  - id: "1.1.1"
    title: First activity of the measure
    indicators:
      - What shows that the activity is done
    responsible:
      - unit: strategy-department
        role: Head of Department
    funds:
      no_extra_cost: true
    due: {start_year}-12-31
""",
    }
    return {path: schema_line(path) + "\n" + text for path, text in files.items()}


class InitError(UsageError):
    """The target exists and is not empty: nothing was written."""


def init_plan(
    directory: Path, title: str = "Action plan", today: dt.date | None = None
) -> list[Path]:
    """Write the starter plan into a hidden sibling directory and rename it into place at the
    end, so a failure (a full disk, a kill) leaves nothing behind, not half a plan. Two runs
    into one directory take turns (a lock on the parent): the second finds it taken."""
    if not title.strip():
        raise UsageError("--title: the plan's title is empty")
    if any(0xD800 <= ord(char) <= 0xDFFF for char in title):
        raise UsageError("--title: the title is not valid text (bytes that are not UTF-8)")
    start_year = (today or dt.date.today()).year
    files = starter_files(title, start_year)
    units = read_yaml_text(files["organization.yaml"], "organization.yaml").data["units"]
    schemas = schema_texts([unit["id"] for unit in units])
    files.update({f"{SCHEMA_DIR}/{name}": text for name, text in schemas.items()})
    directory.parent.mkdir(parents=True, exist_ok=True)
    return write_plan_directory(directory, files)


def write_plan_directory(directory: Path, files: dict[str, str]) -> list[Path]:
    """A new plan directory, whole or not at all: staged in a hidden sibling and renamed into
    place (an empty directory may be there already; anything else is refused). Its parent
    must exist."""
    if not directory.absolute().parent.is_dir():
        raise UsageError(f"directory '{directory.parent}' does not exist; nothing was written")
    with journal.locked(directory.parent, f"'{directory}'"):
        _remove_stale_staging(directory)
        check_empty(directory)
        _stage_and_rename(directory, files)
    return [directory / relative for relative in files]


def check_empty(directory: Path) -> None:
    """A new plan's directory is free: not there yet, or an empty directory (not a link)."""
    if directory.is_symlink():
        raise InitError(f"'{directory}' is a symbolic link; nothing was written")
    if directory.exists() and not directory.is_dir():
        raise InitError(f"'{directory}' is a file, not a directory; nothing was written")
    if directory.is_dir() and any(directory.iterdir()):
        raise InitError(f"'{directory}' exists and is not empty; nothing was written")


_STAGING = ".casplan-init"


def _remove_stale_staging(directory: Path) -> None:
    """What a killed `init` into the same directory left (called holding the parent's lock)."""
    pattern = re.compile(rf"\.{re.escape(directory.name)}\.[a-z0-9_]+{re.escape(_STAGING)}")
    for leftover in directory.parent.iterdir():
        if pattern.fullmatch(leftover.name) and leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)


def _stage_and_rename(directory: Path, files: dict[str, str]) -> None:
    staging = Path(
        tempfile.mkdtemp(prefix=f".{directory.name}.", suffix=_STAGING, dir=directory.parent)
    )
    try:
        for relative, text in files.items():
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, text.encode("utf-8"))
        staging.chmod(0o777 & ~current_umask())  # mkdtemp makes it private; a plan is not
        journal.checkpoint("init-staged")
        os.replace(staging, directory)  # over an empty directory too
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
