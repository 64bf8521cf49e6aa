"""`amend` and `progress` values attacked: empty references, dates out of any sane range, the
`--also` forms, a reporter that is not responsible, indicator texts past ruamel's 128-character
key limit, and amounts that must read the same in every text output."""

from __future__ import annotations

import datetime as dt

import pytest

from plans import git, minimal_files, write_plan

THREE_ROWS = """\
id: "1.1"
title: First measure
activities:
  - id: "1.1.1"
    title: Write the rules
    indicators: [Rules adopted]
    responsible: [hr-division]
    funds:
      no_extra_cost: true
    due: 2018-12-31
  - id: "1.1.2"
    title: Train the staff
    indicators: [Training held]
  - id: "1.1.3"
    title: Test the staff
    indicators: [Test held]
"""
TODAY = dt.date.today()


@pytest.fixture
def plan(tmp_path):
    files = minimal_files()
    files["goal-1/measure-1.1.yaml"] = THREE_ROWS
    return write_plan(tmp_path / "p", files)


def amend(invoke, plan, *args):
    return invoke("amend", "1.1.1", "--plan", str(plan), *args)


NEW = ("--decision", "05 br. 1/2018", "--date", "2018-06-28")


# --- the decision ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--decision", ""), "--decision: the decision's reference is empty"),
        (("--decision", "   "), "--decision: the decision's reference is empty"),
        (("--decision", "\t\n"), "--decision: the decision's reference is empty"),
        ((*NEW, "--reason", ""), "--reason: the reason is empty"),
        ((*NEW, "--reason", "  "), "--reason: the reason is empty"),
        (
            ("--decision", "R", "--date", "2199-12-31"),
            f"--date: the decision adopted on 2199-12-31, after {TODAY}; a decision is recorded "
            "once it has happened",
        ),
        (
            ("--decision", "R", "--date", "9999-12-31"),
            "--date: '9999-12-31' is out of range; casplan takes dates from 1900-01-01 to "
            "2200-12-31",
        ),
        (
            ("--decision", "R", "--date", (TODAY + dt.timedelta(days=1)).isoformat()),
            f"--date: the decision adopted on {TODAY + dt.timedelta(days=1)}, after {TODAY}; a "
            "decision is recorded once it has happened",
        ),
        (
            ("--decision", "R", "--date", "1900-01-01"),
            "--date: the decision adopted on 1900-01-01, before 2016-01-01; dates run from the "
            "year before the plan period starts, up to today",
        ),
        (
            ("--decision", "R", "--date", "0001-01-01"),
            "--date: '0001-01-01' is out of range; casplan takes dates from 1900-01-01 to "
            "2200-12-31",
        ),
        (
            ("--decision", "R", "--date", "2015-12-31"),
            "--date: the decision adopted on 2015-12-31, before 2016-01-01; dates run from the "
            "year before the plan period starts, up to today",
        ),
    ],
)
def test_a_decision_that_cannot_be_is_one_line_and_exit_2(invoke, plan, args, message):
    before = (plan / "goal-1" / "measure-1.1.yaml").read_bytes()
    result = amend(invoke, plan, *args, "--title", "New")
    assert result.exit_code == 2
    assert result.output == f"casplan: error: {message}; nothing was written\n"
    assert (plan / "goal-1" / "measure-1.1.yaml").read_bytes() == before
    assert not (plan / "amendments.yaml").exists()


@pytest.mark.parametrize("day", ["2016-01-01", TODAY.isoformat()])
def test_the_edges_of_the_decision_window_are_accepted(invoke, plan, day):
    result = amend(invoke, plan, "--decision", "R", "--date", day, "--title", "New")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("day", "message", "hint"),
    [
        (
            "9999-12-31",
            f"amendment a adopted on 9999-12-31, after {TODAY}",
            "a decision is recorded once it has happened",
        ),
        (
            "0001-01-01",
            "amendment a adopted on 0001-01-01, before 2016-01-01",
            "dates run from the year before the plan period starts, up to today",
        ),
    ],
)
def test_a_hand_written_decision_date_is_checked_by_validate(invoke, plan, day, message, hint):
    (plan / "amendments.yaml").write_text(
        f"amendments:\n  - id: a\n    date: {day}\n    decision: R\n"
    )
    result = invoke("validate", "--plan", str(plan))
    assert result.exit_code == 1
    assert result.output.splitlines()[:4] == [
        f"{plan}/amendments.yaml:3:11: error: {message}",
        f"  3 |     date: {day}",
        "    |           ^",
        f"  hint: {hint}",
    ]


