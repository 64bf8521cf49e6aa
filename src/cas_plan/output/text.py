"""Plain text output: problems with the offending line, one full record, the diff summary, the
follow-up table, and the lines of every command's messages.

Everything here is text a person reads in a terminal or a CI log; every line that holds plan
text is made printable (`diagnostics.printable`, the one rule for terminal text), so a title
can neither break its line nor drive the terminal nor reorder the line. The phrases that other
formats escape in their own way (`followup_heading`, `change_line`) are built here as plain
words, unescaped, and each format escapes them whole.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from cas_plan.answers.diff import CELL_KINDS, KINDS, Change, PlanDiff
from cas_plan.answers.followup import Followup, UnitFollowup
from cas_plan.answers.queries import Section
from cas_plan.answers.records import ActivityShow, FundsRecord, ShowRecord
from cas_plan.core.diagnostics import Diagnostic, printable
from cas_plan.core.money import amount_text, parse_money
from cas_plan.core.periods import Period
from cas_plan.core.status import status_label


def problems_text(
    diagnostics: Iterable[Diagnostic], source_line: Callable[[str, int], str | None]
) -> str:
    """hledger-style: the headline, then the offending line with a caret, then what to do."""
    blocks = []
    for d in diagnostics:
        lines = [d.headline()]
        text = source_line(d.path, d.line)
        if text is not None:
            number = str(d.line)
            gutter = " " * len(number)
            # the line as the terminal may show it; the caret moves with the escapes before it
            shown = text.rstrip("\r\n").expandtabs(1)
            before = printable(text.expandtabs(1)[: max(d.col - 1, 0)])
            lines.append(f"  {number} | {printable(shown)}")
            lines.append(f"  {gutter} | {' ' * len(before)}^")
        if d.hint:
            lines.append(f"  hint: {printable(d.hint)}")
        blocks.append("\n".join(lines))
    return "\n".join(blocks)


SECTION_TITLES: dict[Section, str] = {
    "due": "Due",
    "unresolved": "Unresolved: the deadline depends on an event whose date is not recorded "
    "in events.yaml",
    "continuous": "Continuous and open-ended activities (no deadline)",
}
"""The headings of `due`'s sections, in the order they are shown."""


def counted(count: int, word: str, words: str | None = None) -> str:
    """'1 error', '2 errors', '2 activities': an English noun of the tool's own text counted
    (`words` for an irregular plural); text in the report's languages uses
    `cas_plan.l10n.formats.plural`."""
    if count == 1:
        return f"{count} {word}"
    if words is None:
        consonant_y = word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u")
        words = word[:-1] + "ies" if consonant_y else word + "s"
    return f"{count} {words}"


def lines_text(lines: Iterable[str]) -> str:
    """Lines for a terminal or a log, each made printable and ended by a line feed: the one way
    a command's messages (which name titles, units and files) are written."""
    return "".join(printable(line) + "\n" for line in lines)


def _cell_source(record: ActivityShow, cell: str) -> str:
    written_on = record["written_on"][cell]  # type: ignore[literal-required]
    if written_on is None:
        return "not stated"
    if written_on == record["id"]:
        return f"stated on {written_on}"
    return f"inherited from {written_on}"


def _funds_lines(funds: FundsRecord) -> list[str]:
    lines = []
    for amount in funds["amounts"]:
        parts = [amount_text(amount["amount"], amount["currency"])]
        if amount["year"]:
            parts.append(f"for {amount['year']}")
        if amount["annual"]:
            parts.append("annually")
        if amount["procurement"]:
            parts.append(amount["procurement"])
        if amount["source"]:
            parts.append(f"source: {amount['source']}")
        if amount["of_which"]:
            parts.append("(part of the amount above)")
        if amount["counted_under"]:
            parts.append(f"(counted under {amount['counted_under']})")
        lines.append("    " + ", ".join(parts))
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
            f"  {m['id']}  {m['title']} ({counted(m['activities'], 'activity')})"
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
            f"  {'  ' if a['parent'] else ''}{a['id']}  {a['title']}  [due {a['due']}, "
            f"{status_label(a['status'])}]"
            for a in record["activities"]
        ]
        return lines
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
    status = status_label(r["status"])
    lines += [
        "",
        f"Status: {status}" + (f" (since {r['status_date']})" if r["status_date"] else ""),
    ]
    if r["added_by"]:
        lines.append(f"Added by amendment {r['added_by']}")
    if r["cancelled_by"]:
        lines.append(f"Cancelled by amendment {r['cancelled_by']}")
    return lines + _history_lines(r) + _progress_lines(r)


def _cell_lines(r: ActivityShow) -> list[str]:
    """The indicators, responsible units, deadline and indicative funds."""
    lines = ["", f"Indicators ({_cell_source(r, 'indicators')}):"]
    lines += [f"  - {text}" for text in r["indicators"]] or ["  none"]
    lines += ["", f"Responsible ({_cell_source(r, 'responsible')}):"]
    for unit in r["responsible"]:
        extra = ", ".join(part for part in (unit["role"], unit["scope"]) if part)
        lines.append(f"  {unit['name']} [{unit['unit']}]" + (f": {extra}" if extra else ""))
    if r["listed_under_sub_activities"]:
        lines.append("  listed under the sub-activities")
    if r["responsible_as_written"]:
        lines.append(f"  as written: {r['responsible_as_written']}")
    due = r["due"]
    lines += ["", f"Due ({_cell_source(r, 'due')}): {due['spelling']}, {due['description']}"]
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
            f"  {entry['date']}  {status_label(entry['status'])}"
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
    if change.kind == "history_edited":
        return (
            f"{change.activity} {change.title}: {_value(old)} {arrow} "
            f"{_value(new) if new else 'removed'}"
        )
    return f"{change.activity} {change.title}: {_value(old)} {arrow} {_value(new)}{note}"


def diff_text(diff: PlanDiff) -> str:
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


def followup_heading(item: UnitFollowup, period: Period) -> str:
    """A unit's line of the follow-up, in plain words (each format escapes it whole)."""
    last = item.last_report.isoformat() if item.last_report else "never"
    return (
        f"{item.unit.name} ({item.unit.id}): {len(item.missing)} of {item.activities} "
        f"without a report in {period.text}; last report: {last}"
    )


def followup_totals(result: Followup) -> str:
    return (
        f"Total: {result.missing} of {result.activities} activities without a report in "
        f"{result.period.text}, at {result.units_missing} of {len(result.units)} units"
    )


def followup_text(result: Followup) -> str:
    """The terminal table: a heading per unit, one line per activity without a report."""
    lines = [
        f"Follow-up of {result.period.text} ({result.period.start} to {result.period.end}), "
        f"as of {result.as_of}",
        "",
    ]
    width = max((len(m.id) for u in result.units for m in u.missing), default=0)
    for item in result.units:
        lines.append(followup_heading(item, result.period))
        for missing in item.missing:
            lines.append(f"  {missing.id:<{width}}  {missing.deadline} | {missing.title}")
        lines.append("")
    lines.append(followup_totals(result))
    return lines_text(lines)
