"""Markdown output: tables of `due` and `who`, the follow-up list, and the `diff` summary for
pull requests.

Every piece of plan text goes through `md_escape`, so it stays inside its cell and cannot become
markup, a mention or a link.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from cas_plan.answers.diff import KINDS, PlanDiff
from cas_plan.answers.followup import Followup
from cas_plan.answers.queries import SECTIONS, DueRow, WhoRow
from cas_plan.answers.records import ReportDeadlineRecord
from cas_plan.core.deadlines import DeadlineSpec
from cas_plan.core.diagnostics import one_line, printable
from cas_plan.core.organization import responsible_names
from cas_plan.l10n.deadlines import DeadlineWords
from cas_plan.l10n.formats import format_date, phrase, sentence
from cas_plan.output.text import (
    HEADINGS,
    change_line,
    deadline_cell,
    followup_heading,
    followup_totals,
    header,
    missing_line,
    period_words,
    report_kind_word,
    report_period_words,
    status_word,
    tool_phrase,
)

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~$&])")


def md_escape(text: str) -> str:
    """Text safe inside a Markdown table cell or after a list marker: one line, no markup, no
    mentions, no issue references, no HTML."""
    text = printable(one_line(str(text)))  # control characters as `\\x1b`
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


def _due_cell(row: DueRow, say: Callable[[DeadlineSpec], str]) -> str:
    due = row.view.due.value
    when = row.deadline.isoformat() if row.deadline else deadline_cell(due, say)
    return when + (" " + tool_phrase("overdue_suffix") if row.overdue else "")


def due_markdown(
    rows: Sequence[DueRow], names: Mapping[str, str], say: Callable[[DeadlineSpec], str]
) -> str:
    out = []
    for section in SECTIONS:
        in_section = [row for row in rows if row.section == section]
        if not in_section:
            continue
        out.append(f"## {tool_phrase(f'section.{section}')}\n")
        out.append(
            md_table(
                [header(key) for key in ("deadline", "id", "activity", "responsible", "status")],
                [
                    [
                        _due_cell(row, say),
                        row.view.id,
                        row.view.title,
                        ", ".join(responsible_names(row.view, names)),
                        status_word(row.status),
                    ]
                    for row in in_section
                ],
            )
        )
        out.append("")
    return "\n".join(out) if out else tool_phrase("nothing_due_md") + "\n"


def reports_markdown(records: Sequence[ReportDeadlineRecord]) -> str:
    """`due --reports --format md`: the reports the coordinator owes, by due date."""
    if not records:
        return tool_phrase("nothing_due_md") + "\n"
    rows = [[r["due"], report_kind_word(r["kind"]), report_period_words(r)] for r in records]
    return md_table([header("deadline"), header("report"), header("report_period")], rows) + "\n"


def who_markdown(
    unit_name: str,
    rows: Sequence[WhoRow],
    names: Mapping[str, str],
    say: Callable[[DeadlineSpec], str],
) -> str:
    headers = [header(key) for key in ("id", "measure", "activity", "due", "status")]
    table = md_table(
        [*headers, tool_phrase("shared_with").lower()],
        [
            [
                row.view.id,
                row.view.measure_id,
                row.view.title,
                deadline_cell(row.view.due.value, say),
                status_word(row.status),
                ", ".join(names.get(u, u) for u in row.shared_with),
            ]
            for row in rows
        ],
    )
    return f"# {md_escape(unit_name)}\n\n{table}\n"


def followup_markdown(result: Followup, deadlines: DeadlineWords) -> str:
    """The follow-up as a document, in the language of `deadlines`: a section per unit, a list
    item per activity."""
    lang = deadlines.lang
    title = phrase("followup.title", lang, period=period_words(result.period, lang))
    state = phrase("state_as_of", lang, date=format_date(result.as_of, lang))
    lines = [f"# {md_escape(title)}", "", md_escape(sentence(state)), ""]
    for item in result.units:
        heading = md_escape(followup_heading(item, lang))
        lines += [f"## {md_escape(item.unit.name)}", "", heading + ".", ""]
        lines += [
            f"- **{md_escape(m.id)}** {md_escape(missing_line(m, deadlines))}" for m in item.missing
        ]
        if item.missing:
            lines.append("")
    lines.append(md_escape(followup_totals(result, lang)) + ".")
    return "\n".join(lines) + "\n"


def diff_markdown(diff: PlanDiff) -> str:
    """The `diff` summary as a pull-request comment."""

    def code(label: str) -> str:
        return "`" + printable(label).replace("`", "'")[:60] + "`"

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
