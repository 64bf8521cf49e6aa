"""Tables for a terminal, with rich: they fit the screen, with colour only on a terminal.

Every function draws on a console and the caller gets the text (`draw`), so the commands stay
plain functions from arguments to output, and the command line alone knows the real terminal.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from cas_plan.answers.budget import NOT_SUMMED
from cas_plan.answers.queries import SECTIONS, DueRow, UnitLine, WhoRow
from cas_plan.answers.records import ActivityRecord, BudgetRecord, ReportDeadlineRecord
from cas_plan.core.deadlines import DeadlineSpec
from cas_plan.core.diagnostics import printable
from cas_plan.core.money import group_digits
from cas_plan.core.organization import responsible_names
from cas_plan.l10n.formats import MISSING, phrase, plural, unit_kind_label
from cas_plan.output.text import (
    TOOL_LANG,
    deadline_cell,
    header,
    report_kind_word,
    report_period_words,
    status_word,
    tool_phrase,
)


@dataclass(frozen=True)
class Screen:
    """What the output goes to: its width, and whether it shows colour."""

    width: int = 80
    color: bool = False

    @classmethod
    def of(cls, stream: IO[str]) -> Screen:
        """The screen of a stream: $COLUMNS, else the terminal's width, else 80; colour only
        on a terminal without NO_COLOR."""
        tty = stream.isatty()
        width = 0
        if os.environ.get("COLUMNS", "").isdigit():
            width = int(os.environ["COLUMNS"])
        elif tty:
            width = shutil.get_terminal_size((80, 24)).columns
        color = tty and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
        return cls(width if width > 0 else 80, color)


def draw(screen: Screen, paint: Callable[[Console], None]) -> str:
    """What `paint` prints on a console of the screen's size, as text."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=screen.width,
        force_terminal=screen.color,
        no_color=not screen.color,
        color_system="standard" if screen.color else None,
        highlight=False,
        soft_wrap=False,
        markup=False,
        emoji=False,
        legacy_windows=False,
    )
    paint(console)
    return buffer.getvalue()


def _table(*columns: tuple[str, dict[str, Any]]) -> Table:
    table = Table(box=None, pad_edge=False, header_style="bold", show_edge=False)
    for name, options in columns:
        table.add_column(name, **options)
    return table


def shown_text(cell: str | Text) -> Text:
    """Plan text as it may reach a terminal: control characters and line breaks shown as their
    escapes (`\\x1b`), so an escape sequence in a title cannot retitle the window or move
    the cursor, nor a CR overwrite a line."""
    if isinstance(cell, Text):
        return Text(printable(cell.plain), style=cell.style)
    return Text(printable(cell))


def _add_row(table: Table, *cells: str | Text, style: str | None = None) -> None:
    table.add_row(*(shown_text(cell) for cell in cells), style=style)


def _cell_width(cell: object) -> int:
    if isinstance(cell, Text):
        return cell.cell_len
    return Text(str(cell)).cell_len


# A column of free text keeps at least this many cells (a few letters and the ellipsis); when
# the other columns leave less, the table becomes one block per record.
MIN_TEXT_WIDTH = 6


