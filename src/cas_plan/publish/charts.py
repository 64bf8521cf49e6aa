"""The charts of the report and the site, as plain geometry a template draws in SVG (or
Mermaid): completion per goal as bars, the period's deadlines on a time line, each goal's
activities by status as a stacked bar; and a label made safe for a Mermaid block.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from types import MappingProxyType
from typing import Any

from cas_plan.answers.queries import DueRow
from cas_plan.l10n.formats import month_names

_MERMAID_UNSAFE = re.compile(r"[^0-9A-Za-zÀ-ž\u0400-\u04ff .,()/%-]")


def mermaid_text(text: str, limit: int = 60) -> str:
    """A label that cannot break out of a Mermaid block: letters, digits, spaces and . , ( ) / % -
    only (no ':', ';', '#', quotes, brackets, backticks, '%%' or line breaks), and short."""
    cleaned = re.sub("%+", "%", _MERMAID_UNSAFE.sub(" ", " ".join(str(text).split())))
    cleaned = " ".join(cleaned.split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1].rstrip() + "…"


# the colours of the charts, each with the legend word (a phrasebook key) it stands for
GANTT_COLOURS = MappingProxyType(
    {
        "done": ("#1a7f37", "completed"),
        "active": ("#2f81f7", "in_progress"),
        "crit": ("#cf222e", "overdue_short"),
        "": ("#8c959f", "legend_other"),
    }
)
BAR_COLOURS = MappingProxyType(
    {"done": ("#2f81f7", "legend_completed_share"), "rest": ("#eef1f4", "not_completed")}
)


def bar_chart(goals: list[dict[str, Any]]) -> dict[str, Any]:
    """Geometry of an SVG bar chart of completion per goal (percent completed of due; a goal
    with nothing due has no bar and shows an en dash)."""
    bar, gap, left, width, right = 22, 8, 70, 420, 60
    bars = []
    for index, goal in enumerate(goals):
        percent = goal["completion"]
        bars.append(
            {
                "label": goal["id"],
                "percent": percent,
                "y": index * (bar + gap),
                "width": round(width * percent / 100) if percent is not None else 0,
                "x": left,
            }
        )
    return {
        "bars": bars,
        "height": max(len(goals) * (bar + gap), bar),
        "bar": bar,
        "left": left,
        "width": width,
        "total_width": left + width + right,
        "legend": [{"colour": c, "word": w} for c, w in BAR_COLOURS.values()],
    }


def gantt(
    classified: list[tuple[DueRow, str]], first: dt.date, last: dt.date, as_of: dt.date, lang: str
) -> dict[str, Any]:
    """The deadlines of a period of at most a year on an axis of its months: label column, a
    column per month, and a margin so the last dot (the period's last day) is drawn whole. A
    longer period (the final report's) has too many deadlines to draw: no tasks."""
    label_width, month_width, row, margin = 300, 38, 16, 12
    start = dt.date(first.year, first.month, 1)
    months = (last.year - start.year) * 12 + last.month - start.month + 1
    days = (last - start).days + 1
    drawn = classified if months <= 12 else []
    tasks = []
    for index, (row_, klass) in enumerate(drawn):
        assert row_.deadline is not None
        tag = {
            "completed": "done",
            "completed_late": "done",
            "in_progress": "active",
            "cancelled": "",
        }.get(klass, "crit" if row_.deadline < as_of else "")
        offset = (row_.deadline - start).days + 0.5
        tasks.append(
            {
                "id": row_.view.id,
                "label": mermaid_text(f"{row_.view.id} {row_.view.title}"),
                "date": row_.deadline.isoformat(),
                "status": klass,
                "tag": tag,
                "colour": GANTT_COLOURS[tag][0],
                "x": round(label_width + months * month_width * offset / days, 1),
                "y": index * row + 8,
            }
        )
    names = month_names(lang)
    return {
        "tasks": tasks,
        "start": start.isoformat(),
        "end": last.isoformat(),
        "months": [
            {"name": names[(start.month - 1 + index) % 12], "x": label_width + index * month_width}
            for index in range(min(months, 12))
        ],
        "label_width": label_width,
        "month_width": month_width,
        "axis_end": label_width + min(months, 12) * month_width,
        "row": row,
        "height": len(tasks) * row + 30,
        "axis_y": len(tasks) * row + 25,
        "width": label_width + min(months, 12) * month_width + margin,
        "legend": [{"tag": tag, "colour": c, "word": w} for tag, (c, w) in GANTT_COLOURS.items()],
    }


def status_bars(goals: list[dict[str, Any]], order: Sequence[str]) -> dict[str, Any]:
    """A stacked bar per goal (its activities by status), under a line of text that says the
    numbers, so colour is never the only signal; narrow enough to read on a phone."""
    width, bar, row = 360, 14, 40
    rows = []
    for index, goal in enumerate(goals):
        counts, total = goal["completion"]["counts"], goal["completion"]["total"]
        x, segments = 0, []
        for key in order:
            size = round(width * counts[key] / total) if total else 0
            if size:
                segments.append({"key": key, "x": x, "width": size})
                x += size
        top = index * row
        rows.append(
            {
                "text_y": top + 15,
                "y": top + 20,
                "label": goal["id"],
                "segments": segments,
                "text": goal["completion"]["label"],
            }
        )
    return {"width": width, "height": len(goals) * row, "bar": bar, "rows": rows}
