"""The plan's vocabulary as pydantic models: one model per YAML file kind and per table cell.

Every model is frozen and forbids unknown keys, so a typo'd key is an error, not a silent loss.
Values that came from a cell of the source table keep the cell text in `as_written` beside
their structured form, so a reviewer can check each interpretation.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    SerializerFunctionWrapHandler,
    WithJsonSchema,
    model_serializer,
    model_validator,
)

from cas_plan.core.deadlines import (
    DAY_PATTERN,
    OTHER_SPELLINGS_PATTERN,
    SPELLINGS_HELP,
    DeadlineSpec,
    parse_deadline,
)
from cas_plan.core.indicators import (
    Direction,
    IndicatorUnit,
    IndicatorValueError,
    read_value,
    unit_word,
)
from cas_plan.core.money import MONEY_HELP, Money, parse_money
from cas_plan.core.status import STATUSES as _STATUSES


class Strict(BaseModel):
    # defer_build: a model's validator is built when it first validates, not at import; a plan
    # read back from the parse cache is never validated again, so a warm run never builds one
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=False, defer_build=True
    )

    def model_post_init(self, context: object, /) -> None:
        """Models whose data states the same keys share one set of them: a large plan has a
        few dozen such sets among hundreds of thousands of models (pydantic only ever replaces
        the set of a frozen model, on a copy)."""
        object.__setattr__(
            self, "__pydantic_fields_set__", _shared_keys(frozenset(self.__pydantic_fields_set__))
        )


@functools.cache
def _shared_keys(keys: frozenset[str]) -> set[str]:
    return set(keys)


def _id_text(value: object) -> object:
    """Ids are text, but `id: 1` in YAML is a number: accept it as '1'."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _pattern(regex: str, what: str, example: str) -> AfterValidator:
    compiled = re.compile(regex, re.ASCII)  # `\d` is 0-9, not every script's digits

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(f"'{value}' is not a valid {what} (expected something like {example})")
        return value

    return AfterValidator(check)


_GOAL_ID = r"^[1-9]\d*$"
_MEASURE_ID = r"^[1-9]\d*\.[1-9]\d*$"
_ACTIVITY_ID = r"^[1-9]\d*\.[1-9]\d*(\.[1-9]\d*)+$"
_FUNDS_REF = r"^[1-9]\d*\.[1-9]\d*(\.[1-9]\d*)*$"

# Ids are text matching a pattern; a YAML number is read as its text (`id: 1` is '1').
GoalId = Annotated[
    str,
    BeforeValidator(_id_text),
    _pattern(_GOAL_ID, "goal id", "'3'"),
    WithJsonSchema(
        {"anyOf": [{"type": "string", "pattern": _GOAL_ID}, {"type": "integer", "minimum": 1}]}
    ),
]
MeasureId = Annotated[
    str,
    BeforeValidator(_id_text),
    _pattern(_MEASURE_ID, "measure id", "'3.5'"),
    WithJsonSchema({"type": "string", "pattern": _MEASURE_ID}),
]
ActivityId = Annotated[
    str,
    BeforeValidator(_id_text),
    _pattern(_ACTIVITY_ID, "activity id", "'3.5.1' or '3.5.1.1'"),
    WithJsonSchema({"type": "string", "pattern": _ACTIVITY_ID}),
]
# A reference to indicative funds stated under an activity or a whole measure.
FundsRef = Annotated[
    str,
    BeforeValidator(_id_text),
    _pattern(_FUNDS_REF, "measure or activity id", "'2.1.3' or '8.2'"),
    WithJsonSchema({"type": "string", "pattern": _FUNDS_REF}),
]
Slug = Annotated[
    str,
    _pattern(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$", "id", "'tariff-affairs-division'"),
    WithJsonSchema({"type": "string", "pattern": r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"}),
]
Text = Annotated[str, Field(min_length=1)]

Deadline_ = Annotated[
    DeadlineSpec,
    PlainValidator(parse_deadline),
    PlainSerializer(lambda spec: spec.spell(), return_type=str),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date", "pattern": DAY_PATTERN},
                {"type": "string", "pattern": OTHER_SPELLINGS_PATTERN},
                {"type": "integer", "minimum": 0, "maximum": 9999},  # a year, as YAML reads 2018
            ],
            "description": SPELLINGS_HELP,
        }
    ),
]
MoneyField = Annotated[
    Money,
    PlainValidator(parse_money),
    PlainSerializer(lambda money: money.spell(), return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\s*\d+(\.\d+)?\s+[A-Za-z]{3}\s*$",
            "description": MONEY_HELP,
        }
    ),
]


