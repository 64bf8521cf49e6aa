"""Tables at any width: ids, dates, statuses, amounts, counts and short deadlines are never cut.

Every table command runs on the real plan at 40, 60, 80 and 200 columns, once as on a terminal
(colour) and once piped (the command line with $COLUMNS, as from a narrow pane redirected to a
file); every id, date, amount, status, count and deadline in a few words ("Q4 2018",
"continuous") of the data must appear whole in the output. Only free text (titles, names, a
deadline named by its event) may shrink, with an ellipsis.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest

from cas_plan.commands import queries as commands
from cas_plan.commands.common import PlanOptions, load_for_query
from cas_plan.core.money import group_digits
from cas_plan.output.terminal import SHORT_DEADLINE, Screen
from cas_plan.output.text import status_word
from plans import REAL_PLAN

WIDTHS = [40, 60, 80, 200]
WHO = "customs-laboratory"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def real_plan():
    return load_for_query(PlanOptions(REAL_PLAN))


@pytest.fixture(autouse=True)
def loaded_once(real_plan, monkeypatch):
    """The real plan is read once for the module: every command here answers from it."""
    monkeypatch.setattr(commands, "load_for_query", lambda options, as_of=None: real_plan)


def _json(invoke, *args: str):
    result = invoke(*args, "--plan", str(REAL_PLAN), "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _shown_due(due) -> str:
    """A deadline as the tables show it: a day as its date, any other in words when they are
    few ("" for a long one, which is free text)."""
    if due["kind"] == "date":
        return due["spelling"]
    words = due["description"] or ""
    return words if len(words) <= SHORT_DEADLINE else ""


def _list_values(invoke) -> list[str]:
    records = _json(invoke, "list")
    return [
        v for r in records for v in (r["id"], _shown_due(r["due"]), status_word(r["status"])) if v
    ]


def _due_values(invoke) -> list[str]:
    rows = _json(invoke, "due", "--before", "2020-12-31", "--continuous")
    return [
        v
        for r in rows
        for v in (r["id"], r["deadline"] or _shown_due(r["due"]), status_word(r["status"]))
        if v
    ]


def _who_values(invoke) -> list[str]:
    by_id = {r["id"]: r for r in _json(invoke, "list")}
    record = _json(invoke, "who", WHO)
    return [WHO] + [
        v
        for a in record["activities"]
        for v in (a["id"], _shown_due(by_id[a["id"]]["due"]), status_word(a["status"]))
        if v
    ]


def _units_values(invoke) -> list[str]:
    return [
        v
        for u in _json(invoke, "units")
        for v in (f"[{u['id']}]", str(u["leads"]), str(u["leads_with_sub_units"]))
    ]


def _budget_values(by: str) -> Callable[..., list[str]]:
    def values(invoke) -> list[str]:
        record = _json(invoke, "budget", "--by", by)
        out = []
        for line in record["lines"]:
            if by != "source":  # a source is free text, a name; the others are ids
                out.append(line["group"])
            out += [line["currency"], line["basis"], line["procurement"]]
            out.append(group_digits(line["total"]))
        for total in record["totals"]:
            out += [total["currency"], total["basis"], group_digits(total["total"])]
        return [*out, "total", "procurement", "currency"]

    return values


def _screen_run(name: str, screen: Screen) -> str:
    options = PlanOptions(REAL_PLAN)
    run = {
        "list": lambda: commands.list_activities(options, "table", None, screen),
        "due": lambda: commands.due(
            options, commands.DueOptions("2020-12-31", continuous=True), "table", screen
        ),
        "who": lambda: commands.who(options, WHO, "table", None, screen),
        "units": lambda: commands.units(options, "table", screen),
        **{
            f"budget --by {by}": (lambda by=by: commands.budget(options, None, by, "table", screen))
            for by in ("goal", "measure", "unit", "source")
        },
    }[name]
    outcome = run()
    assert outcome.code == 0
    assert isinstance(outcome.output, str)
    return outcome.output


CLI_ARGS = {
    "list": ("list",),
    "due": ("due", "--before", "2020-12-31", "--continuous"),
    "who": ("who", WHO),
    "units": ("units",),
    **{f"budget --by {by}": ("budget", "--by", by) for by in ("goal", "measure", "unit", "source")},
}
VALUES = {
    "list": _list_values,
    "due": _due_values,
    "who": _who_values,
    "units": _units_values,
    **{f"budget --by {by}": _budget_values(by) for by in ("goal", "measure", "unit", "source")},
}


def _missing(values: list[str], output: str) -> list[str]:
    """The values that do not appear whole (as a token of their own) in the output."""
    return [
        value
        for value in dict.fromkeys(values)
        if not re.search(r"(?<![\w.,-])" + re.escape(value) + r"(?![\w.,-])", output)
    ]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("command", list(CLI_ARGS))
@pytest.mark.parametrize("mode", ["terminal", "piped"])
def test_no_value_is_cut(invoke, monkeypatch, command, width, mode):
    values = VALUES[command](invoke)
    if mode == "terminal":
        output = ANSI.sub("", _screen_run(command, Screen(width, color=True)))
    else:
        monkeypatch.setenv("COLUMNS", str(width))
        result = invoke(*CLI_ARGS[command], "--plan", str(REAL_PLAN))
        assert result.exit_code == 0, result.output
        output = result.stdout
        assert "\x1b" not in output
    assert _missing(values, output) == []
    # free text gives way, values do not: no line is longer than the screen unless it is one
    # value too long for any screen, alone on its line after its label
    for line in output.splitlines():
        if len(line) > width:
            assert width < 60, line
            assert re.match(r"\S+:\s+\S", line), line


def test_a_wide_screen_shows_a_table(invoke, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    result = invoke("budget", "--by", "unit", "--plan", str(REAL_PLAN))
    assert "total" in result.stdout
    monkeypatch.setenv("COLUMNS", "200")
    result = invoke("budget", "--by", "unit", "--plan", str(REAL_PLAN))
    header = result.stdout.splitlines()[1].split()
    assert header == ["unit", "name", "currency", "basis", "procurement", "total"]
