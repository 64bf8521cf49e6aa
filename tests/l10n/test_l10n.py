# ruff: noqa: RUF001  (Cyrillic letters that look like Latin ones are the point of this file)
"""cas_plan.l10n.formats and cas_plan.l10n.phrases: exact dates, numbers, money, plural forms and Cyrillic in
en, sr (Latin) and sr-Cyrl, and a word table complete in every language."""

import datetime as dt
import re
import string
import unicodedata
from decimal import Decimal

import pytest

from cas_plan.l10n import formats as l10n
from cas_plan.l10n.formats import (
    LANGUAGES,
    LanguageError,
    babel_locale_name,
    for_year,
    format_date,
    format_decimal,
    format_int,
    format_money,
    format_percent,
    format_percent_value,
    html_lang,
    jinja_filters,
    no_break,
    overdue_by,
    phrase,
    plural,
    plural_categories,
    plural_category,
    report_title,
    state_as_of,
    year_phrase,
)
from cas_plan.l10n.phrases import (
    PHRASE_KEYS,
    PLURALS,
    REPORT_STATUSES,
    SURFACES,
    WORDS,
    english_count,
    plural_forms,
    surface_words,
    words,
)
from cas_plan.l10n.script import KEEP_LATIN, to_cyrillic

DEC31 = dt.date(2018, 12, 31)
JAN5 = dt.date(2019, 1, 5)
MAY1 = dt.date(2018, 5, 1)


def test_languages_and_html_tags():
    assert LANGUAGES == ("en", "sr", "sr-Cyrl")
    assert tuple(WORDS) == LANGUAGES
    assert [html_lang(lang) for lang in LANGUAGES] == ["en", "sr-Latn", "sr-Cyrl"]
    assert [babel_locale_name(lang) for lang in LANGUAGES] == ["en_GB", "sr_Latn", "sr"]
    with pytest.raises(LanguageError, match="'de' is not one of en, sr, sr-Cyrl"):
        html_lang("de")
    with pytest.raises(LanguageError):
        format_date(DEC31, "sr_Latn")


@pytest.mark.parametrize(
    ("lang", "long", "january", "may"),
    [
        ("en", "31 December 2018", "5 January 2019", "1 May 2018"),
        ("sr", "31. decembar 2018.", "5. januar 2019.", "1. maj 2018."),
        ("sr-Cyrl", "31. децембар 2018.", "5. јануар 2019.", "1. мај 2018."),
    ],
)
def test_long_dates(lang, long, january, may):
    # CLDR's format-wide month names for Serbian are the nominative (decembar, not decembra)
    assert format_date(DEC31, lang) == long
    assert format_date(JAN5, lang) == january
    assert format_date(MAY1, lang) == may


def test_short_dates_for_tables():
    assert [format_date(DEC31, lang, "short") for lang in LANGUAGES] == [
        "31/12/2018",
        "31.12.2018.",
        "31.12.2018.",
    ]
    assert format_date(JAN5, "sr", "short") == "05.01.2019."
    assert " " not in format_date(JAN5, "en", "short")
    with pytest.raises(ValueError, match="date style"):
        format_date(DEC31, "en", "medium")  # type: ignore[arg-type]


def test_no_break_keeps_a_value_on_one_line():
    assert no_break(format_date(DEC31, "sr")) == "31.\u00a0decembar\u00a02018."
    assert no_break(format_money(Decimal("3126027.07"), "RSD", "sr")) == "3.126.027,07\u00a0RSD"


