"""Money: exact decimal amounts with an ISO 4217 currency, and how numbers are written: the plan
files' plain notation, the source's Serbian one, and what people type.

Amounts are never floats and never added across currencies: a `Money` knows its currency and
refuses to be summed with another one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# Active ISO 4217 codes; an unknown code is almost always a typo ("ERU", "DIN").
ISO_4217 = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP
    BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP
    GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR
    KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK
    MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR
    SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS
    UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWG
    """.split()
)

_MONEY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s+([A-Za-z]{3})\s*$")
MAX_AMOUNT = Decimal("999999999999999.99")
"""The largest amount casplan takes, in a plan file, on the command line or in a workbook, and
the largest indicator number (`core/indicators`): fifteen digits before the point, as a
spreadsheet cell shows them (the plan's largest amount has ten). Past it, the report, the site
and `show` could not format a sum or a gap (decimal.InvalidOperation)."""
MONEY_HELP = (
    "write an amount as text: digits, an optional '.' and decimals, then an ISO currency, "
    "e.g. '2677411.58 EUR'"
)


class MoneySyntaxError(ValueError):
    """An amount that is not `<digits>[.<decimals>] <ISO currency>`."""


class CurrencyMismatch(TypeError):
    """Raised when amounts in different currencies would be added together."""


@dataclass(frozen=True, order=True)
class Money:
    currency: str
    amount: Decimal

    def __add__(self, other: Money) -> Money:
        if other.currency != self.currency:
            raise CurrencyMismatch(f"cannot add {other.currency} to {self.currency}")
        return Money(self.currency, self.amount + other.amount)

    def spell(self) -> str:
        """As the YAML holds it: '1500000.00 RSD'."""
        return f"{self.amount} {self.currency}"

    def shown(self) -> str:
        """As every text and terminal output shows it: '1,500,000.00 RSD' (the table's
        grouping, the decimals as written, never rounded)."""
        return amount_text(str(self.amount), self.currency)

    def __str__(self) -> str:
        return self.spell()


def parse_money(value: object) -> Money:
    """Parse '2677411.58 EUR'; refuse floats, which cannot hold money exactly."""
    if isinstance(value, Money):
        return value
    if isinstance(value, float | int) and not isinstance(value, bool):
        raise MoneySyntaxError(f"the amount {value} has no currency")
    if not isinstance(value, str):
        raise MoneySyntaxError(f"an amount is text, not {type(value).__name__}")
    m = _MONEY.fullmatch(value)
    if not m:
        raise MoneySyntaxError(f"'{value}' is not an amount")
    currency = m[2].upper()
    if currency not in ISO_4217:
        raise MoneySyntaxError(f"'{m[2]}' is not an ISO 4217 currency code (for example RSD, EUR)")
    try:
        amount = Decimal(m[1])
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        raise MoneySyntaxError(f"'{value}' is not an amount; {MONEY_HELP}") from None
    if amount > MAX_AMOUNT:
        raise MoneySyntaxError(
            f"'{value.strip()}' is over the largest amount casplan takes ({MAX_AMOUNT:,})"
        )
    return Money(currency, amount)


# Serbian notation groups thousands with '.' and writes decimals after ','.
_SERBIAN = re.compile(r"^\d{1,3}(?:\.\d{3})*(?:,\d+)?$")


def parse_serbian_number(text: str) -> Decimal | None:
    """'2.677.411,58' -> 2677411.58; None when the text is not well-formed Serbian notation.
    For the source's own text, known to be Serbian ('250.000' is a quarter of a million); what
    a person types goes through `number_from_text`, which asks when the notation is unclear."""
    text = text.strip()
    if not _SERBIAN.fullmatch(text):
        return None
    return Decimal(text.replace(".", "").replace(",", "."))


def group_digits(decimal_text: str) -> str:
    """'40713020.00' -> '40,713,020.00': an exact decimal string with its thousands grouped
    (for English text; the decimals are kept as they are, never rounded)."""
    sign = "-" if decimal_text.startswith("-") else ""
    whole, _, decimals = decimal_text.lstrip("-").partition(".")
    grouped = f"{int(whole):,}"
    return sign + grouped + (f".{decimals}" if decimals else "")


