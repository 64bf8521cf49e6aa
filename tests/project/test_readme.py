"""Every console example of README.md and of the pages under docs/ is the output of the real
command, so the documentation cannot drift from the tool.

Each ```console block is run in a directory of its own holding a copy of the bundled plan as
`plan/`: every `$ ...` line (continued by a trailing backslash) runs there under bash, with the
`casplan` of this environment first on PATH, a terminal 100 columns wide and no colour, and its
standard output and error together are compared with the lines under it. An HTML comment on the
line before the fence sets the directory up:

    <!-- example: copy tests/data/readme/broken broken -->   a fixture, copied under that name
    <!-- example: git -->                                     plan/ committed on main, git ready

A line `...` (indented or not) in a block stands for omitted lines: the lines before it must be the first lines of
the output, the lines after the last `...` its last lines, and lines between two `...` must come
in between, in order. Trailing spaces are not compared.

`python tests/project/test_readme.py --regenerate` rewrites every block's output from the real commands
(keeping each `...` where it is, and as many lines around it); never edit the output by hand.
`--regenerate FILE...` rewrites only those files' blocks.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

if __name__ == "__main__":  # run as a script (--regenerate): the shared test plans are one up
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from plans import REAL_PLAN, REPO

# every console example of the docs runs casplan on a copy of the plan
pytestmark = pytest.mark.slow

README = REPO / "README.md"
# Every Markdown file whose console examples are run: the README and every page under docs/.
DOCUMENTS = [README, *sorted((REPO / "docs").rglob("*.md"))]
ELLIPSIS = "..."
COLUMNS = 100  # as the command reference
DIRECTIVE = re.compile(r"^<!-- example: (?P<body>.*?) -->$")


@dataclass
class Command:
    text: str  # the command as bash runs it (continuation lines joined)
    source: list[str]  # its lines in the README, "$ " included
    expected: list[str] = field(default_factory=list)


@dataclass
class Example:
    file: str  # the document, relative to the repository
    line: int  # 1-based line of the opening fence
    end: int  # 0-based index of the closing fence
    setup: list[list[str]]
    commands: list[Command]

    @property
    def name(self) -> str:
        return f"{self.file}:{self.line}: {self.commands[0].text[:60]}"


def parse(path: Path) -> list[Example]:
    file = path.relative_to(REPO).as_posix()
    lines = path.read_text(encoding="utf-8").splitlines()
    examples = []
    index = 0
    while index < len(lines):
        if lines[index] != "```console":
            index += 1
            continue
        start = index
        setup = []
        before = start - 1
        while before >= 0 and (match := DIRECTIVE.match(lines[before])):
            setup.insert(0, shlex.split(match["body"]))
            before -= 1
        index += 1
        commands: list[Command] = []
        while lines[index] != "```":
            line = lines[index]
            if line.startswith("$ "):
                source = [line]
                while source[-1].endswith("\\"):
                    index += 1
                    source.append(lines[index])
                text_ = "\n".join(source)[2:]
                commands.append(Command(text_, source))
            else:
                assert commands, f"{file}:{index + 1}: output before the first '$ ' line"
                commands[-1].expected.append(line)
            index += 1
        assert commands, f"{file}:{start + 1}: a console block without a '$ ' command"
        examples.append(Example(file, start + 1, index, setup, commands))
        index += 1
    return examples


def casplan_bin() -> str:
    here = Path(sys.executable).parent
    if (here / "casplan").exists():
        return str(here)
    found = shutil.which("casplan")
    assert found, "casplan is not installed in this environment"
    return str(Path(found).parent)


def environment(work: Path) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("CASPLAN_", "GIT_", "GITHUB_", "PYTEST_"))
    }
    env.update(
        {
            "PATH": casplan_bin() + os.pathsep + env.get("PATH", "/usr/bin:/bin"),
            "COLUMNS": str(COLUMNS),
            "LINES": "50",
            "NO_COLOR": "1",
            "TERM": "dumb",
            "TZ": "UTC",
            "LC_ALL": "C.UTF-8",
            "CASPLAN_CACHE_DIR": str(work.parent / "cache"),
            "HOME": str(work.parent / "home"),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            # a fixed identity and time: the same commits, the same hashes on every machine
            "GIT_AUTHOR_NAME": "Example",
            "GIT_AUTHOR_EMAIL": "example@example.org",
            "GIT_COMMITTER_NAME": "Example",
            "GIT_COMMITTER_EMAIL": "example@example.org",
            "GIT_AUTHOR_DATE": "2018-11-01T12:00:00Z",
            "GIT_COMMITTER_DATE": "2018-11-01T12:00:00Z",
        }
    )
    return env


def set_up(example: Example, work: Path, env: dict[str, str]) -> None:
    shutil.copytree(REAL_PLAN, work / "plan", ignore=shutil.ignore_patterns("__pycache__"))
    for step in example.setup:
        match step:
            case ["copy", source, target]:
                shutil.copytree(REPO / source, work / target)
            case ["git"]:
                for args in (
                    ["init", "-q", "-b", "main"],
                    ["add", "plan"],
                    ["commit", "-q", "-m", "The plan"],
                ):
                    subprocess.run(["git", *args], cwd=work, env=env, check=True)
            case _:
                raise AssertionError(f"{example.file}:{example.line}: unknown example setup {step}")


def run(example: Example) -> list[list[str]]:
    """Each command's output lines (standard output and error as a terminal shows them)."""
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary) / "example"
        work.mkdir()
        env = environment(work)
        set_up(example, work, env)
        outputs = []
        for command in example.commands:
            done = subprocess.run(
                ["bash", "-c", command.text],
                cwd=work,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                timeout=120,
            )
            text = done.stdout.decode("utf-8")
            assert "Traceback" not in text and "internal error" not in text, text
            outputs.append([line.rstrip() for line in text.splitlines()])
        return outputs