def _show(console: Console, table: Table) -> None:
    """Print a table so that it fits the console without cropping a value that must be read
    whole: ids, dates, statuses, amounts and counts keep their full width, and only the free
    text columns (titles, names) give way, shortened with an ellipsis. When the fixed columns
    alone do not fit, each row is printed as a block of `header: value` lines instead."""
    width = console.width
    columns = table.columns
    natural = [max([_cell_width(c.header), *(_cell_width(x) for x in c.cells)]) for c in columns]
    flexible = [i for i, c in enumerate(columns) if c.ratio]
    # a free text column may keep a floor of its width whole (short deadlines), sharing the rest
    floor = {i: min(natural[i], columns[i].min_width or 0) for i in flexible}
    fixed = sum(w for i, w in enumerate(natural) if i not in flexible) + sum(floor.values())
    room = width - fixed - 2 * (len(columns) - 1)
    if room < MIN_TEXT_WIDTH * len(flexible) or (not flexible and room < 0):
        _show_blocks(console, table)
        return
    beyond = {i: natural[i] - floor[i] for i in flexible}
    if flexible and sum(beyond.values()) > room:
        share = room // len(flexible)
        spare = room - share * len(flexible)
        for i in flexible:  # columns narrower than their share give the rest to the others
            spare += max(share - beyond[i], 0)
        wide = [i for i in flexible if beyond[i] > share]
        for i in flexible:
            extra = beyond[i] if i not in wide else share + spare // max(len(wide), 1)
            columns[i].width = floor[i] + extra
    for i, column in enumerate(columns):
        if not column.ratio:
            column.min_width = column.max_width = natural[i]
            column.no_wrap = True
        column.ratio = None
    console.print(table)


def _show_blocks(console: Console, table: Table) -> None:
    """One record per block: every value whole (ids and amounts run past the edge rather than
    being cut; free text wraps)."""
    headers = [str(c.header) for c in table.columns]
    label_width = max(len(h) for h in headers)
    cells = [list(c.cells) for c in table.columns]
    for number, row in enumerate(table.rows):
        if number:
            console.print()
        for i, column in enumerate(table.columns):
            value = cells[i][number]
            text = Text(f"{headers[i]}:".ljust(label_width + 2), style="bold")
            text.append_text(value if isinstance(value, Text) else Text(str(value)))
            if row.style:
                text.stylize(row.style)
            if column.ratio:
                console.print(text, overflow="fold")
            else:
                console.print(text, no_wrap=True, overflow="ignore", crop=False)


NARROW = {"no_wrap": True}
WIDE = {"ratio": 1, "overflow": "ellipsis", "no_wrap": True}
# a deadline in words is read whole when short (a date, a quarter, "continuous"); a longer one
# (an event's name) gives way like a title
SHORT_DEADLINE = 24

Say = Callable[[DeadlineSpec], str]


def deadline_column(cells: Iterable[str]) -> dict[str, Any]:
    """How a column of deadlines fits: NARROW when every one is short; else WIDE, keeping the
    width of the short ones whole."""
    lengths = [Text(cell).cell_len for cell in cells]
    short = [length for length in lengths if length <= SHORT_DEADLINE]
    if len(short) == len(lengths):
        return NARROW
    return {**WIDE, "min_width": max(short, default=0)}


def status_text(status: str) -> Text:
    style = {"completed": "green", "delayed": "yellow", "cancelled": "dim"}.get(status, "")
    return Text(status_word(status), style=style)


def print_due(console: Console, rows: Sequence[DueRow], names: Mapping[str, str], say: Say) -> None:
    """`casplan due`: a table per section; an occurrence on its date, any other deadline in
    words."""
    if not rows:
        console.print(tool_phrase("nothing_due"))
        return
    first = True
    for section in SECTIONS:
        in_section = [row for row in rows if row.section == section]
        if not in_section:
            continue
        if not first:
            console.print()
        first = False
        heading = tool_phrase(f"section.{section}")
        console.print(
            Text(f"{heading} ({len(in_section)})", style="bold"), no_wrap=True, overflow="ellipsis"
        )
        if section == "due" and any(row.overdue for row in in_section):
            console.print(tool_phrase("overdue_mark"), no_wrap=True, overflow="ellipsis")
        whens = [
            row.deadline.isoformat() if row.deadline else deadline_cell(row.view.due.value, say)
            for row in in_section
        ]
        table = _table(
            ("!", NARROW),
            (header("id"), NARROW),
            (header("deadline"), deadline_column(whens)),
            (header("activity"), WIDE),
            (header("responsible"), WIDE),
            (header("status"), NARROW),
        )
        for row, when in zip(in_section, whens, strict=True):
            _add_row(
                table,
                "!" if row.overdue else "",
                row.view.id,
                when,
                row.view.title,
                ", ".join(responsible_names(row.view, names)),
                status_text(row.status),
                style="red" if row.overdue else None,
            )
        _show(console, table)


