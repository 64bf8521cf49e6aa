"""The plan as the document it came from (the consolidated text): the source's table as in force
on a date, with what the amendments adopted since another date changed marked.

The table is the source's: a goal's row across every column, then per measure its activities,
one row each, under the columns Measure, Activities, Indicators, Responsible org. unit/person,
Indicative funds and Due date. The measure's cell spans its activities' rows, and each merged
cell of the source spans the rows it spans there: an activity that leaves a cell out continues
the cell of the row above (`core/views`' `written_on`). A cell says the source's words
(`as_written`) where the source had words, else its structured value in the reader's words.

Amendments adopted after `since`, up to the date of the state, are marked: a changed cell shows
the value in force on `since` struck through beside the value in force, an added activity and
a cancelled one say so (a cancelled one is struck through whenever it was cancelled, being no
longer in force), and each decision is a numbered note, one number per decision. A changed cell
always starts a cell of its own, so that a mark never covers rows it did not change.

Numbers and titles are the plan's `id` and `title` ("1.1." before a measure's title, "1.1.1"
before an activity's, as the source prints most of them): the source's `title_as_written`
keeps the text extraction's markup and the page breaks that split a title.

The rows are typed values (`answers/document.py`, below `output/`, whose writers read them);
`output/docx_document.py`, `output/xlsx_document.py` and the templates `document.html.j2` and
`document.md.j2` lay them out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from cas_plan.answers.document import (
    COLUMNS,
    Cell,
    GoalRows,
    Note,
    PlanDocument,
    Row,
    State,
    runs,
)
from cas_plan.core.history import amendments_by_id, plan_on
from cas_plan.core.loader import Plan
from cas_plan.core.model import (
    Amendment,
    Deadline,
    Funding,
    Indicators,
    MeasureFile,
    Responsibility,
)
from cas_plan.core.organization import unit_names_by_id
from cas_plan.core.views import CELLS, ActivityView, goal_of, id_sort_key
from cas_plan.l10n.deadlines import DeadlineWords
from cas_plan.l10n.formats import format_date, format_money, html_lang, phrase, plural
from cas_plan.l10n.phrases import surface_words
from cas_plan.l10n.plan_text import by_english
from cas_plan.publish import templating

# the cell each column of an activity's row shows (the activity's number and title: its title)
_AMENDED = {"activity": "title", **{cell: cell for cell in CELLS}}

# markup the text extraction of the source wrapped some cells in (the printed plan has none)
_EXTRACTION_MARKUP = re.compile(r"</?(?:p|ul)(?:\s[^<>]*)?>")


def adopted_on(plan: Plan) -> dt.date:
    """The day the plan took effect, the default `--since`: the first day of its period."""
    return plan.plan.model.period.start if plan.plan else dt.date.min


def source_words(as_written: str) -> str:
    """A cell's text as the source prints it: white space folded, without the markup that the
    text extraction wrapped some cells in (`<p>`, `<ul ...>`)."""
    return " ".join(_EXTRACTION_MARKUP.sub(" ", as_written).split())


class _Say:
    """The words of one document: plan text through `plan_text` (counting what has no
    translation), the tool's words from the phrasebook, deadlines and amounts through l10n."""

    def __init__(self, plan: Plan, lang: str) -> None:
        self.lang = lang
        self.w = surface_words(lang, "document")
        self.deadlines = DeadlineWords.of(plan, lang)
        self.units = unit_names_by_id(plan.units)
        self.untranslated: set[str] = set()
        # the plan's texts in the reader's language (translations/sr.yaml), by their English
        self.translated = by_english(plan, lang)

    def text(self, text: str) -> str:
        """Plan text in the reader's language (every plan text of the document passes here: a
        title, a cell's words, a unit's name, a decision's reason), or as the source writes it,
        counted as untranslated."""
        said = text if self.lang == "en" else self.translated.get(text)
        if said is None:
            self.untranslated.add(text)
            return text
        return said

    def title(self, identifier: str, title: str, separator: str = " ") -> str:
        return f"{identifier}{separator}{self.text(title)}"

    def cell(self, value: object) -> tuple[str, ...]:
        """The lines of an activity's cell holding `value` (None: blank)."""
        if isinstance(value, Indicators):
            return self.indicators(value)
        if isinstance(value, Deadline):
            return (self.deadline(value),)
        if isinstance(value, Funding):
            return self.funds(value)
        if isinstance(value, Responsibility):
            if value.as_written:
                return (self.text(source_words(value.as_written)),)
            names = [self.text(self.units.get(u.unit, u.unit)) for u in value.units]
            return (", ".join(names),)
        return ()

    def indicators(self, value: Indicators) -> tuple[str, ...]:
        """The indicators a line each, dashed as the source lists several."""
        if not value.items:
            return (self.text(source_words(value.as_written)),) if value.as_written else ()
        if len(value.items) == 1:
            return (self.text(value.items[0].text),)
        return tuple(f"- {self.text(item.text)}" for item in value.items)

    def deadline(self, value: Deadline) -> str:
        """The source's words, translated; else the deadline in the reader's words."""
        if value.as_written:
            words = source_words(value.as_written)
            said = words if self.lang == "en" else self.translated.get(words)
            if said is not None:
                return said
        return self.deadlines(value.when)

    def funds(self, value: Funding) -> tuple[str, ...]:
        """The source's words; else each fact the cell states, a line each."""
        if value.as_written:
            return (self.text(source_words(value.as_written)),)
        lines = []
        for amount in value.amounts:
            money = format_money(amount.amount.amount, amount.amount.currency, self.lang)
            when = self.w["annual"] if amount.annual else amount.year
            lines.append(f"{money} ({when})" if when else money)
        if value.no_extra_cost:
            lines.append(self.w["no_extra_cost"])
        if value.see:
            lines.append(phrase("document.see", self.lang, ids=", ".join(value.see)))
        lines += [self.text(source) for source in value.sources]
        if value.external:
            lines.append(self.text(value.external))
        if value.undetermined:
            lines.append(self.w["undetermined"])
        return tuple(lines)


