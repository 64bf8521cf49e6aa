"""Markdown output: tables of `due` and `who`, the follow-up list, and the `diff` summary for
pull requests.

Every piece of plan text goes through `md_escape`, so it stays inside its cell and cannot become
markup, a mention or a link.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from cas_plan.answers.diff import KINDS, PlanDiff
from cas_plan.answers.followup import Followup
from cas_plan.answers.queries import SECTION_TITLES, DueRow, WhoRow
from cas_plan.core.diagnostics import printable
from cas_plan.core.organization import responsible_names
from cas_plan.core.status import status_label
from cas_plan.output.text import HEADINGS, change_line, followup_heading, followup_totals

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~$&])")


def md_escape(text: str) -> str:
    """Text safe inside a Markdown table cell or after a list marker: one line, no markup, no
    mentions, no issue references, no HTML."""
    text = printable(" ".join(str(text).split()))  # control characters as `\\x1b`
    text = _MD_SPECIAL.sub(r"\\\1", text)
    # break @mentions and #references so GitHub does not notify teams or link issues
    return text.replace("@", "@\u200b")


def md_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = [
        "| " + " | ".join(md_escape(h) for h in headers) + " |",
        "|" + "|".join("---" for _ in headers) + "|",
    ]
    lines += ["| " + " | ".join(md_escape(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def due_markdown(rows: Sequence[DueRow], names: Mapping[str, str]) -> str:
    out = []
    for section, title in SECTION_TITLES.items():
        in_section = [row for row in rows if row.section == section]
        if not in_section:
            continue
        out.append(f"## {title}\n")
        out.append(
            md_table(
                ["deadline", "id", "activity", "responsible", "status"],
                [
                    [
                        (
                            row.deadline.isoformat()
                            if row.deadline
                            else row.view.due.value.when.spell()
                            if row.view.due.value
                            else ""
                        )
                        + (" (overdue)" if row.overdue else ""),
                        row.view.id,
                        row.view.title,
                        ", ".join(responsible_names(row.view, names)),
                        status_label(row.status),
                    ]
                    for row in in_section
                ],
            )
        )
        out.append("")
    return "\n".join(out) if out else "Nothing is due.\n"


def who_markdown(unit_name: str, rows: Sequence[WhoRow], names: Mapping[str, str]) -> str:
    table = md_table(
        ["id", "measure", "activity", "due", "status", "shared with"],
        [
            [
                row.view.id,
                row.view.measure_id,
                row.view.title,
                row.view.due.value.when.spell() if row.view.due.value else "",
                status_label(row.status),
                ", ".join(names.get(u, u) for u in row.shared_with),
            ]
            for row in rows
        ],
    )
    return f"# {md_escape(unit_name)}\n\n{table}\n"


def followup_markdown(result: Followup) -> str:
    """The follow-up as a document: a section per unit, a list item per activity."""
    period = result.period
    lines = [f"# Follow-up of {md_escape(period.text)}", "", f"As of {result.as_of}.", ""]
    for item in result.units:
        heading = md_escape(followup_heading(item, period))
        lines += [f"## {md_escape(item.unit.name)}", "", heading + ".", ""]
        lines += [
            f"- **{md_escape(m.id)}** {md_escape(m.title)} (deadline: {md_escape(m.deadline)})"
            for m in item.missing
        ]
        if item.missing:
            lines.append("")
    lines.append(md_escape(followup_totals(result)) + ".")
    return "\n".join(lines) + "\n"


def diff_markdown(diff: PlanDiff) -> str:
    """The `diff` summary as a pull-request comment."""

    def code(label: str) -> str:
        return "`" + label.replace("`", "'")[:60] + "`"

    lines = [f"### Plan changes: {code(diff.base)} .. {code(diff.head)}", ""]
    for label, problems in ((diff.base, diff.base_problems), (diff.head, diff.head_problems)):
        if problems:
            lines.append(
                f"**The plan at {md_escape(label)} does not load** "
                f"({len(problems)} problems; run `casplan validate`):"
            )
            lines += [f"- {md_escape(problem.headline())}" for problem in problems[:10]]
            lines.append("")
    if diff.loaded and not diff.changes:
        lines.append("No change in meaning.")
    for kind in KINDS:
        selected = [c for c in diff.changes if c.kind == kind]
        if not selected:
            continue
        warning = ":warning: " if kind == "history_edited" else ""
        lines += [f"#### {warning}{HEADINGS[kind]} ({len(selected)})", ""]
        lines += [f"- {md_escape(change_line(change, '→'))}" for change in selected]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
