"""Plain text output: problems with the offending line, one full record, the diff summary, the
follow-up table, and the lines of every command's messages.

Everything here is text a person reads in a terminal or a CI log; every line that holds plan
text is made printable (`diagnostics.printable`, the one rule for terminal text), so a title
can neither break its line nor drive the terminal nor reorder the line. The phrases that other
formats escape in their own way (`followup_heading`, `change_line`) are built here as plain
words, unescaped, and each format escapes them whole.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cas_plan.core.deadlines import Day, DeadlineSpec
from cas_plan.core.diagnostics import printable
from cas_plan.core.money import amount_text, parse_money
from cas_plan.core.periods import Period
from cas_plan.l10n.deadlines import DeadlineWords
from cas_plan.l10n.formats import (
    format_date,
    format_date_range,
    format_int,
    phrase,
    plural,
    status_label,
)
from cas_plan.output.messages import lines_text

if TYPE_CHECKING:  # imported where used: `validate` prints its problems without the models
    from cas_plan.answers.diff import Change, PlanDiff
    from cas_plan.answers.followup import Followup, Missing, UnitFollowup
    from cas_plan.answers.indicators import IndicatorRecord
    from cas_plan.answers.records import (
        ActivityShow,
        AmountRecord,
        FundsRecord,
        MeasureShow,
        ReportDeadlineRecord,
        ShowRecord,
    )
    from cas_plan.core.model import Deadline


TOOL_LANG = "en"
"""The language of the commands that take no --lang: their tables, `show`, their messages."""


def header(key: str) -> str:
    """A table's column header in the tool's English: the phrasebook's label in lower case
    ("deadline", "responsible")."""
    return phrase(key, TOOL_LANG).lower()


def tool_phrase(key: str, **values: str) -> str:
    """One of the terminal's own phrases (``terminal.*``) in the tool's English."""
    return phrase(f"terminal.{key}", TOOL_LANG, **values)


def deadline_cell(due: Deadline | None, say: Callable[[DeadlineSpec], str]) -> str:
    """A deadline in a table of the tool: a day as the ISO date the tables show dates in, any
    other deadline in words."""
    if due is None:
        return ""
    return due.when.day.isoformat() if isinstance(due.when, Day) else say(due.when)


def report_kind_word(kind: str) -> str:
    """A kind of report in the tool's English, lower case: "annual report"."""
    return phrase(f"report_kind_{kind}", TOOL_LANG).lower()


def report_period_words(record: ReportDeadlineRecord) -> str:
    """The days a report covers, in words (`period_words`): never `2018-H1` or `2017..2020`, the
    plan's codes."""
    import datetime as dt

    first, last = (dt.date.fromisoformat(record[key]) for key in ("first_day", "last_day"))
    return period_words(Period(first, last, record["period"]), TOOL_LANG)


def status_word(status: str) -> str:
    """A status as the tool's English text writes it, in lower case like the rest of a table
    row or a line: "in progress", "not reported"."""
    return status_label(status, TOOL_LANG).lower()


def _cell_source(record: ActivityShow, cell: str) -> str:
    written_on = record["written_on"][cell]  # type: ignore[literal-required]
    if written_on is None:
        return "not stated"
    if written_on == record["id"]:
        return f"stated on {written_on}"
    return f"inherited from {written_on}"


def _funds_lines(funds: FundsRecord) -> list[str]:
    lines = ["    " + _amount_line(amount) for amount in funds["amounts"]]
    if funds["no_extra_cost"]:
        lines.append("    no extra cost (regular activities)")
    if funds["see"]:
        lines.append("    stated under " + ", ".join(funds["see"]))
    if funds["sources"]:
        lines.append("    sources: " + "; ".join(funds["sources"]))
    if funds["external"]:
        lines.append(f"    established in: {funds['external']}")
    if funds["undetermined"]:
        lines.append("    cannot be established at this time")
    return lines


def _amount_line(amount: AmountRecord) -> str:
    """An indicative amount with what qualifies it: its year, basis, procurement and source."""
    qualifiers = [
        (amount["year"], f"for {amount['year']}"),
        (amount["annual"], "annually"),
        (amount["procurement"], amount["procurement"]),
        (amount["source"], f"source: {amount['source']}"),
        (amount["of_which"], "(part of the amount above)"),
        (amount["counted_under"], f"(counted under {amount['counted_under']})"),
    ]
    parts = [amount_text(amount["amount"], amount["currency"])]
    return ", ".join(parts + [str(said) for present, said in qualifiers if present])