class _Notes:
    """The notes, numbered in the order the document first refers to each decision."""

    def __init__(self, amendments: Mapping[str, Amendment], say: _Say) -> None:
        self.amendments = amendments
        self.say = say
        self.numbers: dict[str, int] = {}

    def number(self, amendment_id: str) -> int:
        if amendment_id not in self.numbers:
            self.numbers[amendment_id] = len(self.numbers) + 1
        return self.numbers[amendment_id]

    def notes(self) -> tuple[Note, ...]:
        notes = []
        for amendment_id, number in self.numbers.items():
            amendment = self.amendments.get(amendment_id)
            if amendment is None:  # an unknown amendment (a plan that does not validate)
                decision, day, reason = amendment_id, None, None
            else:
                decision, day, reason = amendment.decision, amendment.date, amendment.reason
            text = amendment_id
            if day is not None:
                date = format_date(day, self.say.lang)
                text = phrase("document.conclusion", self.say.lang, decision=decision, date=date)
            if reason:
                reason = self.say.text(reason)
                text += f": {reason}"
            notes.append(Note(number, amendment_id, decision, day, reason, text))
        return tuple(notes)


@dataclass(frozen=True)
class _Window:
    """The amendments whose marks the document shows: adopted after `since`, by the state's day
    (the plan was rewound to that day: later ones are gone from it)."""

    amendments: Mapping[str, Amendment]
    since: dt.date
    as_of: dt.date

    def holds(self, amendment_id: str | None) -> bool:
        amendment = self.amendments.get(amendment_id or "")
        return amendment is not None and self.since < amendment.date <= self.as_of

    def changes(self, view: ActivityView, cell: str) -> list[str]:
        """The amendments in the window that changed `cell` of the activity, oldest first."""
        return [
            change.amendment
            for change in view.activity.history
            if cell in change.model_fields_set and self.holds(change.amendment)
        ]


@dataclass
class _Measure:
    """The rows of one measure, built column by column."""

    measure: MeasureFile
    views: Sequence[ActivityView]
    before: Mapping[str, ActivityView]
    window: _Window
    say: _Say
    notes: _Notes

    def state(self, view: ActivityView) -> State:
        if view.cancelled:
            return "cancelled"
        return "added" if self.window.holds(view.activity.added_by) else "in_force"

    def rows(self) -> list[Row]:
        """The rows, their cells made in reading order (so are the notes' numbers)."""
        states = [self.state(view) for view in self.views]
        changed = {
            name: [self.window.changes(view, _AMENDED[name]) for view in self.views]
            for name in COLUMNS[1:]
        }
        spans = {
            name: runs(self.views, name, [bool(amendments) for amendments in changed[name]])
            for name in CELLS
        }
        spans["activity"] = [1] * len(self.views)
        heading = self.say.title(self.measure.id, self.measure.title, ". ")
        rows = []
        for index, (view, state) in enumerate(zip(self.views, states, strict=True)):
            cells: list[Cell | None] = [
                Cell((heading,), rows=len(self.views)) if not index else None
            ]
            for name in COLUMNS[1:]:
                span = spans[name][index]
                made = self.cell(index, name, span, changed[name][index], state) if span else None
                cells.append(made)
            rows.append(Row(view.id, state, tuple(cells)))
        return rows

    def cell(self, index: int, name: str, span: int, changed: list[str], state: State) -> Cell:
        """The cell of column `name` that starts on row `index` and spans `span` rows."""
        view = self.views[index]
        lines = self.lines(view, name)
        cell = Cell(lines, rows=span)
        if state == "added":
            cell = dataclasses.replace(cell, inserted=True)
        elif changed:  # a blank side of a change says so, not nothing
            earlier = self.before.get(view.id)
            blank = (self.say.w["cell_blank"],)
            old = (self.lines(earlier, name) if earlier is not None else ()) or blank
            cell = dataclasses.replace(cell, lines=lines or blank, old=old, inserted=True)
        if name == "activity" and state != "in_force":
            decision = view.activity.added_by if state == "added" else view.activity.cancelled_by
            assert decision is not None
            cell = dataclasses.replace(
                cell, label=self.say.w[state], notes=(self.notes.number(decision),)
            )
        if state == "cancelled" and span == 1:
            cell = dataclasses.replace(cell, struck=True)
        numbers = [self.notes.number(amendment) for amendment in changed]
        return dataclasses.replace(cell, notes=tuple(dict.fromkeys((*cell.notes, *numbers))))

    def lines(self, view: ActivityView, name: str) -> tuple[str, ...]:
        if name == "activity":
            activity = view.activity
            if activity.unnumbered:
                return (self.say.text(activity.title),)
            return (self.say.title(activity.id, activity.title),)
        return self.say.cell(getattr(view, name).value)