def amount_text(decimal_text: str, currency: str) -> str:
    """An amount and its currency in the one money format of text output: '250,000 EUR'."""
    return f"{group_digits(decimal_text)} {currency}"


# How people type a number: one mark between the whole part and the fraction, '.' or ','
# (1234.50, 1234,50), or the thousands grouped, in Serbian (1.234.567,89) or English
# (1,234,567.89) notation; spaces between the groups are left out first.
_ONE_MARK = re.compile(r"(\d+)(?:([.,])(\d+))?")
_GROUPED = (
    re.compile(r"([1-9]\d{0,2}(?:\.\d{3})+)(?:,(\d+))?"),
    re.compile(r"([1-9]\d{0,2}(?:,\d{3})+)(?:\.(\d+))?"),
)
_GROUP_SPACES = re.compile("[ \u00a0\u202f]")
SPENT_HELP = (
    "write an amount and an ISO currency, in Serbian or plain notation: "
    "'1.200.000,00 RSD', '1200000.00 RSD' or '2500 EUR'"
)


@dataclass(frozen=True)
class AmbiguousNumber:
    """A number with one mark before exactly three digits (1.234, 1,234): a thousand and
    more in one notation, one and a fraction in the other."""

    whole: str
    mark: str
    fraction: str


def number_from_text(text: str) -> Decimal | AmbiguousNumber | None:
    """A number as people type it (see `_ONE_MARK` and `_GROUPED`), with its sign and the
    decimal places written (1234,5 -> 1234.5); None when it is no number. The one grammar for
    what a person types: `progress --spent`, a workbook's or a CSV file's amount."""
    raw = _GROUP_SPACES.sub("", text.strip())
    sign, raw = ("-", raw[1:]) if raw.startswith("-") else ("", raw)
    one_mark = _ONE_MARK.fullmatch(raw)
    readings = [_reading(sign, one_mark[1], one_mark[3])] if one_mark else []
    for grouped in _GROUPED:
        if match := grouped.fullmatch(raw):
            readings.append(_reading(sign, re.sub(r"\D", "", match[1]), match[2]))
    if not readings:
        return None
    if one_mark and any(reading != readings[0] for reading in readings):
        return AmbiguousNumber(sign + one_mark[1], one_mark[2], one_mark[3])
    return readings[0]


def _reading(sign: str, whole: str, fraction: str | None) -> Decimal:
    return Decimal(f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}")


def parse_amount_text(text: str) -> Money:
    """An amount as people type it, then its currency: '1.200.000,00 RSD', '1200000.00 RSD',
    '1,200,000.00 RSD'; refused where two notations read it differently ('1.200 RSD')."""
    number, _, currency = text.strip().rpartition(" ")
    number = number.strip()
    if not number or len(currency) != 3 or not currency.isalpha():
        raise MoneySyntaxError(f"'{text}' is not an amount; {SPENT_HELP}")
    value = number_from_text(number)
    if isinstance(value, AmbiguousNumber):
        decimals = ",00" if value.mark == "." else ".00"
        raise MoneySyntaxError(
            f"'{text}' can be read two ways; write '{number}{decimals} {currency}' or "
            f"'{value.whole}{value.fraction} {currency}'"
        )
    if value is None or value < 0:
        raise MoneySyntaxError(f"'{text}' is not an amount; {SPENT_HELP}")
    if value > MAX_AMOUNT:
        raise MoneySyntaxError(
            f"'{text.strip()}' is over the largest amount casplan takes ({MAX_AMOUNT:,})"
        )
    money = parse_money(f"{value:f} {currency}")  # plain digits: never '1E-7'
    places = max(0, -int(value.as_tuple().exponent))
    allowed = currency_places(money.currency)
    if places > allowed:
        raise MoneySyntaxError(
            f"'{text.strip()}' has {places} decimal place{'s' if places != 1 else ''}; an amount "
            f"in {money.currency} has "
            f"{'none' if allowed == 0 else f'at most {allowed}'}"
        )
    return money


def currency_places(currency: str) -> int:
    """The decimal places of an amount in the currency, as ISO 4217 gives them (CLDR's data:
    RSD and EUR 2, JPY 0, KWD 3)."""
    from babel.numbers import get_currency_precision  # here: only typed amounts need it

    return int(get_currency_precision(currency))