_URL_CHAR = r"[^\s<>\"`{}|\\^\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]"
_URL = re.compile(rf"https?://(?:(?![/?#]){_URL_CHAR})+(?:[/?#]{_URL_CHAR}*)?")


def is_web_address(value: str) -> bool:
    """An http(s) address with a host, whole: no whitespace (a trailing line break neither),
    no control, bidi or invisible character and none of the characters RFC 3986 leaves out, so
    it can be linked in Markdown and HTML as it is and reads as it goes."""
    return _URL.fullmatch(value) is not None


def _check_url(value: str) -> str:
    if not is_web_address(value):
        raise ValueError(f"'{value}' is not a web address (expected https://...)")
    return value


Url = Annotated[str, AfterValidator(_check_url)]


# A GitHub user (@octocat: letters, digits and single hyphens, at most 39), a team of an
# organization (@org/team-name) or an e-mail address: what CODEOWNERS accepts as an owner.
# Anything else could carry a space or a line break into CODEOWNERS and add a rule of its own.
_REVIEW_HANDLE = (
    r"@[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}(?:/[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,99}))?"
    r"|[A-Za-z0-9.!#$%&'*+=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"
)
_REVIEW = re.compile(_REVIEW_HANDLE, re.ASCII)


def _check_review(value: str) -> str:
    if not _REVIEW.fullmatch(value):
        raise ValueError(
            f"'{value}' is not a GitHub handle (@user or @org/team) nor an e-mail address"
        )
    return value


ReviewHandle = Annotated[
    str,
    AfterValidator(_check_review),
    WithJsonSchema({"type": "string", "pattern": f"^(?:{_REVIEW_HANDLE})$"}),
]


# --- cells -----------------------------------------------------------------------------------


class Deadline(Strict):
    """The Due Date cell: its text, and the deadline form it means."""

    as_written: str | None = None
    when: Deadline_
    uncertain: Text | None = Field(
        default=None, description="Why this interpretation is not certain (a warning in validate)."
    )

    @model_validator(mode="before")
    @classmethod
    def _bare(cls, value: object) -> object:
        """`due: 2018-Q4` is short for `due: {when: 2018-Q4}`."""
        return value if isinstance(value, dict) else {"when": value}


