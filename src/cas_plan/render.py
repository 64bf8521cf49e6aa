"""Terminal output of query results with rich: tables that fit the terminal, plain when piped.

rich drops colour when NO_COLOR is set or the output is not a terminal, and shortens long
activity titles with an ellipsis on narrow terminals.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from cas_plan.effective import ActivityView
from cas_plan.organization import responsible_unit_ids
from cas_plan.queries import DueRow, UnitLine, WhoRow


def make_console(width: int | None = None) -> Console:
    return Console(highlight=False, soft_wrap=False, width=width, markup=False, emoji=False)


def _table(*columns: tuple[str, dict[str, Any]]) -> Table:
    table = Table(box=None, pad_edge=False, header_style="bold", show_edge=False)
    for name, options in columns:
        table.add_column(name, **options)
    return table


def _cell_width(cell: object) -> int:
    if isinstance(cell, Text):
        return cell.cell_len
    return Text(str(cell)).cell_len


def _fit(table: Table, width: int) -> Table:
    """Fit a table to the terminal: short columns (ids, dates, statuses) keep their full width,
    and only the long text columns give way, shortened with an ellipsis."""
    natural = [
        max([_cell_width(c.header), *(_cell_width(x) for x in c.cells)]) for c in table.columns
    ]
    flexible = [i for i, c in enumerate(table.columns) if c.ratio]
    fixed = sum(w for i, w in enumerate(natural) if i not in flexible)
    gaps = 2 * (len(table.columns) - 1)
    room = width - fixed - gaps
    wanted = sum(natural[i] for i in flexible)
    if flexible and wanted > room:
        share = max(room, 8 * len(flexible)) // len(flexible)
        spare = 0
        for i in flexible:  # columns narrower than their share give the rest to the others
            spare += max(share - natural[i], 0)
        wide = [i for i in flexible if natural[i] > share]
        for i in flexible:
            column = table.columns[i]
            column.width = natural[i] if i not in wide else share + spare // max(len(wide), 1)
    for i, column in enumerate(table.columns):
        if not column.ratio:
            column.min_width = natural[i]
        column.ratio = None
    return table


NARROW = {"no_wrap": True}
WIDE = {"ratio": 1, "overflow": "ellipsis", "no_wrap": True}


def unit_names(view: ActivityView, names: dict[str, str]) -> str:
    return ", ".join(names.get(u, u) for u in responsible_unit_ids(view))


def status_text(status: str) -> Text:
    label = status.replace("_", " ")
    style = {"completed": "green", "delayed": "yellow", "cancelled": "dim"}.get(status, "")
    return Text(label, style=style)


SECTION_HEADINGS = {
    "due": "Due",
    "unresolved": "Unresolved: the deadline depends on an event whose date is not recorded "
    "in events.yaml",
    "continuous": "Continuous activities (no deadline)",
}


def print_due(console: Console, rows: Sequence[DueRow], names: dict[str, str]) -> None:
    if not rows:
        console.print("Nothing is due in this window.")
        return
    first = True
    for section, heading in SECTION_HEADINGS.items():
        in_section = [row for row in rows if row.section == section]
        if not in_section:
            continue
        if not first:
            console.print()
        first = False
        console.print(
            Text(f"{heading} ({len(in_section)})", style="bold"), no_wrap=True, overflow="ellipsis"
        )
        if section == "due" and any(row.overdue for row in in_section):
            console.print(
                "! = overdue: the deadline has passed and the activity is not completed",
                no_wrap=True,
                overflow="ellipsis",
            )
        table = _table(
            ("!", NARROW),
            ("id", NARROW),
            ("deadline", NARROW),
            ("activity", WIDE),
            ("responsible", WIDE),
            ("status", NARROW),
        )
        for row in in_section:
            deadline = row.view.due.value
            when = (
                row.deadline.isoformat()
                if row.deadline
                else (deadline.when.spell() if deadline else "")
            )
            table.add_row(
                "!" if row.overdue else "",
                row.view.id,
                when,
                row.view.title,
                unit_names(row.view, names),
                status_text(row.status),
                style="red" if row.overdue else None,
            )
        console.print(_fit(table, console.width))


def print_activities(console: Console, records: Iterable[dict[str, Any]]) -> None:
    """`casplan list` as a table."""
    table = _table(
        ("id", NARROW),
        ("activity", WIDE),
        ("responsible", WIDE),
        ("due", NARROW),
        ("status", NARROW),
    )
    for record in records:
        table.add_row(
            record["id"],
            record["title"],
            ", ".join(r["name"] for r in record["responsible"])
            or (record["responsible_as_written"] or ""),
            record["due"]["spelling"] or "",
            status_text(record["status"]),
        )
    console.print(_fit(table, console.width))


def print_units(console: Console, lines: Sequence[UnitLine]) -> None:
    """The registry as an indented tree: name [id], kind, head; activities led directly and
    with sub-units."""
    for line in lines:
        unit = line.unit
        details = [unit.kind] + ([f"head: {unit.head}"] if unit.head else [])
        if unit.covers:
            details.append("covers " + ", ".join(unit.covers))
        counts = f"{line.direct} directly" + (
            f", {line.total} with sub-units" if line.total != line.direct else ""
        )
        text = Text("  " * line.depth)
        text.append(unit.name, style="bold")
        text.append(f" [{unit.id}]  {counts}")
        text.append(f"  ({'; '.join(details)})", style="dim")
        console.print(text, overflow="fold")


def print_who(
    console: Console,
    rows: Sequence[WhoRow],
    names: dict[str, str],
    goal_titles: dict[str, str],
    measure_titles: dict[str, str],
) -> None:
    if not rows:
        console.print("No activity names this unit.")
        return
    current: tuple[str, str] | None = None
    table: Table | None = None
    for row in rows:
        key = (row.view.goal_id, row.view.measure_id)
        if key != current:
            if table is not None:
                console.print(_fit(table, console.width))
                console.print()
            if current is None or key[0] != current[0]:
                console.print(Text(f"Goal {key[0]}: {goal_titles.get(key[0], '')}", style="bold"))
            console.print(
                Text(f"  Measure {key[1]}: {measure_titles.get(key[1], '')}", style="bold"),
                overflow="ellipsis",
                no_wrap=True,
            )
            table = _table(
                ("id", NARROW),
                ("activity", WIDE),
                ("due", NARROW),
                ("status", NARROW),
                ("shared with", WIDE),
            )
            current = key
        deadline = row.view.due.value
        assert table is not None
        table.add_row(
            row.view.id,
            row.view.title,
            deadline.when.spell() if deadline else "",
            status_text(row.status),
            ", ".join(names.get(u, u) for u in row.shared_with),
        )
    if table is not None:
        console.print(_fit(table, console.width))


def _cell_source(record: dict[str, Any], cell: str) -> str:
    written_on = record["written_on"][cell]
    if written_on is None:
        return "not stated"
    if written_on == record["id"]:
        return f"stated on {written_on}"
    return f"inherited from {written_on}"


def _funds_lines(funds: dict[str, Any]) -> list[str]:
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


def show_text(record: dict[str, Any]) -> str:
    """The plain-text form of `casplan show`."""
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
        return "\n".join(lines)
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
            f"{a['status'].replace('_', ' ')}]"
            for a in record["activities"]
        ]
        return "\n".join(lines)
    r = record
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
    status = r["status"].replace("_", " ")
    lines += [
        "",
        f"Status: {status}" + (f" (since {r['status_date']})" if r["status_date"] else ""),
    ]
    lines.append("Progress:")
    if not r["progress"]:
        lines.append("  none recorded")
    for entry in r["progress"]:
        lines.append(
            f"  {entry['date']}  {entry['status'].replace('_', ' ')}"
            + (f": {entry['note']}" if entry.get("note") else "")
        )
        for indicator, value in entry.get("values", {}).items():
            lines.append(f"      {indicator}: {value}")
        for link in entry.get("evidence", []):
            lines.append(f"      evidence: {link}")
        if entry.get("reported_by"):
            lines.append(f"      reported by {entry['reported_by']}")
    return "\n".join(lines)


def print_budget(console: Console, record: dict[str, Any]) -> None:
    title = "Indicative funds" + (f" for {record['year']}" if record["year"] else "")
    console.print(Text(f"{title}, by {record['by']}", style="bold"))
    table = _table(
        (record["by"], {"no_wrap": True}),
        ("name", WIDE),
        ("currency", NARROW),
        ("basis", NARROW),
        ("procurement", NARROW),
        ("total", {"justify": "right", "no_wrap": True}),
    )
    for line in record["lines"]:
        table.add_row(
            line["group"],
            line["name"],
            line["currency"],
            line["basis"],
            line["procurement"],
            f"{_money(line['total'])}",
        )
    console.print(_fit(table, console.width))
    console.print()
    console.print(Text("Totals (each amount counted once; currencies never added)", style="bold"))
    totals = _table(
        ("currency", NARROW),
        ("basis", NARROW),
        ("procurement", NARROW),
        ("total", {"justify": "right", "no_wrap": True}),
    )
    for total in record["totals"]:
        totals.add_row(
            total["currency"], total["basis"], total["procurement"], _money(total["total"])
        )
    console.print(_fit(totals, console.width))
    console.print()
    console.print(Text("Not summed", style="bold"))
    labels = {
        "no_extra_cost": "no extra cost (regular activities)",
        "undetermined": "cannot be established / TBD",
        "stated_elsewhere": "stated under another activity or measure",
        "sources_only": "financing source named, no amount",
        "external": "established in another document",
        "not_stated": "no funds stated",
    }
    for name, label in labels.items():
        entry = record["not_summed"][name]
        console.print(
            f"  {label}: {entry['count']} {'activity' if entry['count'] == 1 else 'activities'}"
        )
    for amount in record["excluded"]:
        console.print(
            f"  {amount['amount']} {amount['currency']} of {amount['activity']}: {amount['reason']}"
        )
    if record["other_years"]:
        console.print(
            f"  {len(record['other_years'])} amounts stated for other years or for the "
            "whole plan period (see --format json)"
        )


def _money(text: str) -> str:
    whole, _, cents = text.partition(".")
    grouped = f"{int(whole):,}"
    return f"{grouped}.{cents}" if cents else grouped