@pytest.mark.parametrize(
    ("amount", "currency", "en", "sr"),
    [
        ("3126027.07", "RSD", "3,126,027.07 RSD", "3.126.027,07 RSD"),
        ("250000", "EUR", "250,000 EUR", "250.000 EUR"),
        ("40713020.00", "RSD", "40,713,020.00 RSD", "40.713.020,00 RSD"),
        ("0.5", "EUR", "0.5 EUR", "0,5 EUR"),
        ("1190784024", "RSD", "1,190,784,024 RSD", "1.190.784.024 RSD"),
        ("999", "EUR", "999 EUR", "999 EUR"),
        ("1000.50", "EUR", "1,000.50 EUR", "1.000,50 EUR"),
        ("-1234.5", "RSD", "-1,234.5 RSD", "-1.234,5 RSD"),
    ],
)
def test_money_keeps_the_decimals_of_the_amount(amount, currency, en, sr):
    assert format_money(Decimal(amount), currency, "en") == en
    assert format_money(Decimal(amount), currency, "sr") == sr
    assert format_money(Decimal(amount), currency, "sr-Cyrl") == sr  # digits and code as in sr


def test_decimals_are_exact_and_rounded_half_up_only_when_asked():
    many = Decimal("123456789012345678.123456789")  # more digits than a float holds
    assert format_decimal(many, "sr") == "123.456.789.012.345.678,123456789"
    long = Decimal("1234567890123456789012345678901234567890.25")  # beyond a default context
    assert format_decimal(long, "en").endswith("678,901,234,567,890.25")
    assert format_decimal(Decimal("2.345"), "sr", places=2) == "2,35"
    assert format_decimal(Decimal("2.5"), "en", places=0) == "3"
    assert format_decimal(Decimal("7"), "en", places=2) == "7.00"
    assert format_int(1234, "sr") == "1.234"
    assert format_int(2018, "en") == "2,018"  # a count; years go in as they are (year_phrase)
    with pytest.raises(TypeError):
        format_decimal(0.5, "en")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        format_decimal(Decimal("NaN"), "en")
    with pytest.raises(ValueError, match="ISO 4217"):
        format_money(Decimal(1), "din.", "sr")


def test_percentages_and_the_missing_one():
    assert [format_percent(1, 8, lang) for lang in LANGUAGES] == ["13%", "13%", "13%"]
    assert format_percent(0, 5, "sr") == "0%"
    assert format_percent(5, 5, "en") == "100%"
    assert format_percent(0, 0, "sr") == "\u2013"  # nothing due: an en dash, never 0%
    assert format_percent_value(None, "en") == "\u2013"
    assert format_percent_value(50, "sr") == "50%"


COUNTS = (0, 1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111)


def test_serbian_plural_categories_come_from_cldr():
    categories = ["other", "one", "few", "few", "other", "other", "other", "other"]
    categories += ["one", "few", "other", "one", "other"]
    for lang in ("sr", "sr-Cyrl"):
        assert [plural_category(n, lang) for n in COUNTS] == categories
    assert [plural_category(n, "en") for n in (0, 1, 2, 21)] == ["other", "one", "other", "other"]
    assert plural_categories("sr") == {"one", "few", "other"}
    assert plural_categories("en") == {"one", "other"}


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (
            "activity",
            "0 aktivnosti|1 aktivnost|2 aktivnosti|4 aktivnosti|5 aktivnosti|11 aktivnosti|"
            "12 aktivnosti|14 aktivnosti|21 aktivnost|22 aktivnosti|25 aktivnosti|"
            "101 aktivnost|111 aktivnosti",
        ),
        (
            "amount",
            "0 iznosa|1 iznos|2 iznosa|4 iznosa|5 iznosa|11 iznosa|12 iznosa|14 iznosa|"
            "21 iznos|22 iznosa|25 iznosa|101 iznos|111 iznosa",
        ),
        (
            "goal",
            "0 ciljeva|1 cilj|2 cilja|4 cilja|5 ciljeva|11 ciljeva|12 ciljeva|14 ciljeva|"
            "21 cilj|22 cilja|25 ciljeva|101 cilj|111 ciljeva",
        ),
        (
            "measure",
            "0 mera|1 mera|2 mere|4 mere|5 mera|11 mera|12 mera|14 mera|21 mera|22 mere|"
            "25 mera|101 mera|111 mera",
        ),
        (
            "day",
            "0 dana|1 dan|2 dana|4 dana|5 dana|11 dana|12 dana|14 dana|21 dan|22 dana|"
            "25 dana|101 dan|111 dana",
        ),
        (
            "month",
            "0 meseci|1 mesec|2 meseca|4 meseca|5 meseci|11 meseci|12 meseci|14 meseci|"
            "21 mesec|22 meseca|25 meseci|101 mesec|111 meseci",
        ),
    ],
)
def test_serbian_plural_forms(key, expected):
    assert "|".join(plural(n, key, "sr") for n in COUNTS) == expected
    assert "|".join(plural(n, key, "sr-Cyrl") for n in COUNTS) == to_cyrillic(expected)


