"""casplan as a process: a terminal that cannot show every character, and Ctrl-C at any moment.

These run `python -m cas_plan` in a child, as a user's shell would; the command must never end
in a traceback.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from plans import REAL_PLAN, REPO, minimal_files, write_plan

SRC = str(REPO / "src")


def _env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("GITHUB_ACTIONS", "CASPLAN_PLAN", "CASPLAN_NO_CACHE", "NO_COLOR")
        and not k.startswith(("LC_", "PYTHON"))
    }
    env.update(COLUMNS="80", PYTHONPATH=SRC, PYTHONDONTWRITEBYTECODE="1", **extra)
    return env


def _plan(tmp_path):
    files = minimal_files()
    files["goal-1/measure-1.1.yaml"] = files["goal-1/measure-1.1.yaml"].replace(
        "title: Write the rules",
        'title: "Pravila — Ćirilica: Правилник о раду 🇷🇸"',  # noqa: RUF001 (Cyrillic on purpose)
    )
    files["organization.yaml"] = files["organization.yaml"].replace(
        "name: Human Resources Division", "name: Sektor za ljudske resurse — Ђ"
    )
    return write_plan(tmp_path / "p", files)


NON_UTF8 = {
    "PYTHONIOENCODING=ascii": {"PYTHONIOENCODING": "ascii"},
    "C locale": {"LC_ALL": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"},
}
COMMANDS = [
    ("list",),
    ("due", "--before", "2020-12-31"),
    ("due", "--before", "2020-12-31", "--format", "md"),
    ("due", "--before", "2020-12-31", "--format", "csv"),
    ("who", "hr-division"),
    ("units",),
    ("budget",),
    ("budget", "--by", "unit"),
    ("show", "1.1.1"),
    ("validate",),
    ("report", "--year", "2018"),
]


@pytest.mark.parametrize("env", NON_UTF8.values(), ids=NON_UTF8.keys())
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_terminal_without_utf8_gets_escapes_not_a_crash(tmp_path, env, command):
    plan = _plan(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "cas_plan", *command, "--plan", str(plan)],
        capture_output=True,
        env=_env(**env),
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in done.stderr
    # nothing on stderr but casplan's own warnings (a report without its narrative says so)
    assert all(line.startswith(b"casplan: warning: ") for line in done.stderr.splitlines())
    done.stderr.decode("ascii")
    done.stdout.decode("ascii")  # all of it is in the terminal's encoding


@pytest.mark.parametrize("env", NON_UTF8.values(), ids=NON_UTF8.keys())
def test_an_error_about_non_ascii_text_is_one_line(tmp_path, env):
    done = subprocess.run(
        [sys.executable, "-m", "cas_plan", "who", "Ђурђевак", "--plan", str(_plan(tmp_path))],
        capture_output=True,
        env=_env(**env),
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == b""
    lines = done.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(b"casplan: error: ")


@pytest.mark.parametrize("after", [0.02, 0.05, 0.1, 0.3])
@pytest.mark.parametrize(
    "command", [("validate", "--no-cache"), ("list", "--no-cache"), ("--help",)], ids=" ".join
)
def test_ctrl_c_at_any_moment_is_one_line_and_exit_130(after, command):
    """Ctrl-C `after` seconds into casplan's own start: the moment is taken from the child's
    `-X importtime` report that the cas_plan package is imported, since before that the
    interpreter is still starting (its own site import, which casplan cannot handle), and on a
    loaded machine that alone can take longer than 100 ms."""
    args = [*command, "--plan", str(REAL_PLAN)] if command != ("--help",) else list(command)
    child = subprocess.Popen(
        [sys.executable, "-X", "importtime", "-m", "cas_plan", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(),
        bufsize=0,  # read line by line below, then by communicate(): no buffer between them
    )
    assert child.stderr is not None
    before = []
    while line := child.stderr.readline():
        before.append(line)
        if line.rstrip().endswith(b"| cas_plan"):
            break
    time.sleep(after)
    child.send_signal(signal.SIGINT)
    _, rest = child.communicate(timeout=60)
    err = b"".join(
        line for line in [*before, *rest.splitlines(True)] if not line.startswith(b"import time:")
    )
    assert b"Traceback" not in err
    if child.returncode in (0, 1) or (child.returncode == -signal.SIGINT and err == b""):
        # done before the signal came, or it came while the interpreter was exiting (after
        # casplan had ended; the shell shows 130): nothing to say
        assert b"interrupted" not in err
        return
    assert child.returncode == 130, repr(err)
    assert err == b"casplan: interrupted\n", repr(rest[-200:])
