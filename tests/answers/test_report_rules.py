"""The rules the report's figures follow, one function each: shares by the largest remainder
(cancelled left out), a parent's status rolled up from its sub-activities, days late, the
periods a report covers and the reporting calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from cas_plan.answers.figures import largest_remainder, share_of, shares
from cas_plan.answers.statuses import days_late, standing
from cas_plan.core.errors import UsageError
from cas_plan.core.model import Activity
from cas_plan.core.periods import Period, parse_report_period, report_kind

# --- shares ------------------------------------------------------------------------------------


def test_thirds_add_up_to_100():
    assert largest_remainder([1, 1, 1]) == [34, 33, 33]


def test_sevenths_add_up_to_100():
    assert largest_remainder([1] * 7) == [15, 15, 14, 14, 14, 14, 14]
    assert sum(largest_remainder([1] * 7) or []) == 100


def test_the_largest_remainders_get_the_units_left():
    # 2/3 = 66.67, 1/6 = 16.67, 1/6 = 16.67: floors 66 + 16 + 16 = 98, two units left
    assert largest_remainder([4, 1, 1]) == [67, 17, 16]
    assert largest_remainder([1, 0, 0]) == [100, 0, 0]


def test_nothing_to_share_is_none():
    assert largest_remainder([0, 0, 0]) is None
    assert largest_remainder([]) is None
    assert share_of(0, 0) is None


def test_cancelled_ones_have_no_share_and_are_left_out_of_the_rest():
    assert shares({"completed": 1, "in_progress": 1, "delayed": 1, "cancelled": 5}) == {
        "completed": 34,
        "in_progress": 33,
        "delayed": 33,
        "cancelled": None,
    }
    assert shares({"completed": 0, "cancelled": 2}) == {"completed": None, "cancelled": None}


def test_one_share_on_its_own_rounds_as_the_pair_does():
    assert share_of(2, 3) == 67
    assert share_of(1, 8) == 13
    assert share_of(3, 3) == 100


# --- roll-up -------------------------------------------------------------------------------------

DAY = dt.date(2019, 12, 31)


def parent(*subs: dict, own: list | None = None) -> Activity:
    """A parent activity with sub-activities: each a dict of progress entries (or cancelled)."""
    return Activity.model_validate(
        {
            "id": "1.1.1",
            "title": "Parent",
            "progress": own or [],
            "sub_activities": [
                {"id": f"1.1.1.{i}", "title": f"Sub {i}", **sub} for i, sub in enumerate(subs, 1)
            ],
        }
    )


def entry(day: str, status: str) -> dict:
    return {"progress": [{"date": day, "status": status}]}


CANCELLED = {"cancelled_by": "a-1"}


@pytest.mark.parametrize(
    ("subs", "status"),
    [
        ((entry("2019-05-01", "completed"), entry("2019-06-01", "completed")), "completed"),
        ((entry("2019-05-01", "completed"), CANCELLED), "completed"),
        ((CANCELLED, CANCELLED), "cancelled"),
        ((entry("2019-05-01", "completed"), entry("2019-06-01", "delayed")), "delayed"),
        ((entry("2019-05-01", "in_progress"), entry("2019-06-01", "delayed")), "delayed"),
        ((entry("2019-05-01", "completed"), {}), "in_progress"),
        ((entry("2019-05-01", "in_progress"), entry("2019-06-01", "not_started")), "in_progress"),
        ((entry("2019-05-01", "not_started"), entry("2019-06-01", "not_started")), "not_started"),
        ((entry("2019-05-01", "not_started"), {}), "not_reported"),
        (({}, {}), "not_reported"),
    ],
)
def test_a_parent_rolls_its_sub_activities_up(subs, status):
    found = standing(parent(*subs), DAY)
    assert (found.status, found.rolled_up) == (status, True)


def test_a_rolled_up_completion_is_the_day_the_last_one_completed():
    found = standing(
        parent(entry("2019-05-01", "completed"), entry("2019-06-01", "completed"), CANCELLED), DAY
    )
    assert (found.completed_on, found.since) == (dt.date(2019, 6, 1), dt.date(2019, 6, 1))
    assert days_late(found, dt.date(2019, 5, 31)) == 1
    assert days_late(found, dt.date(2019, 6, 1)) is None


def test_a_parent_with_entries_of_its_own_does_not_roll_up():
    own = [{"date": "2019-02-01", "status": "delayed"}]
    found = standing(parent(entry("2019-05-01", "completed"), own=own), DAY)
    assert (found.status, found.rolled_up) == ("delayed", False)


def test_the_roll_up_takes_the_state_on_the_day():
    subs = (entry("2019-05-01", "completed"), entry("2019-06-01", "completed"))
    assert standing(parent(*subs), dt.date(2019, 5, 15)).status == "in_progress"
    assert standing(parent(*subs), dt.date(2019, 4, 1)).status == "not_reported"


def test_a_reopened_activity_completes_anew():
    activity = Activity.model_validate(
        {
            "id": "1.1.1",
            "title": "Reopened",
            "progress": [
                {"date": "2019-01-10", "status": "completed"},
                {"date": "2019-02-10", "status": "in_progress"},
                {"date": "2019-03-10", "status": "completed"},
                {"date": "2019-03-20", "status": "completed"},
            ],
        }
    )
    assert standing(activity, DAY).completed_on == dt.date(2019, 3, 10)


# --- periods -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "period", "kind"),
    [
        ("2018-H1", Period(dt.date(2018, 1, 1), dt.date(2018, 6, 30), "2018-H1"), "half"),
        ("2018-H2", Period(dt.date(2018, 7, 1), dt.date(2018, 12, 31), "2018-H2"), "half"),
        ("2018", Period(dt.date(2018, 1, 1), dt.date(2018, 12, 31), "2018"), "year"),
        (" 2018 ", Period(dt.date(2018, 1, 1), dt.date(2018, 12, 31), "2018"), "year"),
        ("2018..2018", Period(dt.date(2018, 1, 1), dt.date(2018, 12, 31), "2018"), "year"),
        ("2017..2020", Period(dt.date(2017, 1, 1), dt.date(2020, 12, 31), "2017..2020"), "years"),
    ],
)
def test_the_periods_of_a_report(text, period, kind):
    assert parse_report_period(text) == period
    assert report_kind(period) == kind


@pytest.mark.parametrize("text", ["2018-Q1", "2018-07", "2018-01-01..2018-06-30", "0000", "H1"])
def test_other_periods_are_not_report_periods(text):
    with pytest.raises(UsageError) as caught:
        parse_report_period(text)
    assert caught.value.message == (
        f"--period: '{text}' is not a report period; write 2018-H1, 2018 or 2017..2020"
    )


def test_a_run_of_years_that_ends_before_it_starts():
    with pytest.raises(UsageError) as caught:
        parse_report_period("2020..2017")
    assert caught.value.message == "--period: '2020..2017' ends before it starts"