def test_plural_examples_of_the_issue():
    assert plural(16, "amount", "sr") == "16 iznosa"  # not "16 iznosi"
    assert plural(3, "day", "sr") == "3 dana"
    assert plural(2, "activity", "sr-Cyrl") == "2 активности"
    assert plural(22, "goal", "sr-Cyrl") == "22 циља"
    assert plural(1234, "activity", "sr") == "1.234 aktivnosti"
    assert [plural(n, "activity", "en") for n in (0, 1, 2, 21)] == [
        "0 activities",
        "1 activity",
        "2 activities",
        "21 activities",
    ]
    assert plural(16, "amounts_not_by_year", "sr") == (
        "16 iznosa za druge godine ili za ceo period nije uključeno"
    )
    assert plural(3, "amounts_not_by_year", "sr") == (
        "3 iznosa za druge godine ili za ceo period nisu uključena"
    )


def test_overdue_by_days():
    assert [overdue_by(n, "en") for n in (1, 12)] == ["overdue by 1 day", "overdue by 12 days"]
    assert [overdue_by(n, "sr") for n in (1, 3, 11, 21)] == [
        "rok je prekoračen za 1 dan",
        "rok je prekoračen za 3 dana",
        "rok je prekoračen za 11 dana",
        "rok je prekoračen za 21 dan",
    ]
    assert overdue_by(5, "sr-Cyrl") == "рок је прекорачен за 5 дана"


def test_continuous_activities_not_listed_agree_with_the_count():
    assert plural(1, "not_listed_continuous", "sr") == (
        "Nije navedena 1 kontinuirana aktivnost za koju u izveštajnom periodu nije dostavljen "
        "izveštaj."
    )
    assert plural(3, "not_listed_continuous", "sr").startswith(
        "Nisu navedene 3 kontinuirane aktivnosti za koje"
    )
    assert plural(7, "not_listed_continuous", "sr").startswith(
        "Nije navedeno 7 kontinuiranih aktivnosti za koje"
    )
    assert plural(7, "not_listed_continuous", "en") == (
        "Not listed: 7 continuous activities that did not report in the period."
    )