def build_document(plan: Plan, as_of: dt.date, since: dt.date, lang: str) -> PlanDocument:
    """The document of `plan` in force on `as_of` (`plan` is `history.plan_on(..., as_of)`),
    with the amendments adopted after `since` (on or before `as_of`) marked."""
    say = _Say(plan, lang)
    amendments = amendments_by_id(plan)
    notes = _Notes(amendments, say)
    window = _Window(amendments, since, as_of)
    before = {view.id: view for view in plan_on(plan, since).views}
    by_measure: dict[str, list[ActivityView]] = {}
    for view in plan.views:
        by_measure.setdefault(view.measure_id, []).append(view)
    goals = []
    for goal in sorted(plan.goals, key=lambda g: id_sort_key(g.model.id)):
        rows: list[Row] = []
        for measure in sorted(plan.measures, key=lambda m: id_sort_key(m.model.id)):
            views = by_measure.get(measure.model.id, [])
            if goal_of(measure.model.id) == goal.model.id and views:
                rows += _Measure(measure.model, views, before, window, say, notes).rows()
        model = goal.model
        written = model.title_as_written
        heading = say.text(written) if written else say.title(model.id, model.title, ". ")
        goals.append(GoalRows(model.id, heading, tuple(rows)))
    return _document(plan, as_of, since, say, tuple(goals), notes, window)


def _document(
    plan: Plan,
    as_of: dt.date,
    since: dt.date,
    say: _Say,
    goals: tuple[GoalRows, ...],
    notes: _Notes,
    window: _Window,
) -> PlanDocument:
    """The document's words around its table."""
    lang, w = say.lang, say.w
    amended = any(window.holds(amendment) for amendment in window.amendments)
    since_words = format_date(since, lang)
    marked = (
        phrase("document.marked", lang, since=since_words)
        if amended
        else phrase("document.unamended", lang, since=since_words)
    )
    plan_file = plan.plan.model if plan.plan else None
    goal_list = tuple(
        (g.model.id, say.text(g.model.title))
        for g in sorted(plan.goals, key=lambda g: id_sort_key(g.model.id))
    )
    title = say.text(plan_file.title) if plan_file else ""
    institution = say.text(plan_file.institution) if plan_file and plan_file.institution else None
    headers = (
        w["measure"],
        w["activities"],
        w["indicators"],
        w["responsible"],
        w["funds"],
        w["due"],
    )
    finished_notes = notes.notes()
    untranslated = len(say.untranslated)
    return PlanDocument(
        lang=lang,
        html_lang=html_lang(lang),
        as_of=as_of,
        since=since,
        title=title,
        institution=institution,
        in_force=phrase("document.in_force", lang, date=format_date(as_of, lang)),
        marked=marked,
        untranslated=plural(untranslated, "untranslated_text", lang) if untranslated else None,
        goals_intro=w["goals_intro"],
        goal_list=goal_list,
        headers=headers,
        goals=goals,
        notes=finished_notes,
        words=w,
    )


def context(document: PlanDocument) -> dict[str, Any]:
    """The document as the plain data a template reads."""
    data = dataclasses.asdict(document)
    data["words"] = dict(document.words)
    data["w"] = data.pop("words")
    data["as_of"] = document.as_of.isoformat()
    data["since"] = document.since.isoformat()
    for note in data["notes"]:
        note["date"] = note["date"].isoformat() if note["date"] else None
    return data


def render(document: PlanDocument, output_format: Literal["md", "html"]) -> str:
    """The document as Markdown or HTML, through its bundled template."""
    environment = templating.environment(templating.templates_dir(), output_format, document.lang)
    return templating.render(environment, f"document.{output_format}.j2", context(document))
