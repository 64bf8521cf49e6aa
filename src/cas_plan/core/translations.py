"""The plan's texts that a reader of another language sees, each under its key (kind, id,
field), and the translations of a translations file under the same keys.

A translation holds the digest of the English text it translates (`text_digest`): the English
may change later, and a translation whose digest no longer matches is stale. The keys are the
file's own structure (`plan/translations/sr.yaml`):

    plan:        {title: ..., institution: ...}
    goals:       {"1": {title: ...}}
    measures:    {"1.1": {title: ..., indicators: {1: ...}}}
    activities:  {"1.1.1": {title: ..., indicators: {1: ...}}}
    units:       {hr-division: {name: ...}}
    events:      {project-start: {name: ...}}

each translation `{text: ..., digest: ...}`. An indicator is keyed by its number in the cell of
the activity whose row states it (a row that continues the cell above has none of its own), a
measure's own indicator by its number in the measure.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from cas_plan.core.loader import Plan
from cas_plan.core.model import Activity, MeasureFile, Translation, TranslationsFile
from cas_plan.core.views import id_sort_key

KINDS = ("plan", "goal", "measure", "activity", "unit", "event")
SECTIONS = {
    "goal": "goals",
    "measure": "measures",
    "activity": "activities",
    "unit": "units",
    "event": "events",
}
INDICATOR = "indicator"

Pointer = tuple[str | int, ...]


def text_digest(text: str) -> str:
    """The digest a translation keeps of the English it translates (12 hex digits)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True, order=True)
class TextKey:
    """Which text: the kind of thing (`activity`), its id (`1.1.1`; `plan` for the plan) and
    the field (`title`, `institution`, `name`, `indicator 2`)."""

    kind: str
    id: str
    field: str

    @property
    def indicator(self) -> int | None:
        """The indicator's number, for an indicator's key."""
        name, _, number = self.field.partition(" ")
        return int(number) if name == INDICATOR and number.isdigit() else None

    def pointer(self) -> Pointer:
        """Where the key's translation sits in the file."""
        if self.kind == "plan":
            return ("plan", self.field)
        if self.indicator is not None:
            return (SECTIONS[self.kind], self.id, "indicators", str(self.indicator))
        return (SECTIONS[self.kind], self.id, self.field)

    def __str__(self) -> str:
        """The text in words: "the title of activity 1.1.1", "indicator 2 of activity 1.1.1"."""
        if self.kind == "plan":
            return f"the plan's {self.field}"
        if self.indicator is not None:
            return f"indicator {self.indicator} of {self.kind} {self.id}"
        return f"the {self.field} of {self.kind} {self.id}"


def indicator_key(activity_id: str, number: int, kind: str = "activity") -> TextKey:
    """The key of an activity's (or a measure's own) indicator, by its number."""
    return TextKey(kind, activity_id, f"{INDICATOR} {number}")


@dataclass(frozen=True)
class PlanText:
    """One text of the plan in English, under its key."""

    key: TextKey
    english: str


def _activity_texts(activity: Activity) -> Iterator[PlanText]:
    yield PlanText(TextKey("activity", activity.id, "title"), activity.title)
    if "indicators" in activity.model_fields_set and activity.indicators is not None:
        for number, text in enumerate(activity.indicators.texts, start=1):
            yield PlanText(indicator_key(activity.id, number), text)
    for sub in activity.sub_activities:
        yield from _activity_texts(sub)


def _measure_texts(measure: MeasureFile) -> list[PlanText]:
    """A measure's title and its own indicators."""
    texts = [PlanText(TextKey("measure", measure.id, "title"), measure.title)]
    own = measure.indicators.texts if measure.indicators else []
    texts += [
        PlanText(indicator_key(measure.id, number, "measure"), text)
        for number, text in enumerate(own, start=1)
    ]
    return texts


def plan_texts(plan: Plan) -> list[PlanText]:
    """Every text of the plan a reader sees, in the plan's order: the plan's title and
    institution, each goal with its measures (titles, their own indicators) and their activities
    (titles, the indicators of the cells each row states), then the units' and the events'
    names."""
    texts: list[PlanText] = []
    if plan.plan is not None:
        model = plan.plan.model
        texts.append(PlanText(TextKey("plan", "plan", "title"), model.title))
        if model.institution:
            texts.append(PlanText(TextKey("plan", "plan", "institution"), model.institution))
    measures = sorted(plan.measures, key=lambda m: id_sort_key(m.model.id))
    for goal in sorted(plan.goals, key=lambda g: id_sort_key(g.model.id)):
        texts.append(PlanText(TextKey("goal", goal.model.id, "title"), goal.model.title))
        for measure in (m for m in measures if m.model.id.split(".")[0] == goal.model.id):
            texts += _measure_texts(measure.model)
            for activity in measure.model.activities:
                texts.extend(_activity_texts(activity))
    texts += [PlanText(TextKey("unit", u.id, "name"), u.name) for u in plan.units.values()]
    if plan.events is not None:
        texts += [
            PlanText(TextKey("event", e.id, "name"), e.name) for e in plan.events.model.events
        ]
    return texts


def file_translations(model: TranslationsFile) -> Iterator[tuple[TextKey, Translation]]:
    """Every translation of a translations file, under its key, in the file's order."""
    for field in ("title", "institution"):
        translation = getattr(model.plan, field)
        if translation is not None:
            yield TextKey("plan", "plan", field), translation
    for kind, section in SECTIONS.items():
        for identifier, fields in getattr(model, section).items():
            for field in type(fields).model_fields:
                value = getattr(fields, field)
                if field == "indicators":
                    for number, translation in value.items():
                        yield indicator_key(identifier, number), translation
                elif value is not None:
                    yield TextKey(kind, identifier, field), value
