"""Serbian Latin -> Cyrillic: the one function that makes Cyrillic from Latin words."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Latin words of casplan's own text that stay Latin in Cyrillic (names of tools, programs,
# formats and files, an option, ISO 4217 codes and programme acronyms); the plan's English, ids
# and URLs are never transliterated at all (its Serbian translation is, by `l10n.plan_text`).
KEEP_LATIN: tuple[str, ...] = (
    "casplan",
    "git",
    "commit",
    "events.yaml",
    "YAML",
    "Markdown",
    "HTML",
    "Outlook",
    "iCalendar",
    ".xlsx",
    "--format",
    "json",
    "RSD",
    "EUR",
    "USD",
    "IPA",
)

_LOWER = dict(
    zip(
        "abcčćdđefghijklmnoprsštuvzž",
        "абцчћдђефгхијклмнопрсштувзж",
        strict=True,
    )
)
_TABLE = {**_LOWER, **{k.upper(): v.upper() for k, v in _LOWER.items()}}
_DIGRAPHS = {"lj": "љ", "nj": "њ", "dž": "џ"}
# the one-character digraph letters of Unicode (DŽ Dž dž LJ Lj lj NJ Nj nj)
_LIGATURES = dict(
    zip("\u01c4\u01c5\u01c6\u01c7\u01c8\u01c9\u01ca\u01cb\u01cc", "ЏЏџЉЉљЊЊњ", strict=True)
)
# words in which n+j or d+ž are two letters, not њ or џ (a prefix or a Latin root before j/ž):
# injekcija -> инјекција, konjunkcija -> конјункција, nadživeti -> надживети
_SPLIT_DIGRAPH = (
    "injekc",
    "injekt",
    "konjunk",
    "konjug",
    "konjekt",
    "vanjez",
    "tanjug",
    "nadživ",
    "nadžnj",
    "podžanr",
    "podžup",
)
_WORD = re.compile(r"[^\W\d_]+")
_PROTECTED = (
    r"\{[^{}]*\}"  # placeholders of a phrase: {year}, {count}
    r"|`[^`]*`"  # inline code
    r"|<[^<>]*>"  # markup and <autolinks>
    r"|\b[a-z][a-z0-9+.-]*://\S+"  # URLs
    r"|\bwww\.\S+"
)


def _keep_pattern(keep: Iterable[str]) -> re.Pattern[str]:
    tokens = "|".join(re.escape(token) for token in sorted(keep, key=len, reverse=True))
    words = rf"|(?<![\w.])(?:{tokens})(?![\w])" if tokens else ""
    return re.compile(_PROTECTED + words)


_DEFAULT_KEEP = _keep_pattern(KEEP_LATIN)


def _word_to_cyrillic(word: str) -> str:
    lower = word.lower()
    split: set[int] = set()
    for part in _SPLIT_DIGRAPH:
        start = lower.find(part)
        while start != -1:
            # the first n+j / d+ž of the exception is two letters ("nadžnjeti": d|ž, then њ)
            split.add(start + next(i for i in range(len(part)) if part[i : i + 2] in _DIGRAPHS))
            start = lower.find(part, start + 1)
    out: list[str] = []
    i = 0
    while i < len(word):
        pair = lower[i : i + 2]
        if pair in _DIGRAPHS and i not in split:
            letter = _DIGRAPHS[pair]
            out.append(letter.upper() if word[i].isupper() else letter)
            i += 2
            continue
        char = word[i]
        out.append(_LIGATURES.get(char) or _TABLE.get(char, char))
        i += 1
    return "".join(out)


def to_cyrillic(text: str, keep: Iterable[str] | None = None) -> str:
    """Serbian Latin -> Cyrillic, for casplan's own words and the plan's text translated into
    Serbian (translations/sr.yaml); never for the plan's English, ids or addresses.

    lj, nj, dž are one letter (љ, њ, џ; "Lj", "LJ" -> "Љ"), except in the words of
    _SPLIT_DIGRAPH (injekcija, konjunkcija, konjugacija, vanjezički, Tanjug, nadživeti, podžanr,
    ...). Left as they are: placeholders ({year}), inline code, markup, URLs, the tokens of
    `keep` (KEEP_LATIN by default: casplan, git, RSD, EUR, IPA, ...), digits and punctuation;
    q, w, x, y have no Cyrillic letter and stay (a table test keeps them out of the words).
    """
    text = unicodedata.normalize("NFC", text)
    pattern = _DEFAULT_KEEP if keep is None else _keep_pattern(keep)
    out: list[str] = []
    position = 0
    for match in pattern.finditer(text):
        out.append(
            _WORD.sub(lambda m: _word_to_cyrillic(m.group()), text[position : match.start()])
        )
        out.append(match.group())
        position = match.end()
    out.append(_WORD.sub(lambda m: _word_to_cyrillic(m.group()), text[position:]))
    return "".join(out)