# --- progress dates --------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["1900-01-01", "1950-06-30", "2015-12-31"])
def test_a_progress_entry_before_the_plans_time_is_refused(invoke, plan, day):
    result = invoke(
        "progress", "1.1.1", "--plan", str(plan), "--status", "in_progress", "--date", day
    )
    assert result.exit_code == 1
    assert result.output.splitlines()[0].endswith(
        f": error: progress entry dated {day}, before 2016-01-01"
    )
    assert result.output.splitlines()[-2:] == [
        "  hint: dates run from the year before the plan period starts, up to today",
        "casplan: error: the entry would leave the plan invalid; nothing was written",
    ]


def test_a_progress_entry_on_the_first_day_of_the_window_is_accepted(invoke, plan):
    result = invoke(
        "progress", "1.1.1", "--plan", str(plan), "--status", "not_started", "--date", "2016-01-01"
    )
    assert result.exit_code == 0, result.output


# --- --also ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("1.1.1", "--also", "1.1.2", "1.1.3"),
        ("1.1.1", "--also", "1.1.2", "--also", "1.1.3"),
        ("1.1.1", "--also", "1.1.2,1.1.3"),
        ("1.1.1", "--also", "1.1.2, 1.1.3"),
        ("1.1.1", "--also=1.1.2", "1.1.3"),
        ("--also", "1.1.2", "1.1.1", "1.1.3"),  # the activity's own ID after --also's value
        ("1.1.1", "--also", "1.1.2", "1.1.3", "--dry-run"),
    ],
)
def test_every_form_of_also_is_read(invoke, plan, args):
    result = invoke("amend", *args, "--plan", str(plan), *NEW, "--responsible", "audit-department")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1] == "effective values change for: 1.1.1, 1.1.2, 1.1.3"


def test_the_refusal_names_a_form_that_works(invoke, plan):
    refused = amend(invoke, plan, *NEW, "--responsible", "audit-department")
    assert refused.exit_code == 2
    suggested = refused.output.split(" or ")[-1].split(" to change")[0]
    assert suggested == "--also 1.1.2 1.1.3"
    result = amend(invoke, plan, *NEW, "--responsible", "audit-department", *suggested.split())
    assert result.exit_code == 0, result.output


def test_an_also_that_does_not_continue_the_cell_is_still_refused(invoke, plan):
    result = amend(invoke, plan, *NEW, "--due", "2019-12-31", "--also", "1.1.2", "9.9.9")
    assert result.exit_code == 2
    assert result.output == (
        "casplan: error: --also: 9.9.9 do not continue the due of 1.1.1 (it is continued by "
        "1.1.2, 1.1.3); nothing was written\n"
    )


# --- a reporter that is not responsible ------------------------------------------------------


