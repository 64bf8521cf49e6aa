"""Indicator values read for their unit: the one grammar `validate`, `progress --value` and
`import` check a reported value with, so that all three refuse a bad value in the same words.

A unit says what a value is: a `number` (any, in Serbian notation "1.234,5" or plain "1234.5"),
a `percent` (0 to 100, a trailing '%' allowed), a `count` (a whole number, 0 or more), `yes_no`
(yes or no, also da/ne and да/не) or `text` (anything). Numbers are exact (Decimal), never floats;
a number that two notations read differently ("1.234") is refused with both spellings to choose
from, as amounts are (`core.money.number_from_text`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal, get_args

from cas_plan.core.money import MAX_AMOUNT, AmbiguousNumber, number_from_text

IndicatorUnit = Literal["number", "percent", "count", "yes_no", "text"]
UNITS: tuple[str, ...] = get_args(IndicatorUnit)
Direction = Literal["up", "down"]

YES = frozenset({"yes", "da", "да"})
NO = frozenset({"no", "ne", "не"})
HUNDRED = Decimal(100)


class IndicatorValueError(ValueError):
    """A value its unit does not admit; the message says what to write instead."""


def _number(text: str) -> Decimal:
    value = number_from_text(text)
    if isinstance(value, AmbiguousNumber):
        other = "," if value.mark == "." else "."
        raise IndicatorValueError(
            f"'{text}' can be read two ways; write {value.whole}{value.fraction} for the "
            f"thousands or {value.whole}{other}{value.fraction}0 for the fraction"
        )
    if value is None:
        raise IndicatorValueError(
            f"'{text}' is not a number (write it like 1234,5 or 1.234,5 or 1234.5)"
        )
    if abs(value) > MAX_AMOUNT:  # past it, a gap or an expected value cannot be computed
        raise IndicatorValueError(
            f"'{text}' is over the largest number casplan takes ({MAX_AMOUNT:,})"
        )
    return value


def read_value(unit: str, text: str) -> Decimal | None:
    """The value as a number (yes is 1, no is 0; None for a text unit), or an
    IndicatorValueError that says why it is not one of the unit."""
    written = text.strip()
    if unit == "text":
        return None
    if unit == "yes_no":
        if written.casefold() in YES:
            return Decimal(1)
        if written.casefold() in NO:
            return Decimal(0)
        raise IndicatorValueError(f"'{text}' is not yes or no (write yes, no, da or ne)")
    if unit == "percent":
        value = _number(written.removesuffix("%").rstrip())
        if not 0 <= value <= HUNDRED:
            raise IndicatorValueError(f"'{text}' is not a percent (write a number from 0 to 100)")
        return value
    value = _number(written)
    if unit == "count" and (value < 0 or value != value.to_integral_value()):
        raise IndicatorValueError(f"'{text}' is not a count (write a whole number, 0 or more)")
    return value


def value_message(owner: str, indicator: str, unit: str, text: str) -> str | None:
    """Why a reported value does not fit its indicator's unit, as one line (None: it fits):
    the words `validate`, `progress` and `import` all use."""
    try:
        read_value(unit, text)
    except IndicatorValueError as problem:
        return f"value of '{indicator}' ({owner}, {unit_word(unit)}): {problem}"
    return None


def unit_word(unit: str) -> str:
    """A unit as the tool's messages name it: 'yes/no', 'percent'."""
    return "yes/no" if unit == "yes_no" else unit
