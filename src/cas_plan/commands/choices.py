"""The output formats each command offers, each list once: the command line offers and checks
them (typer's choices), `--help` and the command reference list them, and the command's code
dispatches on them."""

from enum import StrEnum


class ValidateFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    GITHUB = "github"


class ValidateProfile(StrEnum):
    """What `validate --profile` adds to the plan's own checks (core/law.py)."""

    LAW_2018 = "law-2018"


class ListFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    XLSX = "xlsx"


class DueFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MD = "md"
    ICS = "ics"
    XLSX = "xlsx"


class UnitsFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


class WhoFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    MD = "md"
    XLSX = "xlsx"


class ShowFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


class BudgetFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"


class FollowupFormat(StrEnum):
    TABLE = "table"
    MD = "md"
    JSON = "json"
    CSV = "csv"


class ReportFormat(StrEnum):
    MD = "md"
    HTML = "html"
    DOCX = "docx"


class DiffFormat(StrEnum):
    TEXT = "text"
    MD = "md"
    JSON = "json"


class DocumentFormat(StrEnum):
    DOCX = "docx"
    XLSX = "xlsx"
    HTML = "html"
    MD = "md"


class TranslationsFormat(StrEnum):
    TEXT = "text"
    XLSX = "xlsx"
