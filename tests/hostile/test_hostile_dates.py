"""Dates a user can type, attacked: every option that takes a day or a period, given days at
and past the ends of what casplan takes (1900-01-01 to 2200-12-31) and the ends of Python's
calendar. Past the ends: one line, exit 2 (never an OverflowError, exit 3); at the ends: the
command runs (exit 0, or its own documented refusal)."""

from __future__ import annotations

from pathlib import Path

import pytest

from plans import minimal_files, write_plan

RANGE = "casplan takes dates from 1900-01-01 to 2200-12-31"

# each command, its date option, and what else it needs to run (the day goes last)
DAY_OPTIONS = {
    "site --as-of": ["site", "--out", "{tmp}/site", "--as-of"],
    "report --as-of": ["report", "--year", "2018", "--as-of"],
    "report docx --as-of": [
        "report", "--year", "2018", "--format", "docx", "--out", "{tmp}/r.docx", "--as-of",
    ],
    "due --before": ["due", "--before"],
    "due --after": ["due", "--before", "2200-12-31", "--after"],
    "due --as-of": ["due", "--before", "2019-01-01", "--as-of"],
    "list --as-of": ["list", "--as-of"],
    "show --as-of": ["show", "1.1.1", "--as-of"],
    "who --as-of": ["who", "hr-division", "--as-of"],
    "validate --as-of": ["validate", "--as-of"],
    "followup --as-of": ["followup", "--period", "2018", "--as-of"],
    "followup --eml --as-of": ["followup", "--period", "2018", "--eml", "{tmp}/eml", "--as-of"],
    "progress --date": ["progress", "1.1.1", "--status", "in_progress", "--date"],
    "amend --date": ["amend", "1.1.1", "--decision", "05 br. 1/2018", "--title", "New", "--date"],
}  # fmt: skip
PERIOD_OPTIONS = {
    "collect --period": ["collect", "--out", "{tmp}/books", "--period"],
    "followup --period": ["followup", "--period"],
}
OUTSIDE = ["9999-12-31", "0001-01-01", "1899-12-31", "2201-01-01"]
PERIODS_OUTSIDE = ["9999", "0001", "1899-Q4", "2201-H1", "9999-12", "2018-01-01..9999-12-31"]


@pytest.fixture
def plan(tmp_path) -> Path:
    return write_plan(tmp_path / "plan", minimal_files())


def args_of(template: list[str], tmp: Path) -> list[str]:
    return [part.replace("{tmp}", str(tmp)) for part in template]


@pytest.mark.parametrize("day", OUTSIDE)
@pytest.mark.parametrize("name", list(DAY_OPTIONS))
def test_a_day_out_of_range_is_one_line_exit_2(invoke, plan, tmp_path, name, day):
    option = DAY_OPTIONS[name][-1]
    result = invoke(*args_of(DAY_OPTIONS[name], tmp_path), day, "--plan", str(plan))
    assert result.exit_code == 2, result.output
    nothing = "; nothing was written" if name.split()[0] in ("progress", "amend") else ""
    assert result.stderr == f"casplan: error: {option}: '{day}' is out of range; {RANGE}{nothing}\n"
    assert not (tmp_path / "site").exists() and not (tmp_path / "eml").exists()


@pytest.mark.parametrize("period", PERIODS_OUTSIDE)
@pytest.mark.parametrize("name", list(PERIOD_OPTIONS))
def test_a_period_out_of_range_is_one_line_exit_2(invoke, plan, tmp_path, name, period):
    result = invoke(*args_of(PERIOD_OPTIONS[name], tmp_path), period, "--plan", str(plan))
    assert result.exit_code == 2, result.output
    assert result.stderr == f"casplan: error: --period: '{period}' is out of range; {RANGE}\n"
    assert not (tmp_path / "books").exists()