def show_text(record: ShowRecord) -> str:
    """The plain-text form of `casplan show`: every line made printable, since each one may
    carry plan text."""
    return "\n".join(printable(line) for line in _show_lines(record))


def _show_lines(record: ShowRecord) -> list[str]:

    if record["kind"] == "goal":
        lines = [
            f"Goal {record['id']}: {record['title']}",
            f"  file: {record['file']}",
            "",
            "Measures:",
        ]
        lines += [
            f"  {m['id']}  {m['title']} ({plural(m['activities'], 'activity', TOOL_LANG)})"
            for m in record["measures"]
        ]
        return lines
    if record["kind"] == "measure":
        lines = [
            f"Measure {record['id']}: {record['title']}",
            f"  goal {record['goal']}: {record['goal_title']}",
            f"  file: {record['file']}",
            "",
            "Activities:",
        ]
        lines += [
            f"  {'  ' if a['parent'] else ''}{a['id']}  {a['title']}  "
            f"[due {a['due_description'] or 'not stated'}, {status_word(a['status'])}]"
            for a in record["activities"]
        ]
        return lines + _law_lines(record)
    return _activity_lines(record)


def _activity_lines(r: ActivityShow) -> list[str]:
    """An activity's record: where it sits, each cell and where its value comes from, its
    status, the amended cells' history and its progress entries."""
    lines = [f"Activity {r['id']}: {r['title']}"]
    if r["unnumbered"]:
        lines.append("  (the source prints no number for this activity)")
    lines.append(f"  goal {r['goal']}: {r['goal_title']}")
    lines.append(f"  measure {r['measure']}: {r['measure_title']}")
    if r["parent"]:
        lines.append(f"  parent {r['parent']}: {r['parent_title']}")
    lines.append(f"  file: {r['file']}")
    lines += _cell_lines(r)
    if r["sub_activities"]:
        lines += ["", "Sub-activities: " + ", ".join(r["sub_activities"])]
    status = status_word(r["status"])
    if r["rolled_up"]:
        status += f" ({phrase('rolled_up', TOOL_LANG)})"
    late = f", {plural(r['days_late'], 'days_late', TOOL_LANG)}" if r["days_late"] else ""
    lines += [
        "",
        f"Status: {status}" + (f" (since {r['status_date']})" if r["status_date"] else "") + late,
    ]
    if r["added_by"]:
        lines.append(f"Added by amendment {r['added_by']}")
    if r["cancelled_by"]:
        lines.append(f"Cancelled by amendment {r['cancelled_by']}")
    for key, where in (("carried_from", r["carried_from"]), ("carried_to", r["carried_to"])):
        if where:
            lines.append(tool_phrase_of(key, where=where))
    return lines + _history_lines(r) + _progress_lines(r)


def tool_phrase_of(key: str, **values: str) -> str:
    """A shared phrase of the phrasebook in the tool's English."""
    return phrase(key, TOOL_LANG, **values)


def indicator_lines(records: list[IndicatorRecord]) -> list[str]:
    """Each indicator with its unit and source; where a target is set, its series and status
    (`answers.indicators`), else the words that no target is set."""
    from cas_plan.output.indicators import IndicatorWords

    lines = []
    for record in records:
        said = IndicatorWords.of(record, TOOL_LANG)
        about = "; ".join(
            part
            for part in (said.unit, said.direction, said.source and f"source: {said.source}")
            if part and part != "text"
        )
        head = f"  - {said.text}" + (f" [{about}]" if about else "")
        if not said.measured:
            lines.append(f"{head}: {phrase('indicator_no_target', TOOL_LANG)}")
            continue
        lines.append(head)
        series = [
            f"{header(key)}: {text}"
            for key, text in (
                ("indicator_baseline", said.baseline),
                ("indicator_series", said.series),
                ("indicator_targets", said.targets),
            )
            if text
        ]
        lines.append("      " + "; ".join(series))
        latest = [f"{header('indicator_latest')}: {said.latest}"] if said.latest else []
        if said.gap:
            latest.append(f"{header('indicator_gap')}: {said.gap}")
        status = said.status + (f" ({said.expected})" if said.expected else "")
        lines.append("      " + "; ".join([*latest, status]))
    return lines


