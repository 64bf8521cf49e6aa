"""Money: exact decimal amounts with an ISO 4217 currency, and the source's number notation.

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
    return Money(currency, amount)


# Serbian notation groups thousands with '.' and writes decimals after ','.
_SERBIAN = re.compile(r"^\d{1,3}(?:\.\d{3})*(?:,\d+)?$")


def parse_serbian_number(text: str) -> Decimal | None:
    """'2.677.411,58' -> 2677411.58; None when the text is not well-formed Serbian notation."""
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


_PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_SERBIAN_GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_SERBIAN_DECIMAL = re.compile(r"\d+,\d+")
SPENT_HELP = (
    "write an amount and an ISO currency, in Serbian or plain notation: "
    "'1.200.000,00 RSD', '1200000.00 RSD' or '2500 EUR'"
)


def parse_amount_text(text: str) -> Money:
    """An amount as people type it: Serbian notation ('1.200.000,00 RSD') or plain
    ('1200000.00 RSD'); refused where the two readings differ ('1.200 RSD')."""
    number, _, currency = text.strip().rpartition(" ")
    number = number.strip()
    if not number or len(currency) != 3 or not currency.isalpha():
        raise MoneySyntaxError(f"'{text}' is not an amount; {SPENT_HELP}")
    grouped = _SERBIAN_GROUPED.fullmatch(number) is not None
    plain = _PLAIN_NUMBER.fullmatch(number) is not None
    if grouped and plain:  # '1.200': a thousand and two hundred, or one point two?
        raise MoneySyntaxError(
            f"'{text}' can be read two ways; write '{number},00 {currency}' or "
            f"'{number.replace('.', '')} {currency}'"
        )
    if grouped or _SERBIAN_DECIMAL.fullmatch(number):
        value = parse_serbian_number(number)
        if value is None:  # pragma: no cover - the patterns are Serbian notation
            raise MoneySyntaxError(f"'{text}' is not an amount; {SPENT_HELP}")
        return parse_money(f"{value} {currency}")
    if plain:
        return parse_money(f"{number} {currency}")
    raise MoneySyntaxError(f"'{text}' is not an amount; {SPENT_HELP}")
