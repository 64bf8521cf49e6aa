# ruff: noqa: RUF001  (Cyrillic letters that look like Latin ones, and CLDR's en dashes, are the point)
"""cas_plan.l10n.deadlines: every deadline form in words, in en, sr and sr-Cyrl; an event by its
name from events.yaml (dated or not), never its id."""

from __future__ import annotations

import datetime as dt

import pytest

from cas_plan.core.deadlines import parse_deadline
from cas_plan.core.model import Event
from cas_plan.l10n.deadlines import DeadlineWords, deadline_words
from cas_plan.l10n.formats import LanguageError

EVENTS = {
    "cas-financial-plan": Event(id="cas-financial-plan", name="Adoption of the CAS financial plan"),
    "nc33-opening": Event(id="nc33-opening", name="Opening of Chapter 33"),
    "eu-accession": Event(
        id="eu-accession", name="Accession of Serbia to the EU", date=dt.date(2030, 7, 1)
    ),
}


@pytest.mark.parametrize(
    ("spelling", "en", "sr", "sr_cyrl"),
    [
        ("2018-12-31", "31 December 2018", "31. decembar 2018.", "31. децембар 2018."),
        ("2018-07", "July 2018", "jul 2018.", "јул 2018."),
        ("2018-Q4", "Q4 2018", "četvrti kvartal 2018.", "четврти квартал 2018."),
        ("2018", "2018", "2018.", "2018."),
        (
            "2017-03-28..2017-03-30",
            "28 – 30 March 2017",
            "28.–30. mart 2017.",
            "28.–30. март 2017.",
        ),
        (
            "2017-03-28..2017-04-02",
            "28 March – 2 April 2017",
            "28. mart – 2. april 2017.",
            "28. март – 2. април 2017.",
        ),
        (
            "2017-12-28..2018-01-02",
            "28 December 2017 – 2 January 2018",
            "28. decembar 2017. – 2. januar 2018.",
            "28. децембар 2017. – 2. јануар 2018.",
        ),
        ("2018-01..2018-06", "January – June 2018", "januar – jun 2018.", "јануар – јун 2018."),
        (
            "2018-Q1..2019",
            "Q1 2018 – 2019",
            "prvi kvartal 2018. – 2019.",
            "први квартал 2018. – 2019.",
        ),
        (
            "2020..",
            "from 2020, no end date",
            "2020. i nadalje, bez krajnjeg roka",
            "2020. и надаље, без крајњег рока",
        ),
        ("continuous", "continuous", "kontinuirano", "континуирано"),
        (
            "yearly 11",
            "each year by the end of November",
            "novembar svake godine",
            "новембар сваке године",
        ),
        ("yearly 03-31", "each year by 31 March", "31. mart svake godine", "31. март сваке године"),
        ("yearly 02-29", "each year by 29 February", "29. februar svake godine", None),
    ],
)
def test_a_deadline_in_words(spelling: str, en: str, sr: str, sr_cyrl: str | None) -> None:
    spec = parse_deadline(spelling)
    assert deadline_words(spec, "en", EVENTS) == en
    assert deadline_words(spec, "sr", EVENTS) == sr
    if sr_cyrl is not None:
        assert deadline_words(spec, "sr-Cyrl", EVENTS) == sr_cyrl


@pytest.mark.parametrize(
    ("spelling", "en", "sr"),
    [
        (
            "by cas-financial-plan",
            "by Adoption of the CAS financial plan (date not yet known)",
            "do događaja: Adoption of the CAS financial plan (datum još nije poznat)",
        ),
        (
            "2y after nc33-opening",
            "2 years after Opening of Chapter 33 (date not yet known)",
            "2 godine nakon događaja: Opening of Chapter 33 (datum još nije poznat)",
        ),
        (
            "1m after eu-accession",
            "1 month after Accession of Serbia to the EU (1 July 2030)",
            "1 mesec nakon događaja: Accession of Serbia to the EU (1. jul 2030.)",
        ),
        (
            "3w after eu-accession",
            "3 weeks after Accession of Serbia to the EU (1 July 2030)",
            "3 nedelje nakon događaja: Accession of Serbia to the EU (1. jul 2030.)",
        ),
        (
            "nc33-opening..eu-accession",
            "from Opening of Chapter 33 (date not yet known) until Accession of Serbia to the EU "
            "(1 July 2030)",
            "početak: Opening of Chapter 33 (datum još nije poznat); završetak: Accession of "
            "Serbia to the EU (1. jul 2030.)",
        ),
        (
            "2019-Q3..eu-accession",
            "from Q3 2019 until Accession of Serbia to the EU (1 July 2030)",
            "početak: treći kvartal 2019.; završetak: Accession of Serbia to the EU (1. jul 2030.)",
        ),
    ],
)
def test_an_event_is_said_by_its_name(spelling: str, en: str, sr: str) -> None:
    spec = parse_deadline(spelling)
    assert deadline_words(spec, "en", EVENTS) == en
    assert deadline_words(spec, "sr", EVENTS) == sr
    cyrillic = deadline_words(spec, "sr-Cyrl", EVENTS)
    assert "догађаја" in cyrillic or "почетак" in cyrillic
    for event in EVENTS:
        assert event not in deadline_words(spec, "en", EVENTS)


def test_an_event_that_events_yaml_does_not_know_is_its_id() -> None:
    """Only a plan that does not validate names such an event; there is no name to say."""
    assert deadline_words(parse_deadline("by gone-event"), "en", {}) == "by gone-event"


def test_the_words_of_one_plan_are_said_once() -> None:
    said = DeadlineWords("sr", EVENTS)
    spec = parse_deadline("2018-Q4")
    assert said(spec) == "četvrti kvartal 2018."
    assert said.said == {spec: "četvrti kvartal 2018."}
    assert said(parse_deadline("2018-Q4")) == "četvrti kvartal 2018."
    with pytest.raises(LanguageError):
        deadline_words(spec, "de", EVENTS)
