"""Helpers for the cogapp blocks of the documentation (docs/cog-files.txt lists the files;
`cog -r @docs/cog-files.txt` regenerates them, `cog --check @docs/cog-files.txt` verifies).

Every command's `--help` is taken through typer's CliRunner with a fixed width and no colour,
so the generated text is the same on every machine and every terminal. The app is imported as
`from cas_plan.cli import app`, which holds whether the command line is a module or a package.
"""

from __future__ import annotations

import os

WIDTH = 100


def help_text(*args: str) -> str:
    """What `casplan ARGS --help` prints, at a fixed width of 100 columns, without colour."""
    from typer.testing import CliRunner

    from cas_plan.cli import app

    env = {"COLUMNS": str(WIDTH), "NO_COLOR": "1", "TERM": "dumb"}
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        result = CliRunner().invoke(
            app, [*args, "--help"], terminal_width=WIDTH, prog_name="casplan", env=env
        )
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    if result.exit_code != 0:
        raise RuntimeError(f"casplan {' '.join(args)} --help exited {result.exit_code}")
    return "\n".join(line.rstrip() for line in result.output.splitlines()) + "\n"


def command_names() -> list[str]:
    """The commands as `casplan --help` lists them, in that order."""
    listing = help_text().split("Commands:\n", 1)[1]
    return [line.split()[0] for line in listing.splitlines() if line.startswith("  ")]


def command_reference() -> str:
    """docs/commands.md's reference: `casplan --help`, then each command's `--help`."""
    parts = ["### casplan --help\n\n", "```text\n", "$ casplan --help\n", help_text(), "```\n"]
    for name in command_names():
        parts += [f"\n### casplan {name} --help\n\n", "```text\n", f"$ casplan {name} --help\n"]
        parts += [help_text(name), "```\n"]
    return "".join(parts)


# Each file of tests/hostile/ and the class of issue it attacks, with the section of
# docs/reliability.md that says what is refused there; a file missing here (or named here and
# gone) stops `cog`, so the table cannot leave a suite out.
HOSTILE_SUITES = {
    "test_hostile_writes.py": ("writes all or nothing", "writes-all-or-nothing"),
    "test_hostile_successor_writes.py": (
        "a new plan and its record, one write",
        "writes-all-or-nothing",
    ),
    "test_hostile_import.py": ("workbook import", "workbook-import"),
    "test_hostile_yaml_text.py": ("text written into the plan", "workbook-import"),
    "test_hostile_email.py": ("e-mail drafts", "e-mail-drafts"),
    "test_hostile_pages.py": ("pages and documents", "pages-and-documents"),
    "test_hostile_document.py": ("pages and documents", "pages-and-documents"),
    "test_hostile_outputs.py": ("output paths", "output-paths"),
    "test_hostile_edits.py": ("amendments and progress", "amendments-and-progress"),
    "test_hostile_dates.py": ("dates a user can type", "dates-a-user-can-type"),
    "test_hostile_input.py": ("hostile plan files", "hostile-plan-files"),
    "test_hostile_git.py": ("hostile git revisions", "hostile-plan-files"),
    "test_plan_text_everywhere.py": ("plan text in every output", "plan-text-is-untrusted-input"),
    "test_hostile_escapes.py": ("plan text on the terminal", "plan-text-is-untrusted-input"),
    "test_hostile_calendar.py": ("plan text in calendars", "plan-text-is-untrusted-input"),
    "test_hostile_csv.py": ("plan text in CSV files", "plan-text-is-untrusted-input"),
    "test_hostile_codeowners.py": ("review handles", "plan-text-is-untrusted-input"),
    "test_hostile_init.py": ("a new plan's title", "plan-text-is-untrusted-input"),
    "test_hostile_tables.py": ("tables at any width", "plan-text-is-untrusted-input"),
    "test_hostile_process.py": ("the terminal and Ctrl-C", "plan-text-is-untrusted-input"),
    "test_hostile_report.py": ("templates: ranges, powers, output, time", "templates"),
    "test_hostile_templates.py": ("templates: strings of gigabytes", "templates"),
}


def hostile_cases(root: str = "tests/hostile") -> dict[str, int]:
    """How many cases each test file under `root` holds, as pytest collects them (collection
    only, in a child process: nothing runs)."""
    import subprocess
    import sys
    from collections import Counter
    from pathlib import Path

    repository = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", root],
        capture_output=True,
        text=True,
        cwd=repository,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"pytest --collect-only {root} exited {done.returncode}:\n{done.stdout}")
    ids = [line.split("::", 1)[0] for line in done.stdout.splitlines() if "::" in line]
    return dict(Counter(Path(name).name for name in ids))


def hostile_table() -> str:
    """docs/reliability.md's table: each file of tests/hostile/, its cases and its class."""
    counts = hostile_cases()
    missing = sorted(set(counts) ^ set(HOSTILE_SUITES))
    if missing:
        raise RuntimeError(f"docs/cog_helpers.HOSTILE_SUITES and tests/hostile/ differ: {missing}")
    rows = ["| File | Cases | What it attacks |", "|---|---:|---|"]
    for name, (what, anchor) in HOSTILE_SUITES.items():
        link = f"../tests/hostile/{name}"
        rows.append(f"| [`{name}`]({link}) | {counts[name]:,} | [{what}](#{anchor}) |")
    rows.append(f"| all {len(counts)} files | {sum(counts.values()):,} | |")
    return "\n".join(rows) + "\n"