def test_years_in_running_text_and_the_title():
    assert [year_phrase(2018, lang) for lang in LANGUAGES] == [
        "in 2018",
        "u 2018. godini",
        "у 2018. години",
    ]
    assert [for_year(2018, lang) for lang in LANGUAGES] == [
        "for 2018",
        "za 2018. godinu",
        "за 2018. годину",
    ]
    assert [report_title(2018, lang) for lang in LANGUAGES] == [
        "Report on the implementation of the Action Plan for 2018",
        "Izveštaj o sprovođenju Akcionog plana za 2018. godinu",
        "Извештај о спровођењу Акционог плана за 2018. годину",
    ]
    assert [state_as_of(DEC31, lang) for lang in LANGUAGES] == [
        "State as of 31 December 2018",
        "Stanje na dan 31. decembar 2018.",
        "Стање на дан 31. децембар 2018.",
    ]
    assert phrase("generated_from_commit", "sr-Cyrl", commit="5e8dc72") == (
        "Израђено на основу верзије плана 5e8dc72 (git commit)"
    )
    assert phrase("page_of", "sr", page="2", pages="10") == "Strana 2 od 10"


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        ("Izveštaj o sprovođenju Akcionog plana", "Извештај о спровођењу Акционог плана"),
        ("Uprava carina", "Управа царина"),
        ("Ljubljana, LJUBAV, ljudi", "Љубљана, ЉУБАВ, људи"),
        ("Njegoš, NJIVA, konj", "Његош, ЊИВА, коњ"),
        ("Džep, DŽEP, odžak, hodža", "Џеп, ЏЕП, оџак, хоџа"),
        ("Đorđe, ĐAK, ćevap, Čačak, Šabac, Žabalj", "Ђорђе, ЂАК, ћевап, Чачак, Шабац, Жабаљ"),
        ("\u01c5ak \u01c6ep \u01c8ubav \u01cbegoš", "Џак џеп Љубав Његош"),  # one-letter digraphs
        (
            "injekcija, Injekcija, konjunktura, konjunkcija",
            "инјекција, Инјекција, конјунктура, конјункција",
        ),
        ("konjugacija, vanjezički, Tanjug", "конјугација, ванјезички, Танјуг"),
        ("nadživeti, podžanr, nadžnjeti", "надживети, поджанр, наджњети"),
        ("Konjugacija injekcija", "Конјугација инјекција"),
        ("kasni 12 dana (45%)", "касни 12 дана (45%)"),
        ("u {year}. godini, za {count}", "у {year}. години, за {count}"),
        (
            "vidi https://www.carina.rs/lat/ i <https://x.org/nj>",
            "види https://www.carina.rs/lat/ и <https://x.org/nj>",
        ),
        ("iznos u RSD, EUR ili IPA sredstvima", "износ у RSD, EUR или IPA средствима"),
        (
            "verzija `abc` (git commit), casplan, events.yaml",
            "верзија `abc` (git commit), casplan, events.yaml",
        ),
        (
            "kao .xlsx (videti --format json) u Outlook-u, iCalendar",
            "као .xlsx (видети --format json) у Outlook-у, iCalendar",
        ),
    ],
)
def test_to_cyrillic(latin, cyrillic):
    assert to_cyrillic(latin) == cyrillic


def test_to_cyrillic_keeps_only_the_tokens_it_is_given():
    assert to_cyrillic("git i RSD", keep=()) == "гит и РСД"
    assert to_cyrillic("Nova godina i ISO", keep=("ISO",)) == "Нова година и ISO"
    assert to_cyrillic("gitara") == "гитара"  # a kept token only as a whole word


def test_every_key_in_every_language():
    keys = set(WORDS["en"])
    for lang in LANGUAGES:
        assert set(words(lang)) == keys, lang
        assert all(value.strip() == value and value for value in words(lang).values())
    for key in keys:
        prefix, _, _ = key.rpartition(".")
        assert not prefix or prefix.split(".")[0] in SURFACES, key
    for key in (*REPORT_STATUSES, "due", "annual", "plan period", "budgeted", "unprocured"):
        assert key in keys
    assert words("en")["completed_late"] == "Completed late"
    assert [words("en")[k] for k in REPORT_STATUSES] == [
        "Completed",
        "Completed late",
        "In progress",
        "Delayed",
        "Not started",
        "Not reported",
        "Cancelled",
    ]
    assert [words("sr")[k] for k in REPORT_STATUSES] == [
        "Realizovano",
        "Realizovano sa zakašnjenjem",
        "U toku",
        "Kasni",
        "Nije započeto",
        "Bez izveštaja",
        "Otkazano",
    ]
    with pytest.raises(KeyError):
        words("de")


