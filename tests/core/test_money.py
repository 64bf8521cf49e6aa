"""Money is Decimal with an ISO currency; Serbian notation is read exactly; currencies never mix."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cas_plan.core.money import (
    SPENT_HELP,
    AmbiguousNumber,
    CurrencyMismatch,
    Money,
    MoneySyntaxError,
    number_from_text,
    parse_amount_text,
    parse_money,
    parse_serbian_number,
)


def test_parse_money():
    assert parse_money("2677411.58 EUR") == Money("EUR", Decimal("2677411.58"))
    assert parse_money("13200000 rsd") == Money("RSD", Decimal("13200000"))
    assert parse_money("1.10 EUR").spell() == "1.10 EUR"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (3.5, "the amount 3.5 has no currency"),
        (100, "the amount 100 has no currency"),
        ("3.5", "'3.5' is not an amount"),
        ("2.677.411,58 EUR", "'2.677.411,58 EUR' is not an amount"),
        ("100 ERU", "'ERU' is not an ISO 4217 currency code (for example RSD, EUR)"),
        ("-5 EUR", "'-5 EUR' is not an amount"),
        (["5 EUR"], "an amount is text, not list"),
    ],
)
def test_bad_amounts(value, message):
    with pytest.raises(MoneySyntaxError) as caught:
        parse_money(value)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2.677.411,58", Decimal("2677411.58")),
        ("13.200.000", Decimal("13200000")),
        ("250.000", Decimal("250000")),
        ("300.000,00", Decimal("300000.00")),
        ("1.190.784.024", Decimal("1190784024")),
        ("40,713.020,00", None),
        ("973.455.54", None),
    ],
)
def test_serbian_notation(text, value):
    assert parse_serbian_number(text) == value


def test_currencies_are_never_added_together():
    rsd, eur = parse_money("100 RSD"), parse_money("1 EUR")
    assert rsd + parse_money("0.50 RSD") == Money("RSD", Decimal("100.50"))
    with pytest.raises(CurrencyMismatch):
        rsd + eur


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1234.50", Decimal("1234.50")),
        ("1234,5", Decimal("1234.5")),
        ("1,234.50", Decimal("1234.50")),
        ("1.234,50", Decimal("1234.50")),
        ("1.234.567", Decimal("1234567")),
        ("1,234,567", Decimal("1234567")),
        ("1 234 567,89", Decimal("1234567.89")),
        ("1\u00a0234,00", Decimal("1234.00")),
        ("0.125", Decimal("0.125")),
        ("1234.567", Decimal("1234.567")),
        ("-3", Decimal("-3")),
        ("1.234", AmbiguousNumber("1", ".", "234")),
        ("1,234", AmbiguousNumber("1", ",", "234")),
        ("-1,234", AmbiguousNumber("-1", ",", "234")),
        ("1,2,3", None),
        ("1e3", None),
        ("", None),
    ],
)
def test_a_number_as_people_type_it(text, value):
    assert number_from_text(text) == value


@pytest.mark.parametrize(
    ("text", "money"),
    [
        ("1.200.000,00 RSD", Money("RSD", Decimal("1200000.00"))),
        ("1,200,000.00 RSD", Money("RSD", Decimal("1200000.00"))),
        ("1 200 000,50 rsd", Money("RSD", Decimal("1200000.50"))),
        ("2500 EUR", Money("EUR", Decimal("2500"))),
        ("12,5 EUR", Money("EUR", Decimal("12.5"))),
    ],
)
def test_spent_amounts_in_any_notation(text, money):
    assert parse_amount_text(text) == money


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1.200 RSD", "'1.200 RSD' can be read two ways; write '1.200,00 RSD' or '1200 RSD'"),
        ("1,200 RSD", "'1,200 RSD' can be read two ways; write '1,200.00 RSD' or '1200 RSD'"),
        ("-5 RSD", f"'-5 RSD' is not an amount; {SPENT_HELP}"),
        ("5", f"'5' is not an amount; {SPENT_HELP}"),
        ("5 ERU", "'ERU' is not an ISO 4217 currency code (for example RSD, EUR)"),
    ],
)
def test_spent_amounts_refused(text, message):
    with pytest.raises(MoneySyntaxError) as caught:
        parse_amount_text(text)
    assert str(caught.value) == message
