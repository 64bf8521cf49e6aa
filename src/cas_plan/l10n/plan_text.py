"""The plan's own text in the reader's language: translations/sr.yaml (Serbian in Latin script),
its Cyrillic made by `script.to_cyrillic`, English where a text is not translated or its
translation is stale (the English changed since: the digests differ).

`in_language` gives the plan with its texts replaced (titles, indicators, unit and event names,
the plan's title and institution), so every surface that shows the plan (the report, the site,
the workbooks, the follow-up and its drafts, the document) shows it in one language without a
word of its own; `plan_text` gives one text. What a workbook or a draft stores to recognise the
plan later (its identity, the digests of what the unit was shown) is taken from the English
plan, never from this one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel

from cas_plan.core.loader import Plan
from cas_plan.core.model import Activity, Indicators, Loaded, MeasureFile, Translation
from cas_plan.core.translations import TextKey, file_translations, indicator_key, plan_texts
from cas_plan.core.translations import text_digest as digest_of
from cas_plan.core.views import plan_views
from cas_plan.l10n.formats import format_int, phrase
from cas_plan.l10n.script import to_cyrillic

M = TypeVar("M", bound=BaseModel)
SOURCE = "en"
WRITTEN = {"sr": "sr", "sr-Cyrl": "sr"}  # the file each language's translations are read from


@dataclass(frozen=True)
class Translator:
    """The translations a language reads, by key; `text` gives a key's text in the language."""

    lang: str
    table: Mapping[TextKey, Translation]

    @classmethod
    def of(cls, plan: Plan, lang: str) -> Translator:
        written = WRITTEN.get(lang)
        loaded = plan.translations_in(written) if written else None
        table = dict(file_translations(loaded.model)) if loaded else {}
        return cls(lang, table)

    def translated(self, key: TextKey, english: str) -> str | None:
        """The key's text in the language, or None when there is no translation of this
        English (none at all, or a stale one)."""
        translation = self.table.get(key)
        if translation is None or translation.digest != digest_of(english):
            return None
        return to_cyrillic(translation.text) if self.lang == "sr-Cyrl" else translation.text

    def text(self, key: TextKey, english: str) -> str:
        """The key's text in the language, else the English as written."""
        return self.translated(key, english) or english


def plan_text(plan: Plan, key: TextKey, lang: str) -> str:
    """One text of the plan in `lang` (the English where it is not translated); KeyError for
    a key the plan has no text under."""
    english = {text.key: text.english for text in plan_texts(plan)}[key]
    return Translator.of(plan, lang).text(key, english)


def by_english(plan: Plan, lang: str) -> dict[str, str]:
    """Each English text of the plan that has a translation in `lang`, with that translation
    (the document looks its cells' texts up by their English)."""
    if lang == SOURCE:
        return {text.english: text.english for text in plan_texts(plan)}
    translator = Translator.of(plan, lang)
    found = ((t.english, translator.translated(t.key, t.english)) for t in plan_texts(plan))
    return {english: said for english, said in found if said}


@dataclass(frozen=True)
class PlanInLanguage:
    """The plan with its texts in `lang`, and how many of them are still in English."""

    plan: Plan
    lang: str
    untranslated: int
    total: int

    def note(self) -> dict[str, Any] | None:
        """What the front matter says of the translation (None in English): the label and
        "3 of 24"."""
        if self.lang == SOURCE:
            return None
        return {
            "untranslated": self.untranslated,
            "total": self.total,
            "text": phrase(
                "count_of_total",
                self.lang,
                count=format_int(self.untranslated, self.lang),
                total=format_int(self.total, self.lang),
            ),
        }


def in_language(plan: Plan, lang: str) -> PlanInLanguage:
    """The plan as a reader of `lang` sees it (see the module's docstring); in English, the
    plan itself, nothing counted."""
    if lang == SOURCE:
        return PlanInLanguage(plan, lang, 0, 0)
    texts = plan_texts(plan)
    translator = Translator.of(plan, lang)
    done = {t.key: said for t in texts if (said := translator.translated(t.key, t.english))}
    if not done:
        return PlanInLanguage(plan, lang, len(texts), len(texts))
    return PlanInLanguage(_replaced(plan, done), lang, len(texts) - len(done), len(texts))


