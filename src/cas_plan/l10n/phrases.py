"""The phrasebook: every word casplan shows a person, once per language, for every surface (the
report, the site, the collection workbook, the e-mail drafts, the follow-up list, the terminal's
tables, a deadline in words). English (`phrases_en`) and Serbian in Latin script (`phrases_sr`)
are written; Serbian in Cyrillic (``sr-Cyrl``) is made from the Latin by
`cas_plan.l10n.script.to_cyrillic`, the one function that makes Cyrillic.

The plan's own texts (titles, indicators, unit names, event names, ids, URLs) are not here: they
are shown as written, or in Serbian where the plan's translations/sr.yaml translates them
(`l10n.plan_text`); English is never transliterated.

Keys name what a phrase means. A phrase every surface may show (a status label, "Deadline",
"Responsible") has a plain key and exists once; a surface's own phrases carry its prefix
(``site.``, ``document.``, ``workbook.``, ``email.``, ``followup.``, ``terminal.``, ``deadline.``,
``unit_kind.``). `surface_words` gives a surface its view: the plain keys with its own phrases,
prefix taken off, over them (the site's ``site.responsible``, "Responsible units", is its
``responsible``).

Three kinds of entries:
- labels: shown as they are, e.g. ``{{ w.deadline }}``;
- phrases (keys in PHRASE_KEYS): labels with placeholders ({year}, {date}, ...), filled by
  `cas_plan.l10n.formats.phrase` with values already formatted for the language;
- counted nouns and phrases (PLURALS[key][lang][category], with {count}): one form per CLDR
  plural category, chosen by `cas_plan.l10n.formats.plural` ("1 aktivnost", "2 aktivnosti").
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping

from cas_plan.l10n import phrases_en, phrases_sr
from cas_plan.l10n.languages import LANGUAGES
from cas_plan.l10n.script import to_cyrillic

SURFACES = (
    "site",
    "document",
    "workbook",
    "email",
    "followup",
    "terminal",
    "deadline",
    "unit_kind",
)
"""The prefixes of the surfaces' own phrases."""

# how an activity due in the year stands in the report, in the order of its columns
REPORT_STATUSES = (
    "completed",
    "completed_late",
    "in_progress",
    "delayed",
    "not_started",
    "not_reported",
    "cancelled",
)


class ByLanguage(Mapping[str, dict[str, str]]):
    """One table (labels, or a counted noun's forms) per language: English and Serbian Latin as
    written, Serbian Cyrillic transliterated from the Latin when first asked for, so a command
    that speaks English (every `validate`) does not transliterate the whole phrasebook (a
    third of a warm run's time)."""

    def __init__(self, en: dict[str, str], sr: dict[str, str]) -> None:
        self._tables: dict[str, dict[str, str]] = {"en": en, "sr": sr}

    def __getitem__(self, lang: str) -> dict[str, str]:
        if lang == "sr-Cyrl" and lang not in self._tables:
            self._tables[lang] = {
                key: to_cyrillic(text) for key, text in self._tables["sr"].items()
            }
        return self._tables[lang]

    def __iter__(self) -> Iterator[str]:
        return iter(LANGUAGES)

    def __len__(self) -> int:
        return len(LANGUAGES)


WORDS = ByLanguage(phrases_en.WORDS, phrases_sr.WORDS)
assert tuple(WORDS) == LANGUAGES

# labels with placeholders, to fill with l10n.formats.phrase; the same names in every language
PHRASE_KEYS: frozenset[str] = frozenset(
    key
    for key, value in phrases_en.WORDS.items()
    if any(name for _, name, _, _ in string.Formatter().parse(value))
)

PLURALS: dict[str, ByLanguage] = {
    key: ByLanguage(phrases_en.PLURALS[key], forms) for key, forms in phrases_sr.PLURALS.items()
}


def words(lang: str) -> dict[str, str]:
    """Every label and phrase of the language, by its full key (KeyError for a language not in
    LANGUAGES). The report's templates see this table as ``w``."""
    return WORDS[lang]


def surface_words(lang: str, surface: str) -> dict[str, str]:
    """What one surface says in the language: the shared phrases, with the surface's own
    (``site.responsible`` as ``responsible``) over them."""
    if surface not in SURFACES:
        raise KeyError(surface)
    table = WORDS[lang]
    prefix = surface + "."
    shared = {key: text for key, text in table.items() if "." not in key}
    own = {key.removeprefix(prefix): text for key, text in table.items() if key.startswith(prefix)}
    return shared | own


def plural_forms(lang: str) -> dict[str, dict[str, str]]:
    """Counted noun or phrase -> plural category -> text with {count}, in the language."""
    if lang not in WORDS:
        raise KeyError(lang)
    return {key: forms[lang] for key, forms in PLURALS.items()}


def english_count(count: int, key: str) -> str:
    """The count with its noun in English ("1 problem", "2,000 activities") for the commands that
    speak English only, without Babel: loading CLDR's locale data was 14 ms of a warm `validate`.
    English whole numbers take CLDR's "one" for 1 and "other" for the rest, grouped by commas;
    `tests/l10n/test_l10n.py` holds it to `l10n.formats.plural(count, key, "en")`."""
    forms = PLURALS[key]["en"]
    return forms["one" if count == 1 else "other"].format(count=f"{count:,}")