@pytest.mark.parametrize("day", ["1900-01-01", "2200-12-31", "2108-01-01"])
@pytest.mark.parametrize(
    "name", [name for name in DAY_OPTIONS if name.split()[0] not in ("progress", "amend")]
)
def test_the_ends_of_the_range_are_taken(invoke, plan, tmp_path, name, day):
    args = args_of(DAY_OPTIONS[name], tmp_path)
    if name == "due --after":
        args[2] = "2200-12-31"
    result = invoke(*args, day, "--plan", str(plan))
    if name.startswith("report"):  # the report's own rule: the state on a day of its period
        assert result.exit_code == 2
        assert result.output == (
            f"casplan: error: --as-of {day} is not in the period 2018 (1 January – 31 December 2018); "  # noqa: RUF001 (CLDR's en dash)
            "a report takes the state on a day of its period\n"
        )
        return
    assert result.exit_code == 0, result.output


def test_drafts_and_workbooks_of_a_day_past_zips_years_are_written(invoke, plan, tmp_path):
    """A zip stamps its members with years 1980 to 2107 only: a workbook made on 2108-01-01
    is stamped with the last moment zip can say, not refused (it was exit 3)."""
    import zipfile

    result = invoke(
        "followup", "--period", "2018", "--as-of", "2108-01-01", "--eml", str(tmp_path / "eml"),
        "--plan", str(plan),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    import email
    from email.policy import default

    message = email.message_from_bytes(
        (tmp_path / "eml" / "hr-division.eml").read_bytes(), policy=default
    )
    [attachment] = list(message.iter_attachments())
    import io

    with zipfile.ZipFile(io.BytesIO(attachment.get_content())) as book:
        assert {info.date_time for info in book.infolist()} == {(2107, 12, 31, 23, 59, 58)}


@pytest.mark.parametrize(("day", "accepted"), [("1900-01-01", False), ("2017-01-01", True)])
def test_records_keep_their_own_tighter_rule(invoke, plan, day, accepted):
    """Past the typed range's check, a progress entry still keeps the plan's own rule (from
    the year before the plan period up to today)."""
    result = invoke(
        "progress", "1.1.1", "--status", "in_progress", "--date", day, "--plan", str(plan)
    )
    assert (result.exit_code == 0) == accepted, result.output
    if not accepted:
        assert "is out of range" not in result.stderr


@pytest.mark.parametrize("period", ["9999..9999", "2021..9999", "1899..1900", "2200..2201"])
def test_a_successor_period_out_of_range_is_one_line_exit_2(invoke, plan, tmp_path, period):
    """`successor --period` is a day typed on the command line too (it was taken: a plan for
    9999 was written, and `site` and `report` then ended in an OverflowError, exit 3)."""
    result = invoke(
        "successor", "--period", period, "--out", str(tmp_path / "next"), "--plan", str(plan)
    )
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"casplan: error: --period: '{period}' is out of range; {RANGE}; nothing was written\n"
    )
    assert not (tmp_path / "next").exists()
    assert not (plan / "successor.yaml").exists()


@pytest.mark.parametrize(
    ("start", "end", "column"),
    [
        ("2017-01-01", "9999-12-31", "4:8"),
        ("2017-01-01", "2201-01-01", "4:8"),
        ("0001-01-01", "2020-12-31", "3:10"),
        ("1899-12-31", "2020-12-31", "3:10"),
    ],
)
def test_a_plan_period_out_of_range_is_refused_at_its_line(invoke, tmp_path, start, end, column):
    """A plan period is a day like any other: one that runs to 9999 validated, and `site` and
    `report` on it ended in an OverflowError (exit 3)."""
    from plans import PLAN_YAML

    files = minimal_files()
    files["plan.yaml"] = PLAN_YAML.replace("2017-01-01", start).replace("2020-12-31", end)
    plan = write_plan(tmp_path / "plan", files)
    result = invoke("validate", "--plan", str(plan))
    assert result.exit_code == 1, result.output
    day = end if end != "2020-12-31" else start
    [line] = [line for line in result.stdout.splitlines() if ": error: " in line]
    assert line == f"{plan}/plan.yaml:{column}: error: {day} is out of range; {RANGE}"
    for args in (["site", "--out", str(tmp_path / "site")], ["report", "--year", "2018"]):
        refused = invoke(*args, "--plan", str(plan))
        assert refused.exit_code == 1, refused.output


