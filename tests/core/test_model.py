"""The schemas: every funding form, responsibility, progress entry, and strictness about keys."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from pydantic import ValidationError

from cas_plan.core.model import (
    Activity,
    Deadline,
    Funding,
    Indicators,
    ProgressEntry,
    Responsibility,
    evidence_link,
)


def messages(exc: ValidationError) -> list[tuple[tuple[object, ...], str]]:
    return [(e["loc"], e["msg"]) for e in exc.errors()]


def test_no_extra_cost():
    funds = Funding.model_validate(
        {
            # the source's own en dash
            "as_written": "No expenses –this measure is conducted as part of regular activities",  # noqa: RUF001
            "no_extra_cost": True,
        }
    )
    assert funds.no_extra_cost and not funds.amounts


def test_amounts_per_year_annual_budgeted_unprocured_and_of_which():
    funds = Funding.model_validate(
        {
            "amounts": [
                {"amount": "2677411.58 EUR", "year": 2017},
                {"amount": "40713020.00 RSD", "annual": True},
                {"amount": "1293644408 RSD", "procurement": "budgeted", "source": "state budget"},
                {"amount": "711996885 RSD", "procurement": "unprocured"},
                {"amount": "12500 EUR", "of_which": True, "source": "CAS"},
                {"amount": "300000.00 EUR", "counted_under": "8.2"},
            ]
        }
    )
    amounts = funds.amounts
    assert amounts[0].amount.amount == Decimal("2677411.58") and amounts[0].year == 2017
    assert amounts[1].annual and amounts[1].year is None
    assert [a.procurement for a in amounts[2:4]] == ["budgeted", "unprocured"]
    assert amounts[4].of_which and amounts[5].counted_under == "8.2"
    dumped = funds.model_dump(mode="json")["amounts"][0]["amount"]
    assert dumped == "2677411.58 EUR"


def test_reference_sources_external_and_undetermined():
    assert Funding.model_validate({"see": ["2.1.3", "8.2"]}).see == ["2.1.3", "8.2"]
    assert Funding.model_validate({"sources": ["IPA 2013"]}).sources == ["IPA 2013"]
    assert Funding.model_validate({"external": "IBM Action Plan"}).external == "IBM Action Plan"
    assert Funding.model_validate({"as_written": "TBD", "undetermined": True}).undetermined


def test_funds_text_must_be_interpreted():
    with pytest.raises(ValidationError) as caught:
        Funding.model_validate({"as_written": "13.200.000 RSD"})
    assert "funds with text must say what it means" in str(caught.value)


def test_amount_is_either_annual_or_for_a_year():
    with pytest.raises(ValidationError, match="either for one year or annual"):
        Funding.model_validate({"amounts": [{"amount": "1 EUR", "year": 2018, "annual": True}]})


def test_bad_reference_ids():
    with pytest.raises(ValidationError) as caught:
        Funding.model_validate({"see": ["2.x"]})
    assert messages(caught.value) == [
        (
            ("see", 0),
            "Value error, '2.x' is not a valid measure or activity id (expected "
            "something like '2.1.3' or '8.2')",
        )
    ]


def test_responsibility_forms():
    short = Responsibility.model_validate(["hr-division"])
    assert short.units[0].unit == "hr-division" and short.units[0].role is None
    full = Responsibility.model_validate(
        {
            "as_written": "Public Relations Group, Head of Group, in the parts related to media activity",
            "units": [
                {
                    "unit": "public-relations-group",
                    "role": "Head of Group",
                    "scope": "in the parts related to media activity",
                }
            ],
        }
    )
    assert full.units[0].scope == "in the parts related to media activity"
    delegated = Responsibility.model_validate(
        {"as_written": "Listed under individual projects", "listed_under_sub_activities": True}
    )
    assert delegated.units == []
    with pytest.raises(ValidationError, match="names at least one unit"):
        Responsibility.model_validate({"as_written": "Somebody"})


def test_deadline_and_indicators_short_forms():
    assert Deadline.model_validate("2018-Q4").when.spell() == "2018-Q4"
    assert Deadline.model_validate(dt.date(2018, 12, 31)).when.spell() == "2018-12-31"
    assert Indicators.model_validate(["Training held"]).texts == ["Training held"]


def test_unknown_keys_are_errors_at_every_level():
    with pytest.raises(ValidationError) as caught:
        Activity.model_validate(
            {
                "id": "1.1.1",
                "title": "x",
                "tittle": "y",
                "due": {"when": "2018", "as_writen": "2018"},
                "funds": {"amounts": [{"amount": "1 EUR", "yaer": 2018}]},
            }
        )
    assert sorted(e["loc"] for e in caught.value.errors()) == [
        ("due", "as_writen"),
        ("funds", "amounts", 0, "yaer"),
        ("tittle",),
    ]


def test_progress_entry():
    entry = ProgressEntry.model_validate(
        {
            "date": dt.date(2018, 6, 1),
            "status": "in_progress",
            "note": "Half done",
            "values": {"Training held": "3 trainings"},
            "evidence": ["https://www.carina.rs/decision.pdf"],
            "reported_by": "hr-division",
        }
    )
    assert entry.status == "in_progress"
    with pytest.raises(ValidationError, match="is not evidence; write a web address"):
        ProgressEntry.model_validate(
            {"date": dt.date(2018, 6, 1), "status": "completed", "evidence": ["carina.rs/x"]}
        )
    with pytest.raises(ValidationError):
        ProgressEntry.model_validate({"date": dt.date(2018, 6, 1), "status": "done"})


def test_sub_activities_nest():
    activity = Activity.model_validate(
        {
            "id": "3.5.1",
            "title": "Audits",
            "sub_activities": [{"id": "3.5.1.1", "title": "Audit of regularity"}],
        }
    )
    assert activity.sub_activities[0].id == "3.5.1.1"


@pytest.mark.parametrize(
    ("evidence", "link"),
    [
        ("https://example.org/rules.pdf", "https://example.org/rules.pdf"),
        ("HTTP://example.org/a", "HTTP://example.org/a"),
        ("doc: br. 148-01-123/2018", None),
        ("\\\\cas-fs\\training\\2018.pdf", None),
        ("javascript:alert(1)", None),
        ("ftp://example.org/a", None),
        ("example.org/https://x", None),
    ],
)
def test_only_a_web_address_becomes_a_link(evidence, link):
    assert evidence_link(evidence) == link