def _law_lines(record: MeasureShow) -> list[str]:
    """A measure's fields of the Law (type, regulations, funding source) and its own
    indicators, where it states them."""
    lines = []
    if record["type"]:
        kind = phrase(f"measure_type_{record['type']}", TOOL_LANG)
        lines.append(f"{phrase('measure_type', TOOL_LANG)}: {kind}")
    if record["funding_source"]:
        lines.append(f"{phrase('funding_source', TOOL_LANG)}: {record['funding_source']}")
    if record["regulations"]:
        lines.append(f"{phrase('regulations', TOOL_LANG)}:")
        lines += [f"  - {text}" for text in record["regulations"]]
    if record["indicator_series"]:
        lines += ["", "Indicators of the measure:", *indicator_lines(record["indicator_series"])]
    return ["", *lines] if lines and lines[0] else lines


def _cell_lines(r: ActivityShow) -> list[str]:
    """The indicators, responsible units, deadline and indicative funds."""
    lines = ["", f"Indicators ({_cell_source(r, 'indicators')}):"]
    lines += indicator_lines(r["indicator_series"]) or ["  none"]
    lines += ["", f"Responsible ({_cell_source(r, 'responsible')}):"]
    for unit in r["responsible"]:
        extra = ", ".join(part for part in (unit["role"], unit["scope"]) if part)
        lines.append(f"  {unit['name']} [{unit['unit']}]" + (f": {extra}" if extra else ""))
    if r["listed_under_sub_activities"]:
        lines.append("  listed under the sub-activities")
    if r["responsible_as_written"]:
        lines.append(f"  as written: {r['responsible_as_written']}")
    due = r["due"]
    lines += ["", f"Due ({_cell_source(r, 'due')}): {due['description'] or 'not stated'}"]
    if due["first_day"] or due["last_day"]:
        lines.append(f"  from {due['first_day'] or '?'} to {due['last_day'] or 'open'}")
    if due["events"]:
        lines.append("  depends on: " + ", ".join(due["events"]))
    if due["as_written"]:
        lines.append(f"  as written: {due['as_written']}")
    if due["uncertain"]:
        lines.append(f"  uncertain: {due['uncertain']}")
    funds = r["funds"]
    lines += ["", f"Indicative funds ({_cell_source(r, 'funds')}):"]
    lines += _funds_lines(funds) or ["    none stated"]
    if funds["as_written"]:
        lines.append(f"  as written: {funds['as_written']}")
    if funds["uncertain"]:
        lines.append(f"  uncertain: {funds['uncertain']}")
    return lines


def _history_lines(r: ActivityShow) -> list[str]:
    if not r["history"]:
        return []
    lines = ["", "Amended cells (value, from, until, amendment):"]
    for value in r["history"]:
        shown = value["value"] + (
            f' (as written: "{value["as_written"]}")' if value["as_written"] else ""
        )
        since = value["since"] or "as adopted"
        until = value["until"] or "now"
        by = (
            f"replaced by {value['replaced_by']} ({value['decision']})"
            if value["replaced_by"]
            else "in force"
        )
        lines.append(f"  {value['cell']}: {shown}; {since} .. {until}; {by}")
    return lines


def _progress_lines(r: ActivityShow) -> list[str]:
    lines = ["Progress:"]
    if not r["progress"]:
        lines.append("  none recorded")
    for entry in r["progress"]:
        marks = []
        if entry.get("superseded"):
            marks.append("superseded by a correction")
        if entry.get("corrects"):
            marks.append(f"corrects the entry of {entry['corrects']}")
        lines.append(
            f"  {entry['date']}  {status_word(entry['status'])}"
            + (f": {entry['note']}" if entry.get("note") else "")
            + (f" [{'; '.join(marks)}]" if marks else "")
        )
        lines += [f"      {detail}" for detail in entry_details(entry)]
    return lines


# --- diff ------------------------------------------------------------------------------------