def segments(expected: list[str]) -> tuple[list[list[str]], list[str]]:
    """The lines between `...` lines, and the `...` lines themselves (as indented)."""
    parts: list[list[str]] = [[]]
    ellipses = []
    for line in expected:
        if line.strip() == ELLIPSIS:
            parts.append([])
            ellipses.append(line)
        else:
            parts[-1].append(line.rstrip())
    return parts, ellipses


def matches(expected: list[str], actual: list[str]) -> bool:
    parts, _ = segments(expected)
    if len(parts) == 1:
        return parts[0] == actual
    first, *middle, last = parts
    if len(first) + len(last) > len(actual):
        return False
    if actual[: len(first)] != first or actual[len(actual) - len(last) :] != last:
        return False
    rest = actual[len(first) : len(actual) - len(last)]
    for part in middle:
        found = next(
            (i for i in range(len(rest) - len(part) + 1) if rest[i : i + len(part)] == part), None
        )
        if found is None:
            return False
        rest = rest[found + len(part) :]
    return True


def refit(expected: list[str], actual: list[str]) -> list[str]:
    """The actual output cut as the expected lines are cut by their `...` lines: as many lines
    before the first and after the last, the lines between two `...` kept as they are."""
    parts, ellipses = segments(expected)
    if len(parts) == 1:
        return actual
    first, *middle, last = parts
    new = [*actual[: len(first)], ellipses[0]]
    for part, ellipsis in zip(middle, ellipses[1:], strict=True):
        new += [*part, ellipsis]
    new += actual[len(actual) - len(last) :] if last else []
    if not matches(new, actual):
        raise SystemExit(f"cannot keep the lines between '...' lines as they are: {middle}")
    return new


EXAMPLES = [example for document in DOCUMENTS for example in parse(document)]


def test_the_documentation_has_console_examples():
    assert len(EXAMPLES) >= 15
    assert sum(len(example.commands) for example in EXAMPLES) >= 25
    readme = [example for example in EXAMPLES if example.file == "README.md"]
    assert len(readme) >= 5


def test_every_page_is_read():
    """The pages whose examples run: README.md and every Markdown file under docs/."""
    names = [document.relative_to(REPO).as_posix() for document in DOCUMENTS]
    assert names[0] == "README.md"
    assert "docs/commands.md" in names and "docs/plan-format.md" in names


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda example: example.name)
def test_console_example(example: Example):
    for command, actual in zip(example.commands, run(example), strict=True):
        assert matches(command.expected, actual), (
            f"{example.file}:{example.line}: `{command.text}` prints\n"
            + "\n".join(actual)
            + "\n\n(python tests/project/test_readme.py --regenerate rewrites the documentation's examples)"
        )


def test_quickstart_is_two_commands_and_ci_runs_the_second_verbatim():
    text = README.read_text(encoding="utf-8")
    quickstart = text.split("## Quickstart\n", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    install_and_run, install_and_test = quickstart.splitlines()
    assert install_and_run.startswith("python3 -m venv .venv && .venv/bin/pip install -q . && ")
    assert install_and_test == (
        "python3 -m venv .venv && .venv/bin/pip install -q '.[test]' && .venv/bin/python -m pytest"
    )
    ci_lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert any(line.startswith(install_and_test + " ") for line in ci_lines)
    assert "`. .venv/bin/activate`" in text


def regenerate(document: Path) -> None:
    """Rewrite the output of every console block of one document from the real commands."""
    lines = document.read_text(encoding="utf-8").splitlines()
    for example in reversed(parse(document)):
        block = []
        for command, actual in zip(example.commands, run(example), strict=True):
            block += [*command.source, *refit(command.expected, actual)]
        lines[example.line : example.end] = block
    document.write_text("\n".join(lines) + "\n", encoding="utf-8")


def chosen(arguments: list[str]) -> list[Path]:
    """The documents named on the command line (all of them when none is)."""
    if not arguments:
        return DOCUMENTS
    paths = [Path(argument).resolve() for argument in arguments]
    unknown = [str(path) for path in paths if path not in DOCUMENTS]
    if unknown:
        raise SystemExit(f"not a document whose examples run: {', '.join(unknown)}")
    return paths


if __name__ == "__main__":
    if sys.argv[1:2] != ["--regenerate"]:
        raise SystemExit("usage: python tests/project/test_readme.py --regenerate [FILE...]")
    for document in chosen(sys.argv[2:]):
        regenerate(document)
