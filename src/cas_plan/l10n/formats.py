"""Everything in the report that depends on the language: dates, numbers, money, percentages,
plural forms, years in running text, and Serbian Latin -> Cyrillic transliteration.

Languages: ``en`` (English), ``sr`` (Serbian, Latin script; the default Serbian) and ``sr-Cyrl``
(Serbian, Cyrillic script). Dates, numbers and plural categories come from CLDR through Babel,
never from hand-written rules:

- ``en`` uses Babel's ``en_GB`` locale: CLDR's ``en`` writes "December 31, 2018", British
  English (and EU documents) write "31 December 2018"; the numbers of ``en`` and ``en_GB`` are the
  same ("3,126,027.07").
- ``sr`` uses ``sr_Latn``; ``sr-Cyrl`` uses ``sr`` (Cyrillic is CLDR's default script for Serbian).

Every function returns ordinary spaces ("31. decembar 2018.", "3.126.027,07 RSD"): that is what
Markdown, docx and the tests want. A value that must not wrap in HTML goes through `no_break`
(the ``nobr`` filter of `jinja_filters`), which turns its spaces into no-break spaces; the
templates decide where that is needed (dates and amounts in table cells).

The word table itself (labels, noun forms per plural category) lives in `cas_plan.l10n.phrases`; the
Cyrillic table there is derived from the Latin one with `to_cyrillic`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from functools import cache
from typing import Any, Literal

from babel import Locale
from babel.dates import format_date as _babel_format_date
from babel.numbers import NumberPattern
from babel.numbers import format_percent as _babel_format_percent

from cas_plan.l10n.languages import LANGUAGES
from cas_plan.l10n.phrases import plural_forms, words

# the BCP 47 tag of each language, for <html lang="..."> (and docx w:lang)
_HTML_LANG = {"en": "en", "sr": "sr-Latn", "sr-Cyrl": "sr-Cyrl"}
# the CLDR locale Babel formats each language with (see the module's docstring)
_BABEL_LOCALE = {"en": "en_GB", "sr": "sr_Latn", "sr-Cyrl": "sr"}

MISSING = "\N{EN DASH}"  # a percentage of nothing (no activity due), a value not there
NBSP = "\N{NO-BREAK SPACE}"
THIN_SPACE = "\N{THIN SPACE}"

DateStyle = Literal["long", "short"]

_CURRENCY = re.compile(r"[A-Z]{3}")


class LanguageError(ValueError):
    """A language casplan has no words for."""


def check_lang(lang: str) -> str:
    """`lang` itself when it is one of LANGUAGES; LanguageError otherwise."""
    if lang not in _BABEL_LOCALE:
        raise LanguageError(f"'{lang}' is not one of {', '.join(LANGUAGES)}")
    return lang


def html_lang(lang: str) -> str:
    """The BCP 47 tag of the language: "en", "sr-Latn" or "sr-Cyrl"."""
    return _HTML_LANG[check_lang(lang)]


def babel_locale_name(lang: str) -> str:
    """The CLDR locale the language is formatted with: "en_GB", "sr_Latn" or "sr"."""
    return _BABEL_LOCALE[check_lang(lang)]


@cache
def babel_locale(lang: str) -> Locale:
    """The Babel locale of the language."""
    return Locale.parse(babel_locale_name(lang))


# ----------------------------------------------------------------------------------------- dates


@cache
def _pattern(lang: str, skeleton: str) -> Any:
    """CLDR's pattern for a skeleton ("yMMdd", "yMMMM", ...) in the language, found once:
    matching a skeleton costs a millisecond, and a report formats thousands of dates."""
    from babel.dates import match_skeleton

    skeletons = babel_locale(lang).datetime_skeletons
    return skeletons[skeleton if skeleton in skeletons else match_skeleton(skeleton, skeletons)]


def format_date(day: date, lang: str, style: DateStyle = "long") -> str:
    """A date in the language.

    long (running text, headings): "31 December 2018" / "31. decembar 2018." /
    "31. децембар 2018." (CLDR's long date format, the format-wide month names).
    short (table cells): CLDR's "yMMdd" skeleton: "31/12/2018" / "31.12.2018." (the same in
    both scripts); no spaces, so it never wraps.
    """
    locale = babel_locale(lang)
    if style == "long":
        return str(_babel_format_date(day, "long", locale=locale))
    if style == "short":
        return str(_babel_format_date(day, _pattern(lang, "yMMdd"), locale=locale))
    raise ValueError(f"date style {style!r} is not 'long' or 'short'")


# English writes a quarter as CLDR abbreviates it ("Q4 2018"); Serbian spells it out as CLDR's
# wide form does ("četvrti kvartal 2018."), its abbreviation ("4. kv. 2018.") being for tables
_QUARTER_SKELETON = {"en": "yQQQ", "sr": "yQQQQ", "sr-Cyrl": "yQQQQ"}


def format_month(year: int, month: int, lang: str) -> str:
    """A month of a year: "December 2018" / "decembar 2018." / "децембар 2018."."""
    return str(
        _babel_format_date(date(year, month, 1), _pattern(lang, "yMMMM"), babel_locale(lang))
    )


def format_quarter(year: int, quarter: int, lang: str) -> str:
    """A quarter of a year: "Q4 2018" / "četvrti kvartal 2018." / "четврти квартал 2018."."""
    day = date(year, 3 * quarter, 1)
    pattern = _pattern(check_lang(lang), _QUARTER_SKELETON[lang])
    return str(_babel_format_date(day, pattern, babel_locale(lang)))


def format_year(year: int, lang: str) -> str:
    """A year on its own: "2018" / "2018." (CLDR's "y" skeleton; in running text use
    `year_phrase` or `for_year`)."""
    return str(_babel_format_date(date(year, 1, 1), _pattern(lang, "y"), babel_locale(lang)))


def format_day_of_month(month: int, day: int, lang: str) -> str:
    """A day of every year: "31 March" / "31. mart" (29 February included)."""
    leap = date(2000, month, day)
    return str(_babel_format_date(leap, _pattern(lang, "MMMMd"), babel_locale(lang)))


def format_date_range(first: date, last: date, lang: str) -> str:
    """Days from `first` to `last`, as CLDR's interval formats write them with the long date's
    month names: "28 - 30 March 2017", "28 March - 2 April 2017" / "28.-30. mart 2017.",
    "28. mart - 2. april 2017."; one day is that day."""
    if last < first:
        raise ValueError(f"{first} .. {last} ends before it starts")
    if first == last:
        return format_date(first, lang)
    return _interval(first, last, lang, "yMMMd")


def format_month_range(first: date, last: date, lang: str) -> str:
    """The months of `first` to those of `last`: "January - June 2018" / "januar - jun 2018."."""
    if (first.year, first.month) == (last.year, last.month):
        return format_month(first.year, first.month, lang)
    return _interval(first, last, lang, "yMMMM")


def _interval(first: date, last: date, lang: str, skeleton: str) -> str:
    """CLDR's interval pattern of the skeleton for the greatest field that differs, with the
    wide month names and the unpadded days of the long date; thin spaces made ordinary."""
    locale = babel_locale(lang)
    differs = "y" if first.year != last.year else "M" if first.month != last.month else "d"
    left, right = (
        re.sub(r"(?<!d)dd(?!d)", "d", re.sub(r"(?<!M)MMM(?!M)", "MMMM", pattern))
        for pattern in locale.interval_formats[skeleton][differs]
    )
    text = _babel_format_date(first, left, locale) + _babel_format_date(last, right, locale)
    return str(text).replace(THIN_SPACE, " ")


def month_names(lang: str, width: Literal["abbreviated", "wide"] = "abbreviated") -> list[str]:
    """The twelve month names in the language, January first (CLDR's stand-alone forms):
    "Jan" ... "Dec" / "jan" ... "dec" / "јан" ... "дец"."""
    from babel.dates import get_month_names

    names = get_month_names(width, context="stand-alone", locale=babel_locale(lang))
    return [str(names[month]) for month in range(1, 13)]


def sentence(text: str) -> str:
    """The text with one full stop at its end (a Serbian date ends in one already)."""
    return text if text.endswith(".") else text + "."


def no_break(text: str) -> str:
    """The text with no-break spaces for spaces: a date or an amount that must not wrap."""
    return text.replace(" ", NBSP)


# --------------------------------------------------------------------------------------- numbers


def _decimal_pattern(lang: str, places: int) -> NumberPattern:
    """The locale's decimal pattern (its grouping), with exactly `places` decimals."""
    base = babel_locale(lang).decimal_formats[None]
    return NumberPattern(
        base.pattern,
        base.prefix,
        base.suffix,
        base.grouping,
        base.int_prec,
        (places, places),
        base.exp_prec,
        base.exp_plus,
        base.number_pattern,
    )


def format_int(number: int, lang: str) -> str:
    """A whole number with the locale's grouping: "1,234" / "1.234". Not for years (2018 is
    written as it is)."""
    return format_decimal(Decimal(number), lang)


def format_decimal(value: Decimal, lang: str, places: int | None = None) -> str:
    """An exact decimal in the language: "3,126,027.07" / "3.126.027,07".

    Without `places` the Decimal keeps its own decimals (250000 -> "250.000",
    40713020.00 -> "40.713.020,00", 0.5 -> "0,5"); with `places` it is rounded half up to
    that many. Never goes through float.
    """
    if not isinstance(value, Decimal):
        raise TypeError(f"format_decimal takes a Decimal, not {type(value).__name__}")
    if not value.is_finite():
        raise ValueError(f"{value} is not a finite amount")
    if places is None:
        exponent = value.as_tuple().exponent
        assert isinstance(exponent, int)  # finite
        places = max(0, -exponent)
    elif places < 0:
        raise ValueError("places must be 0 or more")
    with localcontext() as context:  # precision enough for any amount: quantize never fails
        context.prec = max(context.prec, len(value.as_tuple().digits) + places + 2)
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        return str(_decimal_pattern(lang, places).apply(value, babel_locale(lang)))


def format_money(amount: Decimal, currency: str, lang: str) -> str:
    """An amount and its ISO 4217 code after it, in every language (tables line up by code):
    "3,126,027.07 RSD" / "3.126.027,07 RSD". The amount keeps its own decimals."""
    if not _CURRENCY.fullmatch(currency):
        raise ValueError(f"{currency!r} is not an ISO 4217 currency code")
    return f"{format_decimal(amount, lang)} {currency}"


def percent_value(part: int, whole: int) -> int | None:
    """A whole percentage, halves rounded up (1 of 8 is 13%); None when nothing is due."""
    if whole <= 0:
        return None
    return (200 * part + whole) // (2 * whole)


def format_percent(part: int, whole: int, lang: str) -> str:
    """part of whole as a whole percentage in the locale's format ("13%"); MISSING (an en
    dash, U+2013) when whole is 0, never "0%"."""
    value = percent_value(part, whole)
    return format_percent_value(value, lang)


def format_percent_value(value: int | None, lang: str) -> str:
    """A whole percentage already computed ("13%"); None -> MISSING (an en dash)."""
    if value is None:
        return MISSING
    return str(_babel_format_percent(Decimal(value) / 100, locale=babel_locale(lang)))


# ----------------------------------------------------------------------------------- plural forms


def plural_category(count: int, lang: str) -> str:
    """CLDR's plural category of the count: "one"/"other" in English; "one"/"few"/"other" in
    Serbian (1, 21, 101 -> one; 2-4, 22-24 -> few, not 12-14; the rest -> other)."""
    return str(babel_locale(lang).plural_form(count))


def plural_categories(lang: str) -> frozenset[str]:
    """The plural categories the language has for whole numbers."""
    # Babel lists the categories of the rules; "other" (no rule) is always there
    return frozenset(babel_locale(lang).plural_form.tags) | {"other"}


def plural(count: int, key: str, lang: str) -> str:
    """The count with its noun (or phrase) in the right form: "1 aktivnost", "2 aktivnosti",
    "5 aktivnosti", "22 cilja", "12 ciljeva"; the forms are `cas_plan.l10n.phrases.PLURALS[key]`."""
    forms = plural_forms(lang)[key]
    category = plural_category(count, lang)
    return forms.get(category, forms["other"]).format(count=format_int(count, lang))


# ---------------------------------------------------------------------------------------- phrases


def phrase(key: str, lang: str, **values: str) -> str:
    """A phrase of the phrasebook with its placeholders filled: phrase("title_for_year", "sr",
    year="2018") -> "Izveštaj o sprovođenju Akcionog plana za 2018. godinu". The values are put
    in as they are (never transliterated): format dates and numbers first."""
    return words(lang)[key].format_map(values)


def status_label(status: str, lang: str) -> str:
    """How a status reads ("In progress" / "U toku"): the phrasebook's label of its code
    (`core.status`); "completed_late" is the report's too."""
    return words(lang)[status]


def unit_kind_label(kind: str, lang: str) -> str:
    """A kind of organizational unit in words: "department" / "odeljenje"."""
    return words(lang)[f"unit_kind.{kind}"]


def year_phrase(year: int, lang: str) -> str:
    """A year in running text: "in 2018" / "u 2018. godini" (Cyrillic: the same words
    transliterated)."""
    return phrase("in_year", lang, year=str(year))


def for_year(year: int, lang: str) -> str:
    """The year after "for": "for 2018" / "za 2018. godinu"."""
    return phrase("for_year", lang, year=str(year))


def report_title(year: int, lang: str) -> str:
    """The title of the report: "Report on the implementation of the Action Plan for 2018" /
    "Izveštaj o sprovođenju Akcionog plana za 2018. godinu"."""
    return phrase("title_for_year", lang, year=str(year))


def state_as_of(day: date, lang: str) -> str:
    """The date of the state: "State as of 31 December 2018" / "Stanje na dan 31. decembar
    2018."."""
    return phrase("state_as_of", lang, date=format_date(day, lang))


def overdue_by(days: int, lang: str) -> str:
    """How late an activity is: "overdue by 12 days" / "rok je prekoračen za 12 dana"."""
    return plural(days, "overdue_by_days", lang)


# ---------------------------------------------------------------------------------- for templates


def jinja_filters(lang: str) -> dict[str, Callable[..., str]]:
    """Filters bound to one language, to register on the report's Jinja2 environment:
    ``{{ d | date }}``, ``{{ d | date("short") }}``, ``{{ n | num }}``, ``{{ x | decimal }}``,
    ``{{ amount | money }}`` or ``{{ amount | money("RSD") }}``, ``{{ part | percent(whole) }}``,
    ``{{ value | pct }}`` (a percentage already computed; None -> an en dash),
    ``{{ n | plural("activity") }}``, ``{{ year | in_year }}``, ``{{ year | for_year }}``,
    ``{{ text | nobr }}``. ``pct`` and ``money`` take what report.py's filters of those names
    take now (an int; an amount as a string), so they can replace them.
    A date may be a datetime.date or an ISO string ("2018-12-31"); an amount a Decimal or its
    string ("3126027.07"), never a float."""
    check_lang(lang)

    def as_date(value: date | str) -> date:
        return value if isinstance(value, date) else date.fromisoformat(value)

    def as_decimal(value: object) -> Decimal:
        if isinstance(value, Decimal):
            return value
        if isinstance(value, str | int) and not isinstance(value, bool):
            return Decimal(value)
        raise TypeError(f"an amount is a Decimal or a string, not {type(value).__name__}")

    def money(value: object, currency: str | None = None) -> str:
        amount = as_decimal(value)
        return format_money(amount, currency, lang) if currency else format_decimal(amount, lang)

    return {
        "date": lambda value, style="long": format_date(as_date(value), lang, style),
        "num": lambda value: format_int(int(value), lang),
        "decimal": lambda value, places=None: format_decimal(as_decimal(value), lang, places),
        "money": money,
        "percent": lambda part, whole: format_percent(int(part), int(whole), lang),
        "pct": lambda value: format_percent_value(None if value is None else int(value), lang),
        "plural": lambda count, key: plural(int(count), key, lang),
        "in_year": lambda year: year_phrase(int(year), lang),
        "for_year": lambda year: for_year(int(year), lang),
        "nobr": no_break,
    }