def _fields(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_phrases_have_the_same_placeholders_in_every_language():
    assert {"title_for_year", "in_year", "for_year", "state_as_of", "page_of"} <= PHRASE_KEYS
    assert {"deadline.by_event", "followup.totals", "email.intro", "site.shown"} <= PHRASE_KEYS
    for key, value in WORDS["en"].items():
        for lang in LANGUAGES:
            assert _fields(WORDS[lang][key]) == _fields(value), (lang, key)


def test_every_plural_has_every_category_of_the_language():
    assert {"activity", "problem", "row", "week", "progress_entry", "unit"} <= set(PLURALS)
    for key in PLURALS:
        for lang in LANGUAGES:
            forms = plural_forms(lang)[key]
            assert set(forms) == plural_categories(lang), (lang, key)
            # English may say "a progress entry" for one; the other forms show the count
            assert _fields(forms["other"]) == {"count"}, (lang, key)
            assert all(_fields(text) <= {"count"} for text in forms.values()), (lang, key)


# Latin in the Cyrillic table: the tokens to_cyrillic keeps (casplan, git, events.yaml, RSD,
# .xlsx, ...) and placeholders only
ALLOWED_LATIN = re.compile(
    r"\{[a-z_]+\}|(?<![\w.])(?:"
    + "|".join(re.escape(token) for token in sorted(KEEP_LATIN, key=len, reverse=True))
    + r")(?!\w)"
)


def _latin_letters(text):
    return [c for c in ALLOWED_LATIN.sub("", text) if "LATIN" in unicodedata.name(c, "")]


def test_no_latin_letter_in_cyrillic_words():
    for key, value in WORDS["sr-Cyrl"].items():
        assert _latin_letters(value) == [], (key, value)
    for key in PLURALS:
        for text in plural_forms("sr-Cyrl")[key].values():
            assert _latin_letters(text) == [], (key, text)


def test_no_foreign_letters_in_serbian_latin_words():
    # q, w, x, y have no Cyrillic letter: the Serbian table must not need them
    for value in [
        *WORDS["sr"].values(),
        *(t for f in plural_forms("sr").values() for t in f.values()),
    ]:
        assert not re.search(r"[qwxyQWXY]", ALLOWED_LATIN.sub("", value)), value


# Phrases whose English is the same but whose meaning is not (the Serbian tells them apart)
HOMONYMS = {
    "Overdue": {"overdue_short", "overdue_for"},  # the state / how long (kašnjenje)
    "Part of": {"site.parent", "site.part_of"},  # an activity's parent / a unit's
    "Due": {"due", "terminal.section.due"},  # due in the report's year / in `due`'s window
}


def test_no_phrase_twice():
    """A phrase every surface shows exists once: no two keys say the same in every language,
    and two keys with the same English are the homonyms above."""
    by_text: dict[tuple[str, str], list[str]] = {}
    by_english: dict[str, set[str]] = {}
    for key, english in WORDS["en"].items():
        by_text.setdefault((english, WORDS["sr"][key]), []).append(key)
        by_english.setdefault(english, set()).add(key)
    assert [keys for keys in by_text.values() if len(keys) > 1] == []
    twice = {text: keys for text, keys in by_english.items() if len(keys) > 1}
    assert twice == HOMONYMS


def test_a_surface_sees_the_shared_words_and_its_own():
    site = surface_words("sr", "site")
    assert site["deadline"] == "Rok"  # shared
    assert site["home"] == "Početna"  # the site's own
    assert site["responsible"] == "Odgovorne organizacione jedinice"  # the site's, over "Rok"'s
    assert words("sr")["responsible"] == "Odgovorna organizaciona jedinica"
    workbook = surface_words("sr-Cyrl", "workbook")
    assert (workbook["col.status"], workbook["activities"]) == ("Нови статус", "Активности")
    for surface in SURFACES:
        prefix = surface + "."
        own = [key for key in WORDS["en"] if key.startswith(prefix)]
        assert own, surface
        for key in own:
            shared = key.removeprefix(prefix)
            if shared in WORDS["en"]:  # a surface's own phrase over a shared one says otherwise
                assert WORDS["en"][key] != WORDS["en"][shared], key
    with pytest.raises(KeyError):
        surface_words("en", "docx")


def test_the_old_word_tables_are_gone():
    """Every surface takes its words from the phrasebook: the tables it had are gone, and
    LANGUAGES is defined once."""
    import importlib
    import pathlib

    import cas_plan

    for module in ("cas_plan.publish.site_words", "cas_plan.collect.words"):
        with pytest.raises(ModuleNotFoundError):
            importlib.import_module(module)
    from cas_plan.answers import queries
    from cas_plan.core import deadlines, status

    assert not hasattr(queries, "SECTION_TITLES")
    assert not hasattr(status, "status_label")
    assert not hasattr(deadlines, "describe")
    source = pathlib.Path(cas_plan.__file__).parent
    defined = [
        str(path.relative_to(source))
        for path in source.rglob("*.py")
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.match(r"(LANGUAGES|DEFAULT_WORDS|SERBIAN_WORDS|SITE_WORDS)\b.*=", line)
        or re.match(r"_(EN|SR)(_CYRL)?\b.*[:=]", line)
    ]
    assert defined == ["l10n/languages.py"]


def test_the_unnatural_phrases_are_gone():
    sr = words("sr")
    assert "komita" not in " ".join(sr.values())
    assert sr["generated_from"] + " " + sr["commit"] == (
        "Izrađeno na osnovu verzije plana (git commit)"
    )
    assert sr["not_by_year"].startswith("iznosa ")
    assert phrase("deadlines_in_year", "sr", year="2018") == "Rokovi u 2018. godini"


def test_jinja_filters():
    jinja = pytest.importorskip("jinja2")
    environment = jinja.Environment(undefined=jinja.StrictUndefined)
    environment.filters.update(jinja_filters("sr"))
    template = environment.from_string(
        "{{ d | date }}; {{ '2018-12-31' | date('short') }}; {{ a | money('RSD') }}; "
        "{{ '1000.50' | money }}; {{ 1 | percent(8) }}; {{ 0 | percent(0) }}; {{ none | pct }}; "
        "{{ 5 | plural('activity') }}; {{ 2018 | in_year }}; {{ 2018 | for_year }}; "
        "{{ 1234 | num }}; {{ d | date | nobr }}"
    )
    assert template.render(d=DEC31, a=Decimal("3126027.07"), none=None) == (
        "31. decembar 2018.; 31.12.2018.; 3.126.027,07 RSD; 1.000,50; 13%; \u2013; \u2013; "
        "5 aktivnosti; u 2018. godini; za 2018. godinu; 1.234; 31.\u00a0decembar\u00a02018."
    )
    with pytest.raises(TypeError, match="not float"):
        jinja_filters("en")["money"](0.5)
    with pytest.raises(LanguageError):
        jinja_filters("de")


def test_module_has_no_float_path():
    with open(l10n.__file__, encoding="utf-8") as file:
        source = file.read()
    assert "float(" not in source


def test_a_cyrillic_report_renders_with_todays_templates(invoke):
    from plans import REAL_PLAN

    result = invoke("report", "--plan", str(REAL_PLAN), "--year", "2018", "--lang", "sr-Cyrl")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Извештај о спровођењу Акционог плана за 2018. годину\n")
    assert "## 3. Кашњења и изазови" in result.stdout


def test_month_names_for_the_charts():
    from cas_plan.l10n.formats import month_names

    assert month_names("en")[:3] == ["Jan", "Feb", "Mar"]
    assert month_names("sr")[4:8] == ["maj", "jun", "jul", "avg"]
    assert month_names("sr-Cyrl")[-1] == "дец"
    assert len(month_names("sr", "wide")) == 12 and month_names("sr", "wide")[0] == "januar"


def test_the_tools_english_counts_are_cldrs():
    """`english_count` (no Babel, for the commands that speak English) says what
    `plural(count, key, "en")` says, for every counted noun."""
    for key in PLURALS:
        for count in (*range(0, 103), 1_000, 1_001, 12_345, 1_000_000):
            assert english_count(count, key) == plural(count, key, "en"), (key, count)