def print_reports(console: Console, records: Sequence[ReportDeadlineRecord]) -> None:
    """`casplan due --reports`: the reports the coordinator owes, by due date."""
    if not records:
        console.print(tool_phrase("nothing_due"))
        return
    table = _table(
        (header("deadline"), NARROW),
        (header("report"), NARROW),
        (header("report_period"), NARROW),
    )
    for r in records:
        _add_row(table, r["due"], report_kind_word(r["kind"]), report_period_words(r))
    _show(console, table)


def print_activities(console: Console, records: Iterable[ActivityRecord]) -> None:
    """`casplan list` as a table: a deadline on a day as its ISO date, any other in words."""
    rows = list(records)
    dues = [
        (due["spelling"] if due["kind"] == "date" else due["description"]) or ""
        for due in (record["due"] for record in rows)
    ]
    table = _table(
        (header("id"), NARROW),
        (header("activity"), WIDE),
        (header("responsible"), WIDE),
        (header("due"), deadline_column(dues)),
        (header("status"), NARROW),
    )
    for record, due in zip(rows, dues, strict=True):
        _add_row(
            table,
            record["id"],
            record["title"],
            ", ".join(r["name"] for r in record["responsible"])
            or (record["responsible_as_written"] or ""),
            due,
            status_text(record["status"]),
        )
    _show(console, table)


def print_units(console: Console, lines: Sequence[UnitLine]) -> None:
    """The registry as an indented tree: name [id], kind, head; activities led directly and
    with sub-units."""
    for line in lines:
        unit = line.unit
        details = [unit_kind_label(unit.kind, TOOL_LANG)]
        if unit.head:
            details.append(tool_phrase("head", head=unit.head))
        if unit.covers:
            details.append(tool_phrase("covers", units=", ".join(unit.covers)))
        counts = tool_phrase("directly", count=str(line.direct))
        if line.total != line.direct:
            counts += ", " + tool_phrase("with_sub_units", count=str(line.total))
        text = Text("  " * line.depth)
        text.append(printable(unit.name), style="bold")
        text.append(f" [{unit.id}]  {counts}")
        text.append(f"  ({printable('; '.join(details))})", style="dim")
        console.print(text, overflow="fold")


def print_who(
    console: Console,
    unit_id: str,
    rows: Sequence[WhoRow],
    names: Mapping[str, str],
    goal_titles: Mapping[str, str],
    measure_titles: Mapping[str, str],
    say: Say,
) -> None:
    """`casplan who`: the unit's activities, a table per measure under its goal."""
    activities = plural(len(rows), "activity", TOOL_LANG)
    console.print(shown_text(f"{names[unit_id]} [{unit_id}]: {activities}"))
    console.print()
    if not rows:
        console.print(tool_phrase("no_activity"))
        return
    dues = deadline_column(deadline_cell(row.view.due.value, say) for row in rows)
    goal, measure = phrase("goal", TOOL_LANG), phrase("measure", TOOL_LANG)
    current: tuple[str, str] | None = None
    table: Table | None = None
    for row in rows:
        key = (row.view.goal_id, row.view.measure_id)
        if key != current:
            if table is not None:
                _show(console, table)
                console.print()
            if current is None or key[0] != current[0]:
                title = printable(goal_titles.get(key[0], ""))
                console.print(Text(f"{goal} {key[0]}: {title}", style="bold"))
            measure_title = printable(measure_titles.get(key[1], ""))
            console.print(
                Text(f"  {measure} {key[1]}: {measure_title}", style="bold"),
                overflow="ellipsis",
                no_wrap=True,
            )
            table = _table(
                (header("id"), NARROW),
                (header("activity"), WIDE),
                (header("due"), dues),
                (header("status"), NARROW),
                (tool_phrase("shared_with").lower(), WIDE),
            )
            current = key
        assert table is not None
        _add_row(
            table,
            row.view.id,
            row.view.title,
            deadline_cell(row.view.due.value, say),
            status_text(row.status),
            ", ".join(names.get(u, u) for u in row.shared_with),
        )
    if table is not None:
        _show(console, table)