@pytest.mark.parametrize(
    ("date", "known_on", "column"),
    [
        ("9999-12-31", None, "4:11"),
        ("2201-01-01", None, "4:11"),
        ("2018-01-01", "0001-01-01", "5:15"),
    ],
)
def test_an_event_dated_out_of_range_is_refused_at_its_line(
    invoke, tmp_path, date, known_on, column
):
    """An event is a day of the plan's own: one dated 9999-12-31 validated, and with a
    deadline two years after it every command that reads the plan ended in a ValueError
    ("year 10001 is out of range", exit 3)."""
    files = minimal_files()
    files["events.yaml"] = (
        "events:\n  - id: project-start\n    name: Start of the project\n"
        f"    date: {date}\n" + (f"    known_on: {known_on}\n" if known_on else "")
    )
    files["goal-1/measure-1.1.yaml"] = files["goal-1/measure-1.1.yaml"].replace(
        "due: 2018-12-31", "due: 2y after project-start", 1
    )
    plan = write_plan(tmp_path / "plan", files)
    result = invoke("validate", "--plan", str(plan))
    assert result.exit_code == 1, result.output
    day = known_on or date
    [line] = [line for line in result.stdout.splitlines() if ": error: " in line]
    assert line == f"{plan}/events.yaml:{column}: error: {day} is out of range; {RANGE}"
    for args in (["list"], ["due", "--before", "2200-12-31"], ["show", "1.1.1"]):
        assert invoke(*args, "--plan", str(plan)).exit_code == 1


@pytest.mark.parametrize("span", ["9999y", "99999999y", "4000m", "20000w", "200000d"])
def test_a_span_after_an_event_past_the_range_is_refused_at_its_line(invoke, tmp_path, span):
    """`9999y after EVENT` validated, and every command that reads the plan then ended in a
    ValueError ("year 12017 is out of range", exit 3)."""
    files = minimal_files()
    files["events.yaml"] = (
        "events:\n  - id: project-start\n    name: Start of the project\n    date: 2017-01-01\n"
    )
    files["goal-1/measure-1.1.yaml"] = files["goal-1/measure-1.1.yaml"].replace(
        "due: 2018-12-31", f"due: {span} after project-start", 1
    )
    plan = write_plan(tmp_path / "plan", files)
    result = invoke("validate", "--plan", str(plan))
    assert result.exit_code == 1, result.output
    [line] = [line for line in result.stdout.splitlines() if ": error: " in line]
    assert line == (
        f"{plan}/goal-1/measure-1.1.yaml:10:10: error: '{span} after project-start' runs past "
        f"the dates casplan takes ({RANGE.removeprefix('casplan takes dates ')}); a span after "
        "an event is at most 300 years"
    )
    for args in (["list"], ["due", "--before", "2200-12-31"], ["show", "1.1.1"]):
        assert invoke(*args, "--plan", str(plan)).exit_code == 1


def test_a_span_of_300_years_after_an_event_is_taken(invoke, tmp_path):
    files = minimal_files()
    files["events.yaml"] = (
        "events:\n  - id: project-start\n    name: Start of the project\n    date: 2200-12-31\n"
    )
    files["goal-1/measure-1.1.yaml"] = files["goal-1/measure-1.1.yaml"].replace(
        "due: 2018-12-31", "due: 300y after project-start", 1
    )
    plan = write_plan(tmp_path / "plan", files)
    for args in (["validate"], ["list"], ["due", "--before", "2200-12-31"], ["show", "1.1.1"]):
        assert invoke(*args, "--plan", str(plan)).exit_code == 0
