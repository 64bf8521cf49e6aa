"""Which file of a plan directory is which kind: the layout, defined once.

    plan.yaml                the plan: title, period, source
    organization.yaml        the registry of responsible units
    events.yaml              external events that some deadlines depend on (optional)
    abbreviations.yaml       section II of the source (optional)
    amendments.yaml          the amendment decisions (optional)
    successor.yaml           where unfinished activities went in the next plan (optional)
    goal-N/goal.yaml         one goal
    goal-N/measure-N.M.yaml  one measure and its activities
    reports/PERIOD.yaml      the coordinator's text of a report (optional): 2018.yaml,
                             2018-H1.yaml, 2017..2020.yaml (the period as --period spells it)
    translations/sr.yaml     the plan's text in Serbian, Latin script (optional)
    schemas/                 JSON Schemas for editors (not plan files)

The loader, the schemas, the checks and the parse cache all ask this module; the directory walk
that finds the files is here too, so that a file that looks like a plan file but is not named
like one (`measure-1.4.YAML`, `measure-1.4.yml`, `notes.yaml` in a goal folder) is reported,
never skipped in silence.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

TOP_FILES: dict[str, str] = {
    "plan.yaml": "plan",
    "organization.yaml": "organization",
    "events.yaml": "events",
    "abbreviations.yaml": "abbreviations",
    "amendments.yaml": "amendments",
    "successor.yaml": "successor",
}
REQUIRED_FILES = ("plan.yaml", "organization.yaml")
KINDS = ("measure", "goal", "report", "translations", *TOP_FILES.values())
SCHEMA_DIR = "schemas"
GOAL_DIR = re.compile(r"goal-([1-9][0-9]*)")
MEASURE_FILE = re.compile(r"measure-([1-9][0-9]*\.[1-9][0-9]*)\.yaml")
REPORTS_DIR = "reports"
# the period as `report --period` spells it: `..` inside a name is legal in git and on POSIX and
# Windows file systems (only a name that *is* `..`, or ends in a dot, is not)
REPORT_FILE = re.compile(r"([12][0-9]{3}(?:-H[12]|\.\.[12][0-9]{3})?)\.yaml")
TRANSLATIONS_DIR = "translations"
TRANSLATED = ("sr",)
"""The languages the plan's text is translated into, each a file; sr-Cyrl is made from sr."""
TRANSLATED_FILES = frozenset(f"{lang}.yaml" for lang in TRANSLATED)
LAYOUT_HINT = (
    "plan files are plan.yaml, organization.yaml, events.yaml, abbreviations.yaml, "
    "amendments.yaml, successor.yaml, "
    "goal-N/goal.yaml, goal-N/measure-N.M.yaml, reports/PERIOD.yaml (2018.yaml, 2018-H1.yaml, "
    "2017..2020.yaml) and translations/sr.yaml"
)


def goal_dir(goal_id: str) -> str:
    return f"goal-{goal_id}"


def goal_file(goal_id: str) -> str:
    return f"{goal_dir(goal_id)}/goal.yaml"


def measure_file(measure_id: str) -> str:
    return f"{goal_dir(measure_id.split('.')[0])}/measure-{measure_id}.yaml"


def report_file(period: str) -> str:
    """Where the coordinator's text of a period's report lives (the period as `--period`
    spells it: 2018, 2018-H1, 2017..2020)."""
    return f"{REPORTS_DIR}/{period}.yaml"


def translations_file(lang: str) -> str:
    """Where the plan's text in a language lives (`sr`: Latin; Cyrillic is made from it)."""
    return f"{TRANSLATIONS_DIR}/{lang}.yaml"


def kind_of(relative: str) -> str | None:
    """The kind of the plan file at `relative` (a POSIX path inside the plan directory)."""
    parts = relative.split("/")
    if len(parts) == 1:
        return TOP_FILES.get(parts[0])
    if len(parts) == 2 and parts[0] == REPORTS_DIR and REPORT_FILE.fullmatch(parts[1]):
        return "report"
    if len(parts) == 2 and parts[0] == TRANSLATIONS_DIR and parts[1] in TRANSLATED_FILES:
        return "translations"
    if len(parts) == 2 and GOAL_DIR.fullmatch(parts[0]):
        if parts[1] == "goal.yaml":
            return "goal"
        if MEASURE_FILE.fullmatch(parts[1]):
            return "measure"
    return None