@pytest.mark.parametrize(
    ("by", "warned"),
    [
        ("audit-department", True),
        ("audit-department:Jelena P.", True),
        ("training-department", True),
        ("hr-division", False),
    ],
)
def test_a_reporter_that_is_not_responsible_is_warned(invoke, plan, by, warned):
    result = invoke(
        "progress", "1.1.1", "--plan", str(plan), "--status", "in_progress", "--date",
        "2018-05-01", "--by", by,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    unit = by.split(":")[0]
    expected = (
        f"{plan}/goal-1/measure-1.1.yaml:14:22: warning: {unit} reports on 1.1.1, which it is "
        "not responsible for\n"
        if warned
        else ""
    )
    assert result.stderr == expected


def test_a_warning_the_plan_already_had_is_not_repeated(invoke, plan):
    args = ("progress", "1.1.1", "--plan", str(plan), "--status", "in_progress", "--by")
    assert invoke(*args, "audit-department", "--date", "2018-05-01").stderr != ""
    result = invoke(*args, "hr-division", "--date", "2018-06-01")
    assert result.exit_code == 0 and result.stderr == ""


# --- long indicator texts --------------------------------------------------------------------

LONG = "Recommendations made " + "and acted upon " * 19 + "by the audited units"


@pytest.mark.parametrize("length", [127, 128, 129, 300, 1000])
def test_a_long_indicator_is_written_as_a_plain_key(invoke, tmp_path, length):
    indicator = (LONG * 6)[:length].rstrip() + "."
    files = minimal_files()
    files["goal-1/measure-1.1.yaml"] = THREE_ROWS.replace("[Rules adopted]", f"['{indicator}']")
    plan = write_plan(tmp_path / "p", files)
    result = invoke(
        "progress", "1.1.1", "--plan", str(plan), "--status", "in_progress", "--date",
        "2018-05-01", "--value", "1=12",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:] == [
        "+    progress:",
        "+      - date: 2018-05-01",
        "+        status: in_progress",
        "+        values:",
        f"+          {indicator}: '12'",
    ]
    text = (plan / "goal-1" / "measure-1.1.yaml").read_text()
    assert "? " not in text
    # the key reads back exactly, in every reader
    show = invoke("show", "1.1.1", "--plan", str(plan))
    assert f"{indicator}: 12" in show.output
    # and amend, which rewrites the file through ruamel's round trip, keeps it plain
    amended = invoke("amend", "1.1.1", "--plan", str(plan), *NEW, "--title", "Rules")
    assert amended.exit_code == 0, amended.output
    assert f"          {indicator}: '12'\n" in (plan / "goal-1" / "measure-1.1.yaml").read_text()


# --- one money format ------------------------------------------------------------------------

FUNDED = THREE_ROWS.replace(
    "    funds:\n      no_extra_cost: true\n",
    "    funds:\n      amounts:\n        - amount: 250000 EUR\n        - amount: 12500 EUR\n"
    "          of_which: true\n",
)


def test_amounts_read_the_same_in_show_diff_and_budget(invoke, tmp_path, monkeypatch):
    files = minimal_files()
    files["goal-1/measure-1.1.yaml"] = FUNDED
    repo = tmp_path / "repo"
    plan = write_plan(repo / "plan", files)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "plan")
    result = invoke(
        "progress", "1.1.1", "--plan", str(plan), "--status", "in_progress", "--date",
        "2018-05-01", "--spent", "1.500.000,00 RSD",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    show = invoke("show", "1.1.1", "--plan", str(plan)).output
    assert "    250,000 EUR\n" in show
    assert "    12,500 EUR, (part of the amount above)\n" in show
    assert "spent in 2018: 1,500,000.00 RSD" in show
    monkeypatch.chdir(repo)
    diff = invoke("diff", "--plan", "plan").output
    assert "spent in 2018: 1,500,000.00 RSD" in diff
    budget = invoke("budget", "--plan", str(plan)).output
    assert "  12,500 EUR of 1.1.1: part of the amount before it\n" in budget
    assert " 250,000\n" in budget
    for text in (show, diff, budget):
        assert "1500000" not in text and "250000 " not in text and "12500 " not in text


# --- amend --add -----------------------------------------------------------------------------

CELLS = (
    "--title", "New", "--indicator", "Done", "--responsible", "hr-division", "--funds",
    "no-extra-cost", "--due", "2019-12-31",
)  # fmt: skip


@pytest.mark.parametrize(
    ("identifier", "args", "message"),
    [
        ("1.1.1", CELLS, "--add: 1.1.1 is already an activity; give the new one's id"),
        (
            "1.1",
            CELLS,
            "--add: '1.1' is not an activity id (like 1.1.4, or 1.1.4.1 under 1.1.4)",
        ),
        (
            "1.1.x",
            CELLS,
            "--add: '1.1.x' is not an activity id (like 1.1.4, or 1.1.4.1 under 1.1.4)",
        ),
        (
            "1.1.04",
            CELLS,
            "--add: '1.1.04' is not an activity id (like 1.1.4, or 1.1.4.1 under 1.1.4)",
        ),
        ("9.9.1", CELLS, "--add: measure 9.9 does not exist in the plan"),
        ("1.1.7.1", CELLS, "--add: 1.1.7 does not exist; add it first"),
        (
            "1.1.4",
            CELLS[:2],
            "--add: an added activity states every cell itself; give --indicator, "
            "--responsible, --funds, --due",
        ),
        (
            "1.1.4",
            (*CELLS, "--cancel"),
            "--add: a new activity goes without --cancel",
        ),
        (
            "1.1.4",
            (*CELLS, "--also", "1.1.2", "--only"),
            "--add: a new activity goes without --also and --only",
        ),
        ("1.1.4", (*CELLS[2:], "--title", " "), "--title: the title is empty"),
        ("1.1.4", (*CELLS, "--indicator", ""), "--indicator: the indicator is empty"),
        ("1.1.4", (*CELLS, "--responsible", "nobody"), "--responsible: unknown unit 'nobody'"),
        (
            "1.1.4",
            (*CELLS, "--funds", "lots"),
            "--funds: 'lots' is not an amount; write an amount and an ISO currency, in Serbian "
            "or plain notation: '1.200.000,00 RSD', '1200000.00 RSD' or '2500 EUR' (or say "
            "no-extra-cost or undetermined)",
        ),
        (
            "1.1.4",
            (*CELLS, "--funds-source", "IPA"),
            "--funds-source: goes with an amount in --funds",
        ),
        ("1.1.4", (*CELLS[:-1], "someday"), None),  # --due: the deadline's own message
    ],
)
def test_an_added_activity_that_cannot_be_is_one_line(invoke, plan, identifier, args, message):
    before = (plan / "goal-1" / "measure-1.1.yaml").read_bytes()
    result = invoke("amend", identifier, "--add", "--plan", str(plan), *NEW, *args)
    assert result.exit_code == 2, result.output
    assert len(result.output.splitlines()) == 1
    if message is not None:
        assert result.output == f"casplan: error: {message}; nothing was written\n"
    else:
        assert result.output.startswith("casplan: error: --due: ")
    assert (plan / "goal-1" / "measure-1.1.yaml").read_bytes() == before
    assert not (plan / "amendments.yaml").exists()


@pytest.mark.parametrize("option", ["--indicator", "--funds", "--funds-source"])
def test_a_new_activitys_cell_without_add_is_refused(invoke, plan, option):
    result = amend(invoke, plan, *NEW, "--title", "T", option, "x")
    assert result.exit_code == 2
    assert result.output == (
        f"casplan: error: {option}: goes with --add (a new activity's cell); nothing was written\n"
    )


def test_a_sub_activity_of_a_cancelled_activity_is_refused(invoke, plan):
    assert amend(invoke, plan, *NEW, "--cancel").exit_code == 0
    result = invoke("amend", "1.1.1.1", "--add", "--plan", str(plan), *NEW, *CELLS)
    assert result.exit_code == 2
    assert result.output == (
        "casplan: error: --add: 1.1.1 was cancelled by amendment-2018-06-28; nothing was written\n"
    )


# --- amounts bounded ---------------------------------------------------------------------------

OVER = "is over the largest amount casplan takes (999,999,999,999,999.99)"


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("99999999999999999999999999999999 RSD", "99999999999999999999999999999999 RSD"),
        ("1000000000000000 EUR", "1000000000000000 EUR"),
        ("1.000.000.000.000.000,00 RSD", "1.000.000.000.000.000,00 RSD"),  # as typed
    ],
)
def test_an_amount_past_the_bound_is_one_line_by_progress_and_amend(invoke, plan, typed, shown):
    """`progress --spent` took a 32-digit amount (the workbook's import refused it), the plan
    validated, and `report` and `site` then ended in an InvalidOperation (exit 3)."""
    before = (plan / "goal-1" / "measure-1.1.yaml").read_bytes()
    spent = invoke(
        "progress", "1.1.1", "--plan", str(plan), "--status", "in_progress", "--date",
        "2018-05-01", "--spent", typed,
    )  # fmt: skip
    assert spent.exit_code == 2, spent.output
    assert spent.output == f"casplan: error: --spent: '{shown}' {OVER}; nothing was written\n"
    funds = (*CELLS[:7], typed, *CELLS[8:])
    added = invoke("amend", "1.1.4", "--add", "--plan", str(plan), *NEW, *funds)
    assert added.exit_code == 2, added.output
    assert added.output == (
        f"casplan: error: --funds: '{shown}' {OVER} (or say no-extra-cost or undetermined); "
        "nothing was written\n"
    )
    assert (plan / "goal-1" / "measure-1.1.yaml").read_bytes() == before


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("0.0000001 RSD", "has 7 decimal places; an amount in RSD has at most 2"),  # was '1E-7'
        ("1,5555 RSD", "has 4 decimal places; an amount in RSD has at most 2"),
        ("12.345,678 EUR", "has 3 decimal places; an amount in EUR has at most 2"),
        ("1,5 JPY", "has 1 decimal place; an amount in JPY has none"),
    ],
)
def test_an_amount_finer_than_its_currency_is_one_line_in_the_words_typed(
    invoke, plan, typed, said
):
    """A typed amount is refused in the words it was typed (`0.0000001 RSD` was echoed as
    `'1E-7 RSD' is not an amount`), and with more decimal places than its currency has (ISO
    4217's, through CLDR) it is refused, where it was written into the plan."""
    before = (plan / "goal-1" / "measure-1.1.yaml").read_bytes()
    spent = invoke(
        "progress", "1.1.1", "--plan", str(plan), "--status", "in_progress", "--date",
        "2018-05-01", "--spent", typed,
    )  # fmt: skip
    assert spent.exit_code == 2, spent.output
    assert spent.output == f"casplan: error: --spent: '{typed}' {said}; nothing was written\n"
    funds = (*CELLS[:7], typed, *CELLS[8:])
    added = invoke("amend", "1.1.4", "--add", "--plan", str(plan), *NEW, *funds)
    assert added.exit_code == 2, added.output
    assert added.output.startswith(f"casplan: error: --funds: '{typed}' {said}")
    assert (plan / "goal-1" / "measure-1.1.yaml").read_bytes() == before


