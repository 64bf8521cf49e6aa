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