HEADINGS = {
    "amendment": "Amendments recorded",
    "added": "Activities added",
    "removed": "Activities removed",
    "cancelled": "Activities cancelled",
    "title": "Titles changed",
    "status": "Status changes",
    "progress_added": "New progress entries",
    "correction": "Corrections of earlier entries",
    "history_edited": "Past progress entries edited (history should be appended, not rewritten)",
    "due": "Deadlines changed",
    "responsible": "Responsibilities changed",
    "indicators": "Indicators changed",
    "funds": "Indicative funds changed",
    "plan_file": "Changes to the plan's other files",
    "narrative": "Report narratives changed",
}


def cell_data(cell: str, value: Any) -> dict[str, Any]:
    """A cell's value as data: its text as written and its structured value (None: the cell
    continues the one above)."""
    if value is None:
        return {"as_written": None, "value": "continued from the row above"}
    data = value.model_dump(mode="json", exclude_defaults=True)
    as_written = data.pop("as_written", None)
    if cell == "due":
        data = data.get("when")
    elif cell == "indicators":
        data = data.get("items", [])
    elif cell == "responsible":
        units = [
            e["unit"] + (f" ({e['role']})" if e.get("role") else "") for e in data.get("units", [])
        ]
        listed = ["listed under sub-activities"] if data.get("listed_under_sub_activities") else []
        data = units or listed
    return {"as_written": as_written, "value": data}


def change_data(change: Change) -> tuple[Any, Any]:
    """A change's old and new values as plain data (JSON's types)."""
    from cas_plan.answers.diff import CELL_KINDS

    if change.kind in CELL_KINDS:
        return cell_data(change.kind, change.old), cell_data(change.kind, change.new)

    def data(value: Any) -> Any:
        if hasattr(value, "model_dump"):  # a progress entry, as it is written
            return value.model_dump(mode="json", exclude_defaults=True)
        return value

    return data(change.old), data(change.new)


def change_title(change: Change) -> str:
    """What a change is about: the activity's title; an amendment's decision, date and reason."""
    if change.kind != "amendment":
        return change.title
    item = change.new
    reason = f": {item['reason']}" if item.get("reason") else ""
    return f"{item.get('decision')}, adopted {item.get('date')}{reason}"


def change_note(change: Change) -> str | None:
    """Where a change comes from: the entry it corrects, the activity whose cell it continues,
    the amendment that made it."""
    if change.kind == "correction":
        return f"corrects {change.old}"
    notes = []
    if change.inherited_from:
        notes.append(f"inherited from {change.inherited_from}")
    if change.amended:
        decision = change.amended.decision
        notes.append(
            f"by amendment {change.amended.amendment}" + (f" ({decision})" if decision else "")
        )
    return "; ".join(notes) or None


def _value(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, dict) and "value" in value:
        text = _value(value["value"])
        return text + (f' (as written: "{value["as_written"]}")' if value.get("as_written") else "")
    if isinstance(value, dict) and "status" in value:
        return _entry_text(value)
    if isinstance(value, list):
        return "; ".join(_value(item) for item in value) or "none"
    if isinstance(value, dict):
        return ", ".join(f"{k}={_value(v)}" for k, v in value.items())
    return str(value)


def _entry_text(entry: dict[str, Any]) -> str:
    """A progress entry in one line: date, status, note, and every value it records."""
    head = f"{entry['date']} {entry['status']}" + (
        f": {entry['note']}" if entry.get("note") else ""
    )
    return "; ".join([head, *entry_details(entry)])


def entry_details(entry: dict[str, Any]) -> list[str]:
    """What a progress entry (as data) records besides its date, status and note, a phrase
    each: the indicator values, evidence, spending and reporter (for `show` and `diff`)."""
    parts = [f"{indicator}: {reported}" for indicator, reported in entry.get("values", {}).items()]
    parts += [f"evidence: {evidence}" for evidence in entry.get("evidence", [])]
    for spent in entry.get("spent", []):
        source = f" ({spent['source']})" if spent.get("source") else ""
        parts.append(f"spent in {spent['year']}: {parse_money(spent['amount']).shown()}{source}")
    if entry.get("reported_by"):
        parts.append(f"reported by {entry['reported_by']}")
    return parts