def _value_text(value: object) -> object:
    """`value: 45` in YAML is a number: keep it as its text ('45'), read later for its unit."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


IndicatorValue = Annotated[
    str,
    BeforeValidator(_value_text),
    Field(min_length=1),
    WithJsonSchema({"anyOf": [{"type": "string", "minLength": 1}, {"type": "integer"}]}),
]
Year_ = Annotated[int, Field(ge=1900, le=2200)]


class Baseline(Strict):
    """Where an indicator stood before the plan: a value and the year it was measured in."""

    value: IndicatorValue
    year: Year_


class Target(Strict):
    """A value to reach by the end of a year, or (no year) by the end of the plan period."""

    value: IndicatorValue
    year: Year_ | None = Field(
        default=None, description="The year the target is for; none: the end of the plan period."
    )


class Indicator(Strict):
    """One indicator of an Indicators cell: its text as the source states it and, for plans
    that have them, its unit, baseline, targets, source of verification and direction. A plain
    string is short for an indicator with only its text (and is written back as one)."""

    text: Text
    unit: IndicatorUnit | None = Field(
        default=None, description="number, percent, count, yes_no or text."
    )
    baseline: Baseline | None = None
    targets: list[Target] = Field(default_factory=list)
    source: Text | None = Field(default=None, description="The source of verification.")
    direction: Direction | None = Field(
        default=None, description="Whether a higher (up, the default) or lower value is better."
    )

    @model_validator(mode="before")
    @classmethod
    def _bare(cls, value: object) -> object:
        """`- Training held` is short for `- text: Training held`."""
        return {"text": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _measurable(self) -> Indicator:
        measured = self.baseline is not None or self.targets or self.direction is not None
        if measured and self.unit in (None, "text"):
            raise ValueError(
                f"indicator '{self.text}': a baseline, target or direction needs a unit "
                "(number, percent, count or yes_no)"
            )
        if self.direction is not None and self.unit == "yes_no":
            raise ValueError(f"indicator '{self.text}': a yes/no indicator has no direction")
        years = [target.year for target in self.targets]
        repeated = sorted({str(y or "the end") for y in years if years.count(y) > 1})
        if repeated:
            raise ValueError(f"indicator '{self.text}': two targets for {', '.join(repeated)}")
        stated: list[tuple[str, Baseline | Target]] = (
            [("baseline", self.baseline)] if self.baseline else []
        )
        stated += [("target", target) for target in self.targets]
        for what, point in stated:
            try:
                read_value(self.unit or "text", point.value)
            except IndicatorValueError as problem:
                raise ValueError(
                    f"indicator '{self.text}': {what} of a {unit_word(self.unit or 'text')} "
                    f"indicator: {problem}"
                ) from None
        return self

    @model_serializer(mode="wrap")
    def _plain(self, handler: SerializerFunctionWrapHandler) -> object:
        """An indicator with only its text is written as the text, as the source has it."""
        if self.model_fields_set <= {"text"}:
            return self.text
        return handler(self)

    @property
    def measured(self) -> bool:
        """True when the indicator has a unit that values can be read in (not text)."""
        return self.unit is not None and self.unit != "text"


class Indicators(Strict):
    """The Indicators cell: its text and the list of indicators in it."""

    as_written: str | None = None
    items: list[Indicator] = Field(default_factory=list)
    uncertain: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _bare_list(cls, value: object) -> object:
        return {"items": value} if isinstance(value, list) else value

    @property
    def texts(self) -> list[str]:
        return [item.text for item in self.items]


class UnitRole(Strict):
    """One responsible unit, and the person in it that the cell names."""

    unit: Slug
    role: Text | None = None
    scope: Text | None = Field(
        default=None, description="A limit the cell puts on the unit's part."
    )

    @model_validator(mode="before")
    @classmethod
    def _bare(cls, value: object) -> object:
        """`- hr-division` is short for `- unit: hr-division`."""
        return value if isinstance(value, dict) else {"unit": value}


class Responsibility(Strict):
    """The responsible org. unit/person cell."""

    as_written: str | None = None
    units: list[UnitRole] = Field(default_factory=list)
    listed_under_sub_activities: bool = False
    uncertain: Text | None = None

    @model_validator(mode="after")
    def _someone(self) -> Responsibility:
        if not self.units and not self.listed_under_sub_activities:
            raise ValueError(
                "a responsibility names at least one unit "
                "(or sets listed_under_sub_activities: true)"
            )
        return self

    @model_validator(mode="before")
    @classmethod
    def _bare_list(cls, value: object) -> object:
        return {"units": value} if isinstance(value, list) else value


def _code_text(value: object) -> object:
    """A budget code is text: `programme: 0608` in YAML is the number 608, its zero lost."""
    if isinstance(value, int) and not isinstance(value, bool):
        raise ValueError(f'write the code {value} in quotes ("{value:04d}"), so it stays text')
    return value


# The shapes of the budget classification of the Republic of Serbia: the programme and the
# programme activity or project are 4 digits each (programme structure of the budget, Law on the
# Budget System, art. 2 and 29, and the Ministry of Finance's instructions for the programme
# budget); the economic classification is the 6-digit account of the Rulebook on the standard
# classification framework and chart of accounts for the budget system.
_FOUR_DIGITS, _SIX_DIGITS = r"^[0-9]{4}$", r"^[0-9]{6}$"
ProgrammeCode = Annotated[
    str,
    BeforeValidator(_code_text),
    _pattern(_FOUR_DIGITS, "programme code", "'0608' (4 digits)"),
    WithJsonSchema({"type": "string", "pattern": _FOUR_DIGITS}),
]
ProgrammeActivityCode = Annotated[
    str,
    BeforeValidator(_code_text),
    _pattern(_FOUR_DIGITS, "programme activity or project code", "'0009' (4 digits)"),
    WithJsonSchema({"type": "string", "pattern": _FOUR_DIGITS}),
]
EconomicCode = Annotated[
    str,
    BeforeValidator(_code_text),
    _pattern(_SIX_DIGITS, "economic classification", "'423599' (6 digits)"),
    WithJsonSchema({"type": "string", "pattern": _SIX_DIGITS}),
]


class BudgetCodes(Strict):
    """Where an amount stands in the budget: programme, programme activity or project, and
    economic classification (all optional; a plan adopted under the Law links its funds to the
    programme budget)."""

    programme: ProgrammeCode | None = None
    programme_activity: ProgrammeActivityCode | None = Field(
        default=None, description="The programme activity or project."
    )
    economic: EconomicCode | None = None


class Amount(Strict):
    """One amount of indicative funds, as exact money with a currency."""

    amount: MoneyField
    year: int | None = Field(default=None, ge=1900, le=2200)
    annual: bool = False
    procurement: Literal["budgeted", "unprocured"] | None = None
    source: Text | None = None
    of_which: bool = Field(
        default=False, description="Part of the amount before it (not added to totals again)."
    )
    counted_under: FundsRef | None = Field(
        default=None, description="Included in the funds of this measure or activity."
    )
    classification: BudgetCodes | None = Field(
        default=None, description="Budget classification: programme, activity, economic."
    )
    as_written: str | None = None
    uncertain: Text | None = None

    @model_validator(mode="after")
    def _annual_or_year(self) -> Amount:
        if self.annual and self.year is not None:
            raise ValueError("an amount is either for one year or annual, not both")
        return self


class Funding(Strict):
    """The Indicative funds cell. Compound cells set several of these facets at once."""

    as_written: str | None = None
    no_extra_cost: bool = Field(
        default=False, description="Conducted as part of regular activities."
    )
    amounts: list[Amount] = Field(default_factory=list)
    see: list[FundsRef] = Field(
        default_factory=list, description="Funds stated under these activities or measures."
    )
    sources: list[Text] = Field(
        default_factory=list, description="Financing sources named without an amount."
    )
    external: Text | None = Field(
        default=None, description="Funds established in another document."
    )
    undetermined: bool = Field(
        default=False, description="Cannot be established at this time, TBD."
    )
    uncertain: Text | None = None

    @model_validator(mode="after")
    def _says_something(self) -> Funding:
        stated = (
            self.no_extra_cost
            or self.amounts
            or self.see
            or self.sources
            or self.external
            or self.undetermined
        )
        if not stated and self.as_written:
            raise ValueError(
                "funds with text must say what it means: set no_extra_cost, amounts, see, "
                "sources, external or undetermined"
            )
        return self


Profile = Literal["law-2018"]
"""Profiles of `validate`: law-2018 reports what the Law on the Planning System (Official
Gazette 30/2018) requires of an action plan adopted under it."""

_CARRIED_FROM = r"^[A-Za-z0-9][A-Za-z0-9._-]*/[1-9][0-9]*(\.[1-9][0-9]*)+$"
CarriedFrom = Annotated[
    str,
    _pattern(_CARRIED_FROM, "carried_from", "'2017-2020/2.6.1' (the plan's name/the id)"),
    WithJsonSchema({"type": "string", "pattern": _CARRIED_FROM}),
]

Status = Literal["not_started", "in_progress", "completed", "delayed", "cancelled"]
STATUSES = _STATUSES  # the same words as Status, for code that must not import the models


_DOCUMENT = re.compile(r"doc: ?[^\s\x00-\x1f\x7f][^\x00-\x1f\x7f]*")
_SHARE_PATH = re.compile(r"\\\\[^\\/\s\x00-\x1f]+\\[^\\/\x00-\x1f]+(\\[^\\\x00-\x1f]+)*\\?")
EVIDENCE_HELP = (
    "write a web address (https://...), a document reference (doc: br. 148-01-123/2018) or a "
    "path on a file share (\\\\server\\share\\folder\\file.pdf)"
)


def evidence_kind(value: str) -> Literal["url", "document", "path"]:
    """What a piece of evidence is, from its form (it was validated when read)."""
    if value.startswith("doc:"):
        return "document"
    if value.startswith("\\\\"):
        return "path"
    return "url"


_WEB_ADDRESS = re.compile(r"https?://", re.IGNORECASE)


def evidence_link(value: str) -> str | None:
    """The address a piece of evidence links to: only an http or https address becomes a
    link; a document reference, a share path or anything else is shown as text."""
    return value if _WEB_ADDRESS.match(value) else None


def _check_evidence(value: str) -> str:
    """A web address, `doc:` and a registry number, or a share path (\\\\server\\share\\...)."""
    if value.startswith("doc:"):
        if not _DOCUMENT.fullmatch(value):
            raise ValueError(f"'{value}' is not a document reference (doc: and its number)")
        return value
    if value.startswith("\\\\"):
        if not _SHARE_PATH.fullmatch(value):
            raise ValueError(f"'{value}' is not a file-share path (\\\\server\\share\\...)")
        return value
    if not is_web_address(value):
        raise ValueError(f"'{value}' is not evidence; {EVIDENCE_HELP}")
    return value


Evidence = Annotated[str, AfterValidator(_check_evidence)]

_REPORTER = re.compile(r"([a-z][a-z0-9]*(?:-[a-z0-9]+)*)(?::([^\x00-\x1f\x7f:][^\x00-\x1f\x7f]*))?")


def reporter_unit(value: str) -> str:
    """The unit id of a `reported_by` (`UNIT` or `UNIT:person name`)."""
    return value.split(":", 1)[0]


def _check_reporter(value: str) -> str:
    if not _REPORTER.fullmatch(value):
        raise ValueError(
            f"'{value}' is not a reporter: write a unit id of organization.yaml, optionally "
            "followed by ':' and a name (audit-department:Jelena Petrović)"
        )
    return value


Reporter = Annotated[str, AfterValidator(_check_reporter)]

_CORRECTS = re.compile(r"(\d{4}-\d{2}-\d{2})(?:#([1-9][0-9]*))?")


def _corrects_text(value: object) -> object:
    """`corrects: 2018-06-30` reads as a YAML date: keep it as its text."""
    return value.isoformat() if isinstance(value, dt.date) else value


def _check_corrects(value: str) -> str:
    match = _CORRECTS.fullmatch(value)
    if match is None:
        raise ValueError(
            f"'{value}' is not an entry to correct: write its date (2018-06-30), or DATE#N for "
            "the N-th entry of that date (2018-06-30#2)"
        )
    try:
        dt.date.fromisoformat(match[1])
    except ValueError:
        raise ValueError(f"'{value}': {match[1]} is not a calendar date") from None
    return value


def correction_target(value: str) -> tuple[dt.date, int | None]:
    """`2018-06-30#2` -> (2018-06-30, 2); without `#N`, N is None (the last entry that day)."""
    day, _, number = value.partition("#")
    return dt.date.fromisoformat(day), int(number) if number else None


CorrectionRef = Annotated[str, BeforeValidator(_corrects_text), AfterValidator(_check_corrects)]


class Spending(Strict):
    """An amount spent on an activity, in one currency, in one year."""

    amount: MoneyField
    year: int = Field(ge=1900, le=2200)
    source: Text | None = Field(default=None, description="The financing source, e.g. IPA 2013.")


class ProgressEntry(Strict):
    """What a unit reported about an activity on a date."""

    date: dt.date
    status: Status
    note: Text | None = None
    values: dict[Text, Text] = Field(
        default_factory=dict, description="Reported values, keyed by the indicator's text."
    )
    evidence: list[Evidence] = Field(default_factory=list, description=EVIDENCE_HELP)
    spent: list[Spending] = Field(default_factory=list)
    reported_by: Reporter | None = Field(
        default=None, description="The reporting unit's id, optionally ':' and a person's name."
    )
    corrects: CorrectionRef | None = Field(
        default=None,
        description="The earlier entry this one supersedes: its date, or DATE#N for the N-th "
        "entry of that date.",
    )


class MeasureEntry(Strict):
    """Values measured of a measure's own indicators on a date (a measure has no status: its
    activities have)."""

    date: dt.date
    values: dict[Text, Text] = Field(
        min_length=1, description="Measured values, keyed by the measure indicator's text."
    )
    note: Text | None = None
    evidence: list[Evidence] = Field(default_factory=list, description=EVIDENCE_HELP)
    reported_by: Reporter | None = None


CONTINUED = "continued"
Continued = Literal["continued"]


class Amendment(Strict):
    """A decision that changed the plan (a Government conclusion, say)."""

    id: Slug
    date: dt.date = Field(description="The day the decision was adopted.")
    decision: Text = Field(description="The decision's reference, e.g. 05 br. 021-1234/2018.")
    reason: Text | None = None


class AmendmentsFile(Strict):
    """`plan/amendments.yaml`: the registry of amendment decisions."""

    amendments: list[Amendment] = Field(default_factory=list)


class Change(Strict):
    """The values an amendment replaced on an activity: each key set is a cell it changed,
    holding the earlier value (`continued`: the cell continued the row above; null: blank)."""

    amendment: Slug
    title: Text | None = None
    indicators: Continued | Indicators | None = Field(default=None, union_mode="left_to_right")
    responsible: Continued | Responsibility | None = Field(default=None, union_mode="left_to_right")
    funds: Continued | Funding | None = Field(default=None, union_mode="left_to_right")
    due: Continued | Deadline | None = Field(default=None, union_mode="left_to_right")

    @model_validator(mode="after")
    def _changes_something(self) -> Change:
        if not self.model_fields_set - {"amendment"}:
            raise ValueError("a change names the cells it replaced (title, due, responsible...)")
        return self


# --- files -----------------------------------------------------------------------------------

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Loaded(Generic[M]):
    """A validated file and its path as shown to the user (e.g. plan/goal-1/measure-1.1.yaml)."""

    model: M
    path: str


class Activity(Strict):
    """One row of the table. A cell left out continues the merged cell of the row above."""

    id: ActivityId
    title: Text
    title_as_written: str | None = None
    unnumbered: bool = Field(default=False, description="The source prints no number for it.")
    indicators: Indicators | None = None
    responsible: Responsibility | None = None
    funds: Funding | None = None
    due: Deadline | None = None
    added_by: Slug | None = Field(
        default=None, description="The amendment that added the activity (it states every cell)."
    )
    cancelled_by: Slug | None = Field(
        default=None, description="The amendment that cancelled the activity."
    )
    history: list[Change] = Field(
        default_factory=list,
        description="Earlier values of cells amendments changed, oldest first.",
    )
    carried_from: CarriedFrom | None = Field(
        default=None,
        description="The activity of an earlier plan this one continues: PLAN/ID "
        "(2017-2020/2.6.1).",
    )
    progress: list[ProgressEntry] = Field(default_factory=list)
    sub_activities: list[Activity] = Field(default_factory=list)


MeasureType = Literal[
    "regulatory",
    "incentive",
    "information_education",
    "institutional",
    "goods_services",
]
"""The five types of measure of the Law on the Planning System (art. 24): regulatory; incentive
(fiscal and financial); information and education; institutional, management and organisational;
provision of goods and services."""


class MeasureFile(Strict):
    """`plan/goal-N/measure-N.M.yaml`: one measure, the Law's fields of it when the plan has them,
    and its activities."""

    id: MeasureId
    title: Text
    title_as_written: str | None = None
    type: MeasureType | None = Field(default=None, description="The measure's type (art. 24).")
    regulations: list[Text] = Field(
        default_factory=list, description="Regulations to adopt or amend to carry it out."
    )
    funding_source: Text | None = Field(default=None, description="Where its funds come from.")
    indicators: Indicators | None = Field(
        default=None, description="The measure's own indicators (outcome level)."
    )
    progress: list[MeasureEntry] = Field(
        default_factory=list, description="Values measured of the measure's indicators."
    )
    activities: list[Activity] = Field(min_length=1)


class GoalFile(Strict):
    """`plan/goal-N/goal.yaml`."""

    id: GoalId
    title: Text
    title_as_written: str | None = None


def _check_plan_day(value: dt.date) -> dt.date:
    """A day of the plan's own (its period, an event's date) within the days casplan takes
    (`periods.FIRST_DAY..LAST_DAY`), as every typed day is: past them a day's arithmetic (a
    deadline two years after an event, a report's due day, a site's calendar) fails."""
    from cas_plan.core.periods import FIRST_DAY, LAST_DAY

    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError(
            f"{value.isoformat()} is out of range; casplan takes dates from "
            f"{FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}"
        )
    return value


PlanDay = Annotated[dt.date, AfterValidator(_check_plan_day)]


class Period(Strict):
    start: PlanDay
    end: PlanDay

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError("the period ends before it starts")
        return self


class Reporting(Strict):
    """When the coordinator's reports on the plan are due, in days after the period they cover
    ends. The defaults are the Law on the Planning System's (art. 43): a report within 120 days
    after each calendar year, and a final report on the document (the Law sets it no term of its
    own: the annual one, so it goes with the last year's report); half-yearly reports only when
    the plan asks for them."""

    annual_within_days: int = Field(
        default=120, ge=1, le=366, description="Each year's report: days after the year ends."
    )
    final_within_days: int = Field(
        default=120,
        ge=1,
        le=366,
        description="The final report: days after the plan period ends.",
    )
    half_yearly_within_days: int | None = Field(
        default=None,
        ge=1,
        le=184,
        description="A report on January-June: days after 30 June (none when not set).",
    )


class PlanFile(Strict):
    """`plan/plan.yaml`: what the plan is and the period it covers."""

    title: Text
    institution: Text | None = None
    period: Period
    source: Text
    review: ReviewHandle | None = Field(
        default=None, description="Review handle of the plan coordinator, e.g. @org/team."
    )
    profile: Profile | None = Field(
        default=None,
        description="What `validate` also checks by default: law-2018 for a plan adopted under "
        "the Law on the Planning System.",
    )
    reporting: Reporting = Field(
        default_factory=Reporting,
        description="When the reports on the plan are due (default: the Law's, art. 43).",
    )


class SuccessorFile(Strict):
    """`plan/successor.yaml`: where this plan's unfinished activities went (written by
    `casplan successor`): the successor plan's name and each carried activity's id in it."""

    plan: Text = Field(description="The successor plan's name, e.g. 2021-2025.")
    title: Text | None = None
    as_of: dt.date = Field(description="The day the activities were carried over as of.")
    carried: dict[ActivityId, ActivityId] = Field(
        default_factory=dict, description="Each carried activity's id here -> its id there."
    )


UnitKind = Literal[
    "bureau",
    "division",
    "department",
    "group",
    "section",
    "centre",
    "laboratory",
    "office",
    "collective",
]


_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_EMAIL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})+")


def email_address_problem(value: str) -> str | None:
    """Why `value` is not exactly one plain address (name@carina.rs), or None.

    A draft's To is made from it, and a mail client reads it with RFC 5322's full grammar: so
    it is parsed as a To header is (`email.headerregistry`) and must come back as one address,
    the same text, with no display name and no defect; and it must be plain (ASCII letters,
    digits and the atom's marks, a dotted domain), with no encoded word (`=?utf-8?q?...?=`,
    which a client decodes into another address or a list)."""
    from email.policy import default

    if not value.replace(" ", "").isprintable():
        return "it holds a control character or a line break"
    if not value.isascii():
        return "it holds a character outside ASCII, which mail servers may refuse"
    if "=?" in value:
        return (
            "it holds an encoded word (=?...?=), which a mail client would decode into other text"
        )
    header = default.header_factory("To", value)
    addresses = header.addresses
    if len(addresses) != 1:
        return f"it holds {len(addresses)} addresses"
    if addresses[0].display_name:
        return "it has a display name"
    if header.defects or addresses[0].addr_spec != value or not _EMAIL.fullmatch(value):
        return "it is not in the plain form name@domain.tld"
    return None


def _check_email(value: str) -> str:
    """One plain address (name@carina.rs): a draft's To is made from it, so no display name,
    no list and nothing a mail header could be split on or decoded into another address."""
    problem = email_address_problem(value)
    if problem is not None:
        raise ValueError(
            f"'{value}' is not one plain e-mail address: {problem}; write the address alone, "
            "like name@carina.rs"
        )
    return value


EmailAddress = Annotated[
    str,
    AfterValidator(_check_email),
    WithJsonSchema({"type": "string", "format": "email", "pattern": f"^{_EMAIL.pattern}$"}),
]


class Unit(Strict):
    """An organizational unit the plan names as responsible."""

    id: Slug
    name: Text
    kind: UnitKind
    parent: Slug | None = None
    head: Text | None = Field(default=None, description="The title of the unit's head.")
    also_written: list[Text] = Field(
        default_factory=list, description="Other spellings of the name in the source."
    )
    covers: list[Slug] = Field(
        default_factory=list, description="For a collective ('all divisions'): the units it covers."
    )
    review: ReviewHandle | None = Field(default=None, description="Review handle, e.g. @org/team.")
    contact: EmailAddress | None = Field(
        default=None,
        description="The e-mail address 'casplan followup --eml' addresses the unit's draft to.",
    )


class OrganizationFile(Strict):
    """`plan/organization.yaml`: the registry of units."""

    institution: Text | None = None
    units: list[Unit] = Field(min_length=1)


class Event(Strict):
    """An external event some deadlines depend on; its date is recorded once it is known."""

    id: Slug
    name: Text
    date: PlanDay | None = None
    known_on: PlanDay | None = Field(
        default=None, description="The day the date became known (default: the date itself)."
    )
    as_written: str | None = None


class EventsFile(Strict):
    """`plan/events.yaml`."""

    events: list[Event] = Field(default_factory=list)


# the criteria of an ex-post evaluation (Law on the Planning System, art. 40), in the order a
# final report takes them
Criterion = Literal["relevance", "efficiency", "effectiveness", "sustainability"]
CRITERIA: tuple[str, ...] = ("relevance", "efficiency", "effectiveness", "sustainability")
NARRATIVE_LANGUAGES = ("en", "sr")  # written; Cyrillic is made from the Latin
_REPORT_PERIOD = r"^\d{4}(-H[12])?$|^\d{4}\.\.\d{4}$"


def _period_text(value: object) -> object:
    """`period: 2018` is a YAML number: read it as its text."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