def _replaced(plan: Plan, done: Mapping[TextKey, str]) -> Plan:
    """The plan with the texts of `done` in place of their English."""

    def said(kind: str, identifier: str, field: str, english: str) -> str:
        return done.get(TextKey(kind, identifier, field), english)

    changes: dict[str, Any] = {}
    if plan.plan is not None:
        about = plan.plan.model
        update = {"title": said("plan", "plan", "title", about.title)}
        if about.institution:
            update["institution"] = said("plan", "plan", "institution", about.institution)
        changes["plan"] = Loaded(_copy(about, update), plan.plan.path)
    if plan.organization is not None:
        registry = plan.organization.model
        units = [_copy(u, {"name": said("unit", u.id, "name", u.name)}) for u in registry.units]
        changes["organization"] = Loaded(_copy(registry, {"units": units}), plan.organization.path)
    if plan.events is not None:
        listed = plan.events.model
        events = [_copy(e, {"name": said("event", e.id, "name", e.name)}) for e in listed.events]
        changes["events"] = Loaded(_copy(listed, {"events": events}), plan.events.path)
    changes["goals"] = tuple(
        Loaded(_copy(g.model, {"title": said("goal", g.model.id, "title", g.model.title)}), g.path)
        for g in plan.goals
    )
    indicators = _indicator_words(plan, done)
    measures = tuple(_measure(m, done, indicators) for m in plan.measures)
    changes["measures"] = measures
    changes["views"] = plan_views(measures)
    return dataclasses.replace(plan, **changes)


def _indicator_words(plan: Plan, done: Mapping[TextKey, str]) -> dict[str, dict[str, str]]:
    """Per activity, its indicators' English -> their translation (progress values are kept
    under the indicator's English text), from the row that states the cell."""
    words: dict[str, dict[str, str]] = {}
    for view in plan.views:
        stated_on = view.indicators.written_on
        if stated_on is None:
            continue
        for number, english in enumerate(view.indicator_texts, start=1):
            translated = done.get(indicator_key(stated_on, number))
            if translated is not None:
                words.setdefault(view.id, {})[english] = translated
    return words


def _measure(
    measure: Loaded[MeasureFile],
    done: Mapping[TextKey, str],
    indicators: Mapping[str, Mapping[str, str]],
) -> Loaded[MeasureFile]:
    """The measure with its title, its own indicators (and their names in its progress
    values) and its activities translated."""
    model = measure.model
    update: dict[str, Any] = {
        "title": done.get(TextKey("measure", model.id, "title"), model.title),
        "activities": [_activity(a, done, indicators) for a in model.activities],
    }
    if model.indicators is not None:
        update["indicators"] = _indicators(model.indicators, "measure", model.id, done)
        names = dict(zip(model.indicators.texts, update["indicators"].texts, strict=True))
        update["progress"] = [
            _copy(e, {"values": {names.get(k, k): v for k, v in e.values.items()}})
            for e in model.progress
        ]
    return Loaded(_copy(model, update), measure.path)


def _indicators(cell: Indicators, kind: str, owner: str, done: Mapping[TextKey, str]) -> Indicators:
    """An indicators cell with each indicator's text translated (its unit, baseline and
    targets as they are)."""
    items = [
        _copy(item, {"text": done.get(indicator_key(owner, number, kind), item.text)})
        for number, item in enumerate(cell.items, start=1)
    ]
    return _copy(cell, {"items": items})


def _activity(
    activity: Activity,
    done: Mapping[TextKey, str],
    indicators: Mapping[str, Mapping[str, str]],
) -> Activity:
    """The activity with its title, the indicators its row states and the indicator names of
    its progress values translated; which cells the row states stays as it was (the rows
    below fill down from it)."""
    update: dict[str, Any] = {
        "title": done.get(TextKey("activity", activity.id, "title"), activity.title)
    }
    stated = activity.indicators if "indicators" in activity.model_fields_set else None
    if stated is not None:
        update["indicators"] = _indicators(stated, "activity", activity.id, done)
    names = indicators.get(activity.id)
    if names and activity.progress:
        update["progress"] = [
            _copy(e, {"values": {names.get(k, k): v for k, v in e.values.items()}})
            for e in activity.progress
        ]
    if activity.sub_activities:
        update["sub_activities"] = [_activity(s, done, indicators) for s in activity.sub_activities]
    return _copy(activity, update)


def _copy(model: M, update: dict[str, Any]) -> M:
    """A copy of a model with `update`, stating the same fields as the model did."""
    copied = model.model_copy(update=update)
    object.__setattr__(copied, "__pydantic_fields_set__", set(model.model_fields_set))
    return copied
