"""The coordinator's text of a report (reports/PERIOD.yaml) in the reader's language: English
as written, Serbian in Latin as written and in Cyrillic made from it; and what is missing of
it (warnings, failures under --strict), which the report shows where the text belongs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cas_plan.core import layout
from cas_plan.core.diagnostics import one_line
from cas_plan.core.loader import Plan
from cas_plan.core.model import CRITERIA, NarrativeText, ReportNarrative
from cas_plan.core.periods import Period
from cas_plan.core.views import id_sort_key
from cas_plan.l10n.script import to_cyrillic


def written_language(lang: str) -> str:
    """The language a narrative is written in for a report language: Cyrillic is made from the
    Latin ('sr')."""
    return "sr" if lang == "sr-Cyrl" else lang


def narrative_of(plan: Plan, period: Period) -> ReportNarrative | None:
    for report in plan.reports:
        if report.model.period == period.text:
            return report.model
    return None


@dataclass(frozen=True)
class Texts:
    """The coordinator's paragraphs in the reader's language and script."""

    text: NarrativeText | None
    lang: str

    def paragraphs(self, text: str | None) -> list[str]:
        """Paragraphs (blank lines between them), lines joined; in Cyrillic for sr-Cyrl."""
        if not text:
            return []
        found = [one_line(p) for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
        return [to_cyrillic(p) for p in found] if self.lang == "sr-Cyrl" else found

    def summary(self) -> list[str]:
        return self.paragraphs(self.text.executive_summary if self.text else None)

    def goal(self, goal_id: str) -> list[str]:
        return self.paragraphs(self.text.goals.get(goal_id) if self.text else None)

    def measure(self, measure_id: str) -> list[str]:
        return self.paragraphs(self.text.measures.get(measure_id) if self.text else None)

    def criterion(self, key: str) -> list[str]:
        found = self.text.evaluation.items() if self.text else []
        return self.paragraphs(next((text for k, text in found if k == key), None))


def texts_of(plan: Plan, period: Period, lang: str) -> Texts:
    narrative = narrative_of(plan, period)
    language = written_language(lang)
    return Texts(narrative.texts(language) if narrative else None, lang)


def missing_narrative(plan: Plan, period: Period, lang: str, final: bool) -> list[str]:
    """What the coordinator has not written for the report in the language: the file, its
    text in the language, its executive summary, a paragraph per goal, and for the final report
    a text per evaluation criterion."""
    narrative = narrative_of(plan, period)
    where = layout.report_file(period.text)
    language = written_language(lang)
    if narrative is None:
        return [
            f"{where}: no narrative for {period.text} (executive summary and a paragraph per goal)"
        ]
    text = narrative.texts(language)
    if text is None:
        return [
            f"{where}: no {language} text ({language}: executive summary and a paragraph per goal)"
        ]
    missing = []
    if not text.executive_summary:
        missing.append(f"{where}: {language}: no executive_summary")
    for goal in sorted({g.model.id for g in plan.goals}, key=id_sort_key):
        if goal not in text.goals:
            missing.append(
                f"{where}: {language}: no paragraph for goal {goal} (goals: {goal!r}: ...)"
            )
    if final:
        missing += [
            f"{where}: {language}: no text for the criterion {key} (evaluation: {key}: ...)"
            for key in CRITERIA
            if key not in text.evaluation
        ]
    return missing
