"""The `casplan` application and its one edge: a command's outcome is printed, and a
`CasplanError`, an operating system refusal or a usage mistake becomes one line and the documented
exit code. Heavy modules (pydantic, ruamel.yaml, rich, jinja2) are imported inside the commands
that need them, so `casplan --help` starts fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from cas_plan import __version__

if TYPE_CHECKING:
    from cas_plan.commands.common import Outcome, PlanOptions
    from cas_plan.output.terminal import Screen


@contextmanager
def one_line_usage_errors() -> Iterator[None]:
    """A usage mistake (an unknown option, a value not among the choices, a missing argument) is
    one line and exit 2, like every other refusal; typer would print the usage block first."""
    try:
        yield
    except typer.TyperException as exc:
        if exc.exit_code != 2 or type(exc).__name__ == "NoArgsIsHelpError":
            raise  # not a usage mistake; or `casplan` alone, which shows the help
        typer.echo(f"casplan: error: {_one_line(usage_message(exc))}", err=True)
        raise typer.Exit(2) from None


def usage_message(exc: typer.TyperException) -> str:
    """'--format: 'xml' is not one of 'table', 'json'' for a bad value (the option first, as
    casplan's own refusals say it); typer's own message otherwise."""
    param = getattr(exc, "param", None)
    if isinstance(exc, typer.BadParameter) and param is not None and exc.message:
        name = param.opts[0] if param.opts else (param.human_readable_name or "")
        choices = getattr(param.type, "choices", None)
        value, is_choice, _ = exc.message.partition(" is not one of ")
        if choices and is_choice:
            return f"{name}: {value} is not one of {', '.join(map(str, choices))}"
        if type(exc).__name__ != "MissingParameter":
            return f"{name}: {exc.message.rstrip('.')}"
    return exc.format_message()


class CasplanGroup(TyperGroup):
    """The application's group: parsing its own options and each command's in
    `one_line_usage_errors`."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        with one_line_usage_errors():
            return super().parse_args(ctx, args)

    def invoke(self, ctx: Any) -> Any:
        with one_line_usage_errors():
            return super().invoke(ctx)


app = typer.Typer(
    cls=CasplanGroup,
    name="casplan",
    help="Keep an action plan as YAML: validate it, ask what is due and who is responsible.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def finish(produce: Callable[[], Outcome]) -> NoReturn:
    """Print a command's outcome and exit with its code; a CasplanError is one line on stderr."""
    from cas_plan.core.errors import CasplanError, system_problem

    try:
        outcome = produce()
        if outcome.errors:
            sys.stderr.write(outcome.errors)
            sys.stderr.flush()
        pieces = [outcome.output] if isinstance(outcome.output, str) else outcome.output
        for piece in pieces:
            sys.stdout.write(piece)
        sys.stdout.flush()
    except OSError as exc:  # not BrokenPipeError: main() sees that one
        if isinstance(exc, BrokenPipeError):
            raise
        typer.echo(f"casplan: error: {_one_line(system_problem(exc).message)}", err=True)
        raise typer.Exit(int(system_problem(exc).exit_code)) from None
    except CasplanError as exc:
        if exc.problems:
            from cas_plan.output.messages import problems_text

            sys.stderr.write(problems_text(exc.problems, _lines_of(exc.texts)) + "\n")
        typer.echo(f"casplan: error: {_one_line(exc.message)}", err=True)
        raise typer.Exit(int(exc.exit_code)) from None
    raise typer.Exit(int(outcome.code))


def _lines_of(texts: dict[str, str]) -> Callable[[str, int], str | None]:
    from cas_plan.core.loader import split_lines

    def line(path: str, number: int) -> str | None:
        lines = split_lines(texts[path]) if path in texts else []
        return lines[number - 1] if 0 < number <= len(lines) else None

    return line


def _one_line(message: str) -> str:
    """A message as one line on the terminal: what it quotes from the plan, a file or the
    command line made printable (`diagnostics.printable`)."""
    from cas_plan.core.diagnostics import printable

    return printable(message)


def options(plan: Path | None, no_validate: bool = False, no_cache: bool = False) -> PlanOptions:
    from cas_plan.commands.common import PlanOptions

    return PlanOptions(plan, no_validate, no_cache)


def screen() -> Screen:
    from cas_plan.output.terminal import Screen

    return Screen.of(sys.stdout)


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"casplan {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    """Keep an action plan as YAML: validate it, ask what is due and who is responsible."""


def main() -> None:
    """Entry point: never a traceback, always a documented exit code.

    A command runs for a moment and keeps what it loads until it ends, so the cyclic garbage
    collector would only rescan the plan; it is off, and what is left is frozen before exit so
    that the interpreter's final collection does not scan it either.
    """
    import gc
    import os
    import signal

    from cas_plan.core.errors import ExitCode, system_problem

    try:
        # from here on Ctrl-C is a KeyboardInterrupt, caught below (atomic writes clean up)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        _printable_streams()
        # third-party pydantic plugins have no say in a command line tool; looking for them
        # scans every installed package's metadata at start-up
        os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
        gc.disable()
        app()
    except KeyboardInterrupt:
        _interrupted()
    except SystemExit as exc:
        if exc.code == ExitCode.INTERRUPTED:  # typer makes Ctrl-C in a command a silent 130
            _interrupted()
        raise
    except BrokenPipeError:  # the reader went away (`casplan list | head`): nothing to say
        sys.stderr.close()
        sys.exit(ExitCode.OK)
    except OSError as exc:
        _last_words(f"casplan: error: {_one_line(system_problem(exc).message)}")
        sys.exit(ExitCode.SYSTEM)
    except Exception as exc:  # the last line of defence: report, don't dump a traceback
        _last_words(f"casplan: internal error: {type(exc).__name__}: {_one_line(str(exc))}")
        sys.exit(ExitCode.INTERNAL)
    finally:
        gc.freeze()


def _interrupted() -> NoReturn:
    """Ctrl-C: one line and exit 130, at once. The stack has unwound (atomic writes cleaned
    up); the interpreter's shutdown is skipped, where a second Ctrl-C would be a traceback of
    its own, and the line goes straight to the descriptor, since the interrupt may have left
    Python's buffered stderr in the middle of a write."""
    import contextlib
    import os

    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    with contextlib.suppress(OSError):
        os.write(2, b"casplan: interrupted\n")
    os._exit(130)


def _printable_streams() -> None:
    """Standard output and error that cannot fail on a character: on a terminal or file whose
    encoding lacks one (PYTHONIOENCODING=ascii, the C locale), it is written as its escape
    (`\\u0106`) instead of ending the command with UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def _last_words(message: str) -> None:
    import contextlib

    # a closed or unencodable stderr must not turn into a traceback
    with contextlib.suppress(Exception):
        print(message, file=sys.stderr)