def print_budget(console: Console, record: BudgetRecord) -> None:
    year, by = record["year"], record["by"]
    title = (
        tool_phrase("budget_for", year=str(year), by=by) if year else tool_phrase("budget", by=by)
    )
    console.print(Text(title, style="bold"))
    _budget_lines(console, record)
    if record["spent"]:
        _spent_beside(console, record)
    _not_summed(console, record)


RIGHT = {"justify": "right", "no_wrap": True}


def _budget_lines(console: Console, record: BudgetRecord) -> None:
    """The lines of the budget, then the totals per currency, basis and procurement."""
    table = _table(
        (record["by"], WIDE if record["by"] == "source" else NARROW),  # a source is a name
        (tool_phrase("name").lower(), WIDE),
        (header("currency"), NARROW),
        (header("basis"), NARROW),
        (header("procurement"), NARROW),
        (header("total"), RIGHT),
    )
    for line in record["lines"]:
        _add_row(
            table,
            line["group"],
            line["name"],
            line["currency"],
            line["basis"],
            line["procurement"],
            group_digits(line["total"]),
        )
    _show(console, table)
    console.print()
    console.print(Text(tool_phrase("totals"), style="bold"))
    totals = _table(
        (header("currency"), NARROW),
        (header("basis"), NARROW),
        (header("procurement"), NARROW),
        (header("total"), RIGHT),
    )
    for total in record["totals"]:
        _add_row(
            totals,
            total["currency"],
            total["basis"],
            total["procurement"],
            group_digits(total["total"]),
        )
    _show(console, totals)
    console.print()


def _spent_beside(console: Console, record: BudgetRecord) -> None:
    """What was spent beside what was indicated, per group, then per currency."""
    year = record["year"]
    console.print(
        Text(
            tool_phrase("spent_in", year=str(year))
            if year is not None
            else tool_phrase("spent_all_years"),
            style="bold",
        )
    )
    beside = _table(
        (record["by"], {"no_wrap": True}),
        (tool_phrase("name").lower(), WIDE),
        (header("currency"), NARROW),
        (tool_phrase("indicative").lower(), RIGHT),
        (tool_phrase("spent").lower(), RIGHT),
    )

    def shown(value: str | None) -> str:
        return group_digits(value) if value is not None else MISSING

    for pair in record["spent"]:
        _add_row(
            beside,
            pair["group"],
            pair["name"],
            pair["currency"],
            shown(pair["indicative"]),
            shown(pair["spent"]),
        )
    for summed in record["spent_totals"]:
        _add_row(
            beside,
            header("total"),
            "",
            summed["currency"],
            shown(summed["indicative"]),
            shown(summed["spent"]),
        )
    _show(console, beside)
    console.print()


def _not_summed(console: Console, record: BudgetRecord) -> None:
    """The activities whose funds are not in the sums, by why, and the amounts left out."""
    console.print(Text(tool_phrase("not_summed"), style="bold"))
    for name in NOT_SUMMED:
        count = plural(record["not_summed"][name]["count"], "activity", TOOL_LANG)
        console.print(f"  {tool_phrase(f'not_summed.{name}')}: {count}")
    for amount in record["excluded"]:
        line = tool_phrase(
            "excluded",
            amount=group_digits(amount["amount"]),  # with the currency: money.amount_text's form
            currency=amount["currency"],
            activity=amount["activity"],
            reason=amount["reason"],
        )
        console.print(shown_text(f"  {line}"))
    if record["other_years"]:
        amounts = plural(len(record["other_years"]), "amount", TOOL_LANG)
        console.print(f"  {tool_phrase('other_years', amounts=amounts)}")