def looks_like_yaml(name: str) -> bool:
    """A name a plan file could have been meant to have (any case of .yaml or .yml)."""
    return name.lower().endswith((".yaml", ".yml")) and not name.startswith(".")


def misnamed_hint(relative: str) -> str:
    """What to do with a YAML file the layout does not know."""
    path = PurePosixPath(relative)
    if path.parent.as_posix() == TRANSLATIONS_DIR:
        return (
            f"the plan's text in Serbian is {translations_file('sr')}, in Latin script "
            "(Cyrillic is made from it)"
        )
    stem = path.name.rsplit(".", 1)[0]
    proper = f"{stem.lower()}.yaml" if stem.lower().startswith(("measure-", "goal")) else None
    if proper is not None and proper != path.name:
        candidate = (path.parent / proper).as_posix()
        if kind_of(candidate) is not None:
            return f"rename it to {candidate}"
    return LAYOUT_HINT


def schema_name(kind: str) -> str:
    return f"{kind}.schema.json"


@dataclass(frozen=True)
class Found:
    """A file of the plan directory that the loader should read."""

    relative: str  # POSIX path inside the plan directory, as git and the layout name it
    path: Path


@dataclass(frozen=True)
class Refused:
    """Something in the plan directory that will not be read, and why."""

    relative: str
    message: str
    hint: str | None


def walk(root: Path) -> tuple[list[Found], list[Refused]]:
    """Every YAML file under the plan directory, in a stable order, and what is refused.

    Nothing outside the plan directory is read, and nothing is skipped without a word: symbolic
    links (to files or directories) that lead out of it or loop, directories that cannot be
    listed, and files that are not regular files (a FIFO would block the read, a device would
    never end it) are refused. Hidden names and the schemas directory are not plan files.
    """
    found: list[Found] = []
    refused: list[Refused] = []
    resolved_root = root.resolve()

    def relative_of(path: Path) -> str:
        return path.relative_to(root).as_posix()

    def unlisted(error: OSError) -> None:
        where = Path(error.filename) if error.filename else root
        refused.append(
            Refused(
                relative_of(where),
                f"cannot read the directory: {error.strerror}",
                "give the plan's directories read and search permission",
            )
        )

    for dirpath, dirnames, filenames in os.walk(root, onerror=unlisted, followlinks=False):
        here = Path(dirpath)
        kept = []
        for name in sorted(dirnames):
            if name.startswith(".") or (here == root and name == SCHEMA_DIR):
                continue
            if (here / name).is_symlink():  # os.walk would pass over it in silence
                message, hint = _link_problem(here / name, resolved_root, "directory") or (
                    "the directory is a symbolic link, which casplan does not follow",
                    "move the files into the plan directory",
                )
                refused.append(Refused(relative_of(here / name), message, hint))
                continue
            kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            if not looks_like_yaml(name):
                continue
            file = here / name
            problem: tuple[str, str | None] | None
            try:
                problem = _link_problem(file, resolved_root, "file") if file.is_symlink() else None
                if problem is None and file.exists() and not stat.S_ISREG(file.stat().st_mode):
                    problem = (
                        "not a regular file (a FIFO, a device or a socket)",
                        "a plan file is a plain text file",
                    )
            except OSError as exc:
                problem = (f"cannot read the file: {exc.strerror}", None)
            if problem is not None:
                refused.append(Refused(relative_of(file), *problem))
                continue
            found.append(Found(relative_of(file), file))
    return found, refused


def _link_problem(link: Path, resolved_root: Path, what: str) -> tuple[str, str] | None:
    """Why a symbolic link may not be followed: it loops, or it leads out of the plan."""
    try:
        target = Path(os.path.realpath(link, strict=True))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return (
                f"the {what} is a symbolic link that loops (it leads back to itself)",
                "remove the link",
            )
        target = Path(os.path.realpath(link))  # dangling: reading it says so
    if not target.is_relative_to(resolved_root):
        return (
            f"the {what} is a symbolic link to a place outside the plan directory",
            f"copy the {what} into the plan instead of linking it",
        )
    return None


def find_plan_directory(start: Path) -> Path | None:
    """`plan/` in `start` or the nearest directory above it that has one (as git finds .git)."""
    current = start.resolve()
    for directory in (current, *current.parents):
        candidate = directory / "plan"
        if (candidate / "plan.yaml").is_file():
            return candidate
    return None