def change_line(change: Change, arrow: str = "->") -> str:
    """One change as a line of plain words: the activity, and old -> new (unescaped: each
    format escapes the line whole)."""
    old, new = change_data(change)
    said = change_note(change)
    note = f" ({said})" if said else ""
    if change.kind == "amendment":
        return f"{change.activity}: {change_title(change)}"
    if change.kind in ("added", "removed", "cancelled"):
        return f"{change.activity} {change.title}{note}"
    if change.kind == "progress_added":
        return f"{change.activity} {change.title}: {_value(new)}"
    if change.kind == "correction":
        corrected = f"corrects the entry of {old}: {_value(new)}"
        return f"{change.activity} {change.title}: {corrected}"
    if change.kind == "plan_file":
        return f"{change.activity}: {_value(old)} {arrow} {_value(new)}"
    if change.kind == "narrative":
        done = "added" if old is None else "removed" if new is None else "edited"
        return f"{change.activity} {change.title}: {done}"
    if change.kind == "history_edited":
        return (
            f"{change.activity} {change.title}: {_value(old)} {arrow} "
            f"{_value(new) if new else 'removed'}"
        )
    return f"{change.activity} {change.title}: {_value(old)} {arrow} {_value(new)}{note}"


def diff_text(diff: PlanDiff) -> str:
    from cas_plan.answers.diff import KINDS

    lines = [f"casplan diff {diff.base} .. {diff.head}"]
    for label, problems in ((diff.base, diff.base_problems), (diff.head, diff.head_problems)):
        if problems:
            lines.append(f"the plan at {label} does not load ({len(problems)} problems):")
            lines += [f"  {problem.headline()}" for problem in problems[:10]]
    if diff.loaded and not diff.changes:
        lines.append("no change in meaning")
    for kind in KINDS:
        selected = [c for c in diff.changes if c.kind == kind]
        if selected:
            lines.append(f"{HEADINGS[kind]} ({len(selected)}):")
            mark = {"added": "+", "removed": "-", "history_edited": "!"}.get(kind, "*")
            lines += [f"  {mark} {change_line(change)}" for change in selected]
    return "\n".join(printable(line) for line in lines)


# --- follow-up -------------------------------------------------------------------------------


def period_words(period: Period, lang: str) -> str:
    """A period by its days, in the reader's language: "1 October - 31 December 2018"."""
    return format_date_range(period.start, period.end, lang)


def followup_heading(item: UnitFollowup, lang: str) -> str:
    """A unit's line of the follow-up, in plain words (each format escapes it whole)."""
    last = format_date(item.last_report, lang) if item.last_report else None
    return phrase(
        "followup.unit",
        lang,
        unit=item.unit.name,
        id=item.unit.id,
        missing=format_int(len(item.missing), lang),
        total=format_int(item.activities, lang),
        last=last or phrase("followup.never", lang),
    )


def followup_totals(result: Followup, lang: str) -> str:
    return phrase(
        "followup.totals",
        lang,
        missing=format_int(result.missing, lang),
        activities=plural(result.activities, "activity", lang),
        units_missing=format_int(result.units_missing, lang),
        units=plural(len(result.units), "unit", lang),
    )


def missing_deadline(missing: Missing, deadlines: DeadlineWords) -> str:
    """The deadline of an activity without a report, in words ("" when it has none)."""
    return deadlines(missing.due.when) if missing.due else ""


def missing_line(missing: Missing, deadlines: DeadlineWords) -> str:
    """An activity without a report and its deadline, in plain words (each format escapes it
    whole): "Creating the annual audit plan (deadline: each year by the end of November)"."""
    deadline = missing_deadline(missing, deadlines)
    return phrase("followup.activity", deadlines.lang, title=missing.title, deadline=deadline)


def followup_text(result: Followup, deadlines: DeadlineWords) -> str:
    """The terminal table, in the language of `deadlines`: a heading per unit, one line per
    activity without a report."""
    lang = deadlines.lang
    title = phrase(
        "followup.title_as_of",
        lang,
        period=period_words(result.period, lang),
        date=format_date(result.as_of, lang),
    )
    lines = [title, ""]
    width = max((len(m.id) for u in result.units for m in u.missing), default=0)
    for item in result.units:
        lines.append(followup_heading(item, lang))
        for missing in item.missing:
            deadline = missing_deadline(missing, deadlines)
            lines.append(f"  {missing.id:<{width}}  {deadline} | {missing.title}")
        lines.append("")
    lines.append(followup_totals(result, lang))
    return lines_text(lines)