ReportPeriodText = Annotated[
    str,
    BeforeValidator(_period_text),
    _pattern(_REPORT_PERIOD, "report period", "2018-H1, 2018 or 2017..2020"),
    WithJsonSchema({"anyOf": [{"type": "string", "pattern": _REPORT_PERIOD}, {"type": "integer"}]}),
]


class NarrativeText(Strict):
    """The coordinator's text of a report in one language: what the figures cannot say."""

    executive_summary: Text | None = Field(
        default=None, description="The main messages of the period (paragraphs: blank lines)."
    )
    goals: dict[GoalId, Text] = Field(
        default_factory=dict, description="A paragraph per goal, by goal id."
    )
    measures: dict[MeasureId, Text] = Field(
        default_factory=dict, description="Optional: a paragraph per measure, by measure id."
    )
    evaluation: dict[Criterion, Text] = Field(
        default_factory=dict,
        description="The final report only: a text per criterion of art. 40 (relevance, "
        "efficiency, effectiveness, sustainability).",
    )


class ReportNarrative(Strict):
    """The coordinator's own text of one period's report (reports/PERIOD.yaml: 2018.yaml,
    2018-H1.yaml, 2017..2020.yaml), in English, Serbian (Latin script; Cyrillic is made from
    it) or both. Reviewed in pull requests like the rest of the plan."""

    period: ReportPeriodText = Field(
        description="The report's period, as the file is named: 2018-H1, 2018 or 2017..2020."
    )
    en: NarrativeText | None = Field(default=None, description="The text in English.")
    sr: NarrativeText | None = Field(default=None, description="The text in Serbian, Latin script.")

    @model_validator(mode="before")
    @classmethod
    def _one_language_form(cls, value: object) -> object:
        """The earlier form (`year:` and the texts at the top) names no language: say how to
        write it now rather than list its keys as unknown."""
        if isinstance(value, dict) and "year" in value and "period" not in value:
            raise ValueError(
                "a narrative names its period and its language: write `period: "
                f"{value['year']}` instead of `year:`, and put the texts under `en:` or `sr:`"
            )
        return value

    def texts(self, lang: str) -> NarrativeText | None:
        """The text in a written language ('en' or 'sr')."""
        found: NarrativeText | None = getattr(self, lang) if lang in NARRATIVE_LANGUAGES else None
        return found


