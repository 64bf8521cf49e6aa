"""The languages casplan writes in, apart from the phrasebook so that the command line can offer
them without loading it."""

from enum import StrEnum


class Language(StrEnum):
    """English; Serbian in Latin script (the default Serbian); Serbian in Cyrillic script."""

    EN = "en"
    SR = "sr"
    SR_CYRL = "sr-Cyrl"


LANGUAGES: tuple[str, ...] = tuple(language.value for language in Language)