def test_the_largest_amount_is_taken_and_published(invoke, plan, tmp_path):
    result = invoke(
        "progress", "1.1.1", "--plan", str(plan), "--status", "in_progress", "--date",
        "2018-05-01", "--spent", "999999999999999.99 RSD",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    for args in (["report", "--year", "2018"], ["site", "--out", str(tmp_path / "site")]):
        assert invoke(*args, "--plan", str(plan)).exit_code == 0


def test_a_hand_written_amount_past_the_bound_is_refused_by_validate(invoke, plan, tmp_path):
    measure = plan / "goal-1" / "measure-1.1.yaml"
    measure.write_text(
        FUNDED.replace("250000 EUR", "99999999999999999999999999999999 EUR"), encoding="utf-8"
    )
    result = invoke("validate", "--plan", str(plan))
    assert result.exit_code == 1
    [line] = [line for line in result.output.splitlines() if ": error: " in line]
    assert line == (f"{measure}:10:19: error: '99999999999999999999999999999999 EUR' {OVER}")
    for args in (["report", "--year", "2018"], ["site", "--out", str(tmp_path / "site")]):
        assert invoke(*args, "--plan", str(plan)).exit_code == 1


# --- indicator numbers bounded -----------------------------------------------------------------

BIG = "999999999999999999999999999999"
OVER_NUMBER = "is over the largest number casplan takes (999,999,999,999,999.99)"


@pytest.fixture
def indicators(tmp_path):
    """The README's indicators example: 1.1.2's 'Managers trained', a count from 0 to 120."""
    import shutil

    from plans import REPO

    target = tmp_path / "indicators"
    shutil.copytree(REPO / "tests" / "data" / "readme" / "indicators", target)
    return target


def test_an_indicator_value_past_the_bound_is_refused_by_progress(invoke, indicators):
    """`progress --value` took a 30-digit count, and `show` of a 34-digit target then ended in
    an InvalidOperation (exit 3)."""
    measure = indicators / "goal-1" / "measure-1.1.yaml"
    before = measure.read_bytes()
    result = invoke(
        "progress", "1.1.2", "--plan", str(indicators), "--status", "in_progress", "--date",
        "2018-12-31", "--value", f"2={BIG}",
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[0].endswith(
        f": error: value of 'Managers trained' (1.1.2, count): '{BIG}' {OVER_NUMBER}"
    )
    assert (
        lines[-1] == "casplan: error: the entry would leave the plan invalid; nothing was written"
    )
    assert measure.read_bytes() == before


@pytest.mark.parametrize("field", ["target", "baseline"])
def test_an_indicator_target_past_the_bound_is_refused_by_validate(invoke, indicators, field):
    measure = indicators / "goal-1" / "measure-1.1.yaml"
    text = measure.read_text(encoding="utf-8")
    old = "{value: 120}" if field == "target" else "{value: 0, year: 2016}"
    new = f"{{value: {BIG}}}" if field == "target" else f"{{value: {BIG}, year: 2016}}"
    measure.write_text(text.replace(old, new), encoding="utf-8")
    result = invoke("validate", "--plan", str(indicators))
    assert result.exit_code == 1, result.output
    [line] = [line for line in result.output.splitlines() if ": error: " in line]
    assert line == (
        f"{measure}:42:9: error: indicator 'Managers trained': {field} of a count indicator: "
        f"'{BIG}' {OVER_NUMBER}"
    )
    shown = invoke("show", "1.1.2", "--as-of", "2020-12-31", "--plan", str(indicators))
    assert shown.exit_code == 1, shown.output
