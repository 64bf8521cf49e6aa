"""Plain text output: problems with the offending line, one full record, the diff summary.

Everything here is text a person reads in a terminal or a CI log; plan text in it is made
printable (`diagnostics.printable`) where it could carry control characters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from cas_plan.core.diagnostics import Diagnostic, printable
from cas_plan.core.status import status_label

if TYPE_CHECKING:  # imported where used: `validate` prints problems without them
    from cas_plan.answers.diff import PlanDiff
    from cas_plan.answers.records import ActivityShow, FundsRecord, ShowRecord


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


def plural(count: int, word: str, words: str | None = None) -> str:
    """'1 error', '2 errors' (English plan-tool words; reports use words.py)."""
    return f"{count} {word if count == 1 else words or word + 's'}"


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
        parts = [f"{amount['amount']} {amount['currency']}"]
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
    from cas_plan.answers.diff import entry_details

    if record["kind"] == "goal":
        lines = [
            f"Goal {record['id']}: {record['title']}",
            f"  file: {record['file']}",
            "",
            "Measures:",
        ]
        lines += [
            f"  {m['id']}  {m['title']} ({m['activities']} activities)" for m in record["measures"]
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
    r: ActivityShow = record
    lines = [f"Activity {r['id']}: {r['title']}"]
    if r["unnumbered"]:
        lines.append("  (the source prints no number for this activity)")
    lines.append(f"  goal {r['goal']}: {r['goal_title']}")
    lines.append(f"  measure {r['measure']}: {r['measure_title']}")
    if r["parent"]:
        lines.append(f"  parent {r['parent']}: {r['parent_title']}")
    lines.append(f"  file: {r['file']}")
    lines += ["", f"Indicators ({_cell_source(r, 'indicators')}):"]
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
    if r["history"]:
        lines += ["", "Amended cells (value, from, until, amendment):"]
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
    lines.append("Progress:")
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


def diff_text(diff: PlanDiff) -> str:
    from cas_plan.answers.diff import HEADINGS, KINDS, change_line

    lines = [f"casplan diff {diff.base} .. {diff.head}"]
    for label, problems in ((diff.base, diff.base_problems), (diff.head, diff.head_problems)):
        if problems:
            lines.append(f"the plan at {label} does not load ({len(problems)} problems):")
            lines += [f"  {problem}" for problem in problems[:10]]
    if diff.loaded and not diff.changes:
        lines.append("no change in meaning")
    for kind in KINDS:
        selected = [c for c in diff.changes if c.kind == kind]
        if selected:
            lines.append(f"{HEADINGS[kind]} ({len(selected)}):")
            mark = {"added": "+", "removed": "-", "history_edited": "!"}.get(kind, "*")
            lines += [f"  {mark} {change_line(change)}" for change in selected]
    return "\n".join(printable(line) for line in lines)
