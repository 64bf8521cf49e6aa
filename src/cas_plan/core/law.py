"""The `law-2018` profile of `validate`: what the Law on the Planning System (Official Gazette
30/2018) requires of an action plan adopted under it, reported as warnings naming the field.

Art. 19 lists what an action plan contains (measures with the funds needed and their source,
indicators at measure level with a baseline and a target value, the regulations to adopt or
amend); art. 24 gives the five types of measure; the Decree on the methodology of public policy
management (8/2019) links each activity's funds to the programme budget. A plan adopted before
the Law (the bundled plan) is reported by the profile without failing the default validation; a
plan adopted under it says `profile: law-2018` in plan.yaml, and the profile applies by default.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from cas_plan.core.diagnostics import Diagnostic, warning_at
from cas_plan.core.model import Loaded, MeasureFile

if TYPE_CHECKING:
    from cas_plan.core.checks import CheckContext

PROFILES = ("law-2018",)
TYPES_HINT = (
    "type: regulatory, incentive, information_education, institutional or goods_services (art. 24)"
)


def _measure_fields(measure: Loaded[MeasureFile]) -> list[Diagnostic]:
    """A measure's type, funding source and, for a regulatory one, its regulations."""
    model, out = measure.model, []

    def lacks(message: str, hint: str | None = None) -> None:
        out.append(warning_at(measure.path, ("id",), message, hint=hint))

    if model.type is None:
        lacks(f"measure {model.id}: no 'type' (law-2018, art. 24)", TYPES_HINT)
    if model.funding_source is None:
        lacks(
            f"measure {model.id}: no 'funding_source' (law-2018, art. 19)",
            "name where the measure's funds come from (budget, a donor, a loan)",
        )
    if model.type == "regulatory" and not model.regulations:
        lacks(
            f"measure {model.id}: regulatory, but no 'regulations' to adopt or amend "
            "(law-2018, art. 19)",
        )
    return out


def _measure_indicators(measure: Loaded[MeasureFile]) -> list[Diagnostic]:
    """Indicators at measure level, each with a baseline and a target value."""
    model = measure.model
    cell = model.indicators
    if cell is None or not cell.items:
        return [
            warning_at(
                measure.path,
                ("id",),
                f"measure {model.id}: no 'indicators' at measure level (law-2018, art. 19)",
                hint="indicators: [{text: ..., unit: percent, baseline: {...}, targets: [...]}]",
            )
        ]
    out = []
    for index, item in enumerate(cell.items):
        where = ("indicators", "items", index)
        for field, missing in (("baseline", item.baseline is None), ("targets", not item.targets)):
            if missing:
                out.append(
                    warning_at(
                        measure.path,
                        where,
                        f"measure {model.id}: indicator '{item.text}' has no '{field}' "
                        "(law-2018, art. 19)",
                    )
                )
    return out


def validate_law_measures(ctx: CheckContext) -> list[Diagnostic]:
    """Every measure: its type, funding source, regulations, indicators with baseline and
    target."""
    out = []
    for measure in ctx.plan.measures:
        out += _measure_fields(measure)
        out += _measure_indicators(measure)
    return out


def validate_law_funds(ctx: CheckContext) -> list[Diagnostic]:
    """Every amount an activity's funds state (on its own row) has its budget classification."""
    out = []
    for view in ctx.views:
        funds = view.funds.value
        if funds is None or view.funds.written_on != view.id:
            continue
        for index, amount in enumerate(funds.amounts):
            codes = amount.classification
            if codes is None or codes.programme is None or codes.programme_activity is None:
                out.append(
                    warning_at(
                        view.path,
                        (*view.pointer, "funds", "amounts", index),
                        f"activity {view.id}: amount {amount.amount.shown()} has no budget "
                        "'classification' (programme and programme activity or project; "
                        "law-2018)",
                        hint="classification: {programme: '0608', programme_activity: '0009', "
                        "economic: '423599'}",
                    )
                )
    return out


Check = Callable[["CheckContext"], list[Diagnostic]]
PROFILE_CHECKS: Mapping[str, tuple[Check, ...]] = {
    "law-2018": (validate_law_measures, validate_law_funds),
}
