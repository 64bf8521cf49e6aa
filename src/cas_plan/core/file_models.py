"""Each plan file kind's pydantic model, and a file's data validated against it: pydantic's
errors become one plain-language diagnostic each, with a YAML path the loader places.

Apart from the loader, because importing pydantic and building the models' validators is most of
a short command's start: a plan whose files are all in the parse cache is read without it.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from cas_plan.core.diagnostics import Diagnostic, printable
from cas_plan.core.model import (
    AbbreviationsFile,
    AmendmentsFile,
    EventsFile,
    GoalFile,
    MeasureFile,
    OrganizationFile,
    PlanFile,
    ReportNarrative,
    SuccessorFile,
    TranslationsFile,
)
from cas_plan.core.suggest import did_you_mean

M = TypeVar("M", bound=BaseModel)

FILE_MODELS: dict[str, type[BaseModel]] = {
    "plan": PlanFile,
    "organization": OrganizationFile,
    "events": EventsFile,
    "abbreviations": AbbreviationsFile,
    "amendments": AmendmentsFile,
    "successor": SuccessorFile,
    "goal": GoalFile,
    "measure": MeasureFile,
    "report": ReportNarrative,
    "translations": TranslationsFile,
}


def _key_name(loc: tuple[Any, ...]) -> str:
    return str(loc[-1]) if loc else ""


def _did_you_mean(key: str, model: type[BaseModel], loc: tuple[Any, ...], data: Any) -> str | None:
    allowed = _fields_at(model, loc[:-1], data)
    if not allowed:
        return None
    return did_you_mean(key, allowed, n=1) or "allowed keys here: " + ", ".join(allowed)


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...], data: Any) -> list[str]:
    """The keys the model accepts at a location, found by walking the model's field types."""
    current: Any = model
    for step in loc:
        if isinstance(step, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        info = current.model_fields.get(str(step))
        if info is None:
            return []
        current = _model_in(info.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _model_in(annotation: Any) -> Any:
    from typing import get_args

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


_TYPE_NAMES = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "date_type": "a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "a date (YYYY-MM-DD)",
    "date_parsing": "a date (YYYY-MM-DD)",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"'{value}'"


def _schema_diagnostics(
    exc: ValidationError, shown: str, model: type[BaseModel], data: Any
) -> list[Diagnostic]:
    """Turn pydantic's errors into one plain-language diagnostic each."""
    from cas_plan.core.deadlines import SPELLINGS_HELP
    from cas_plan.core.money import MONEY_HELP

    out = []
    for err in exc.errors(include_url=False):
        loc = tuple(step for step in err["loc"] if step != "[key]")
        kind = err["type"]
        at_key = False
        hint = None
        if kind == "extra_forbidden":
            key = _key_name(loc)
            message = f"unknown key '{key}'"
            hint = _did_you_mean(key, model, loc, data)
            at_key = True
        elif kind == "missing":
            message = f"missing key '{_key_name(loc)}'"
            loc = loc[:-1]
            at_key = True
        elif kind in _TYPE_NAMES:
            message = (
                f"'{_key_name(loc)}' should be {_TYPE_NAMES[kind]}, not {_describe(err['input'])}"
            )
            if loc and isinstance(loc[-1], int):
                expected, found = _TYPE_NAMES[kind], _describe(err["input"])
                message = f"item {loc[-1] + 1} should be {expected}, not {found}"
        elif kind == "literal_error" and "[key]" in err["loc"]:
            expected = err.get("ctx", {}).get("expected", "")
            message = f"unknown key {_describe(err['input'])}; expected one of {expected}"
            at_key = True
        elif kind == "literal_error":
            expected = err.get("ctx", {}).get("expected", "")
            message = f"'{_key_name(loc)}' is {_describe(err['input'])}; expected one of {expected}"
        elif kind == "too_short":
            message = f"'{_key_name(loc)}' must not be empty"
        elif kind == "string_too_short":
            message = f"'{_key_name(loc)}' must not be empty text"
        else:
            message = str(err["msg"]).removeprefix("Value error, ")
        if loc and loc[-1] == "when":
            hint = SPELLINGS_HELP
        elif loc and loc[-1] == "amount" and kind == "value_error":
            hint = MONEY_HELP
        # quoted keys and values are the user's text: a line break or an escape sequence in one
        # must not break the one-line form of the problem (nor reach the terminal raw)
        out.append(
            Diagnostic(
                shown, 0, 0, printable(message), "error", hint and printable(hint), loc, at_key
            )
        )
    return out


def validate(model: type[M], data: Any, shown: str, diagnostics: list[Diagnostic]) -> M | None:
    """The model of a file's data, or None with the reasons added to `diagnostics`."""
    if not isinstance(data, dict):
        diagnostics.append(
            Diagnostic(shown, 1, 1, f"the file should hold a mapping, not {_describe(data)}")
        )
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        diagnostics.extend(_schema_diagnostics(exc, shown, model, data))
        return None