class AbbreviationsFile(Strict):
    """`plan/abbreviations.yaml`: section II of the source."""

    abbreviations: dict[Text, Text]


# --- translations ----------------------------------------------------------------------------

_DIGEST = r"^[0-9a-f]{12}$"
Digest = Annotated[
    str,
    _pattern(_DIGEST, "digest", "'3f2a9c1b7d4e' (casplan translations writes it)"),
    WithJsonSchema({"type": "string", "pattern": _DIGEST}),
]
IndicatorNumber = Annotated[int, Field(ge=1, le=999)]


class Translation(Strict):
    """One text of the plan in the file's language, and the digest of the English text it
    translates: when the English changes, the digest no longer matches and the translation is
    stale (shown in English, and a warning in validate)."""

    text: Text
    digest: Digest = Field(description="The digest of the English text translated.")


class PlanTranslation(Strict):
    title: Translation | None = None
    institution: Translation | None = None


class TitleTranslation(Strict):
    title: Translation | None = None


class MeasureTranslation(Strict):
    title: Translation | None = None
    indicators: dict[IndicatorNumber, Translation] = Field(
        default_factory=dict, description="The measure's own indicators, by number (1, 2, ...)."
    )


class ActivityTranslation(Strict):
    title: Translation | None = None
    indicators: dict[IndicatorNumber, Translation] = Field(
        default_factory=dict, description="By the indicator's number in the activity (1, 2, ...)."
    )


class NameTranslation(Strict):
    name: Translation | None = None


class TranslationsFile(Strict):
    """`plan/translations/sr.yaml`: the plan's own text in Serbian (Latin script; Cyrillic is
    made from it), by id and field, each with the digest of the English it translates."""

    plan: PlanTranslation = Field(default_factory=PlanTranslation)
    goals: dict[GoalId, TitleTranslation] = Field(default_factory=dict)
    measures: dict[MeasureId, MeasureTranslation] = Field(default_factory=dict)
    activities: dict[ActivityId, ActivityTranslation] = Field(default_factory=dict)
    units: dict[Slug, NameTranslation] = Field(default_factory=dict)
    events: dict[Slug, NameTranslation] = Field(default_factory=dict)
