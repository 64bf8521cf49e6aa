"""The yearly report as a Word document (python-docx), from the same context as the templates.

Word's own heading styles (Heading 1-3) and a table of contents field over them; A4 pages with
the page number in the footer (a PAGE field), the annex's wide table on landscape pages; tables
whose widths fit their ids, dates, amounts and header words (`output.word`), whose header row
repeats on every page (`w:tblHeader`), whose rows do not split (`w:cantSplit`) and whose numbers
are right-aligned; charts as tables. The same context gives the same bytes: the document's
dates are the date of the state and the zip entries carry a fixed timestamp.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from docx.table import Table

from cas_plan.core.diagnostics import visible
from cas_plan.l10n.formats import jinja_filters
from cas_plan.output import word
from cas_plan.output.word import Column, Kind

TOC_LEVELS = 2  # the sections and the goals; the measures would make the contents pages long


def _evidence_lines(paragraph: Any, evidence: Sequence[dict[str, Any]]) -> None:
    """The evidence one per line; a piece the context links (`href`: a web address, by
    `model.evidence_link`) is a hyperlink in Word too."""
    for run in list(paragraph.runs):
        run._r.getparent().remove(run._r)
    for index, item in enumerate(evidence):
        if index:
            paragraph.add_run().add_break()
        if item["href"] is None:
            paragraph.add_run(item["text"]).font.size = Pt(word.TABLE_POINTS)
        else:
            word.hyperlink(paragraph, item["text"], address=item["href"])


def _visible(value: Any) -> Any:
    """The context with every string as a document holds it (`diagnostics.visible`, the one
    rule for docx): python-docx refuses control characters, and bidi controls would reorder
    the text around them."""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, dict):
        return {_visible(key): _visible(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_visible(item) for item in value]
    return value


def report_docx(context: dict[str, Any]) -> bytes:
    """The report of `cas_plan.publish.report.build_context` as the bytes of a .docx file."""
    context = _visible(context)
    report = _Report(_document(context), context)
    report.title()
    contents = report.document.add_paragraph()
    report.summary()
    report.charts()
    report.achievements()
    report.delays()
    report.amendments()
    report.funds()
    report.evaluation()
    report.annex()
    report.indicators()
    report.contents(contents)
    buffer = io.BytesIO()
    report.document.save(buffer)
    return word.reproducible(buffer.getvalue())


def _document(context: dict[str, Any]) -> Any:
    """An empty A4 document in Arial and the report's language, its page number in the footer,
    dated the date of the state; Word updates its fields (the contents) when it opens it."""
    document = Document()
    section = document.sections[0]
    word.page_setup(section)
    document.styles["Normal"].font.size = Pt(10)
    word.use_font(document, context["html_lang"])
    word.update_fields_on_open(document)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(f"{context['w']['page']} ")
    word.field(footer, "PAGE", "1")
    as_of = dt.date.fromisoformat(context["as_of"])
    stamp = dt.datetime(as_of.year, as_of.month, as_of.day, tzinfo=dt.UTC)
    core = document.core_properties
    core.title = context["title"]
    core.author = core.last_modified_by = "casplan"
    core.created = core.modified = core.last_printed = stamp
    core.revision = 1
    core.language = context["html_lang"]
    return document


class _Report:
    """The report's sections written into `document`, in order, from the context; the
    headings of the first TOC_LEVELS levels are bookmarked for the table of contents."""

    def __init__(self, document: Any, context: dict[str, Any]) -> None:
        self.document = document
        self.context = context
        self.w: dict[str, str] = context["w"]
        self.f: dict[str, Callable[..., str]] = jinja_filters(context["lang"])
        self.headings: list[tuple[str, int, str]] = []  # text, level, bookmark

    @property
    def width(self) -> float:
        """The text width of the current section, in cm."""
        return word.text_width_of(self.document.sections[-1])

    def heading(self, text: str, level: int) -> None:
        paragraph = self.document.add_heading(text, level=level)
        if level <= TOC_LEVELS:
            name = f"_Toc{len(self.headings) + 1:04d}"
            word.bookmark(paragraph, name, len(self.headings) + 1)
            self.headings.append((text, level, name))

    def table(
        self, columns: Sequence[Column], rows: Sequence[Sequence[str]], *, header: bool = True
    ) -> Table:
        return word.add_table(self.document, columns, rows, self.width, header=header)

    def paragraphs(self, texts: Sequence[str]) -> None:
        for text in texts:
            self.document.add_paragraph(text)

    def narrative(self, texts: Sequence[str]) -> None:
        """The coordinator's paragraphs, or a bold note that they are missing."""
        if texts:
            self.paragraphs(texts)
            return
        paragraph = self.document.add_paragraph()
        paragraph.add_run(self.w["narrative_missing"]).bold = True
        paragraph.add_run(f" ({self.context['narrative']['file']})")

    def title(self) -> None:
        """The title and the cover rows of md and html: the plan, the institution, the plan's
        period, the report's period, the date of the state, when the report is due, where it
        was made from, and how much of the plan's text is still in English."""
        w, f, context, plan = self.w, self.f, self.context, self.context["plan"]
        self.document.add_heading(context["title"], level=0)
        period = f"{f['date'](plan['period_start'])} \N{EN DASH} {f['date'](plan['period_end'])}"
        rows = [[w["plan"], plan["title"]]]
        if plan["institution"]:
            rows.append([w["institution"], plan["institution"]])
        rows += [
            [w["period"], period],
            [w["report_period"], context["period"]["words"]],
            [w["as_of"], f["date"](context["as_of"])],
        ]
        if context["report_due"]:
            rows.append([w["report_due"], f["date"](context["report_due"])])
        rows.append([w["generated_from"], self.source()])
        if context["translation"]:
            rows.append([w["untranslated_texts"], context["translation"]["text"]])
        table = self.table([Column("", widest=5.5), Column("")], rows, header=False)
        for row in table.rows:
            row.cells[0].paragraphs[0].runs[0].bold = True

    def source(self) -> str:
        """The commit (and whether the plan differed from it) and the tool's version."""
        w, generated = self.w, self.context["generated"]
        if generated["commit"]:
            where = f"{w['commit']} {generated['commit'][:12]}"
            if generated["dirty"]:
                where += f" ({w['dirty']})"
        else:
            where = w["not_in_git"]
        return f"{where}, {w['tool']} {generated['version']}"

    def contents(self, anchor: Any) -> None:
        """The table of contents after the cover, from the headings written."""
        anchor.style = self.document.styles["TOC Heading"]
        anchor.add_run(self.w["toc"])
        portrait = word.text_width_of(self.document.sections[0])
        word.table_of_contents(anchor, self.headings, TOC_LEVELS, portrait)

    def summary(self) -> None:
        """1. The executive summary, the figures of the period (shares where they are shown,
        with the rules they follow) and the summary per goal."""
        w, f, context = self.w, self.f, self.context
        shared = context["share_keys"]
        self.heading(f"1. {w['executive_summary']}", 1)
        self.narrative(context["narrative"]["executive_summary"])
        self.document.add_paragraph(" ".join([w["summary_intro"], *context["rules"]]))
        self.table(
            [Column(w["status"]), Column(w["count"], "number"), Column(w["share"], "number")],
            [
                [
                    w[x["key"]],
                    f["num"](x["count"]),
                    f["pct"](x["percent"]) if x["key"] in shared else "",
                ]
                for x in context["figures"]
            ],
        )
        self.document.add_paragraph()
        keys = context["summary_keys"]

        def counts(stats: dict[str, Any]) -> list[str]:
            return [
                f["num"](stats["counts"][k])
                + (f" ({f['pct'](stats['percents'][k])})" if k in shared else "")
                for k in keys
            ]

        self.table(
            [Column(w["goal"]), *(Column(w[k], "number") for k in keys)],
            [
                *([f"{g['id']}. {g['title']}", *counts(g["summary"])] for g in context["goals"]),
                [w["overall"], *counts(context["summary"]["overall"])],
            ],
        )

    def charts(self) -> None:
        """The charts as tables: completion per goal, the deadlines of the year."""
        w, f, context = self.w, self.f, self.context
        self.heading(w["completion_per_goal"], 3)
        self.table(
            [
                Column(w["goal"]),
                Column(w["due"], "number"),
                Column(w["legend_completed_share"], "number"),
                Column("", "whole"),
            ],
            [
                [
                    f"{g['id']}. {g['title']}",
                    f["num"](g["due_count"]),
                    f["pct"](g["completion"]),
                    "\N{FULL BLOCK}" * round((g["completion"] or 0) / 5),
                ]
                for g in context["goals"]
            ],
        )
        self.document.add_paragraph(f"{f['pct'](None)}: {w['nothing_due']}")
        gantt = context["charts"]["gantt"]
        if gantt["tasks"]:
            self.heading(gantt["heading"], 3)
            legend = {item["tag"]: w[item["word"]] for item in gantt["legend"]}
            self.table(
                [
                    Column(w["deadline"], "whole"),
                    Column(w["activity"]),
                    Column(w["status"]),
                    Column(w["legend"]),
                ],
                [
                    [f["date"](t["date"], "short"), t["label"], w[t["status"]], legend[t["tag"]]]
                    for t in gantt["tasks"]
                ],
            )

    def achievements(self) -> None:
        """2. Each goal's paragraph, each measure's line, paragraph and activities."""
        document, w = self.document, self.w
        self.heading(f"2. {w['achievements']}", 1)
        for goal in self.context["goals"]:
            self.heading(f"{w['goal']} {goal['id']}: {goal['title']}", 2)
            self.narrative(goal["narrative"])
            for measure in goal["measures"]:
                self.heading(f"{w['measure']} {measure['id']}: {measure['title']}", 3)
                document.add_paragraph(measure["line"])
                self.paragraphs(measure["narrative"])
                if measure["activities"]:
                    self.activity_table(measure["activities"])
                if measure["not_listed_text"]:
                    document.add_paragraph(measure["not_listed_text"])

    def activity_table(self, rows: Sequence[dict[str, Any]]) -> None:
        """The activities' table: the evidence's web addresses as links."""
        w, f = self.w, self.f

        def when(a: dict[str, Any]) -> str:
            return f["date"](a["deadline"], "short") if a["deadline"] else (a["due_words"] or "")

        def note(a: dict[str, Any]) -> str:
            if not a["latest_note"]:
                return ""
            return f"{a['latest_note']} ({f['date'](a['latest_note_date'], 'short')})"

        kinds: dict[str, Kind] = {"id": "whole", "deadline": "whole"}
        keys = ("id", "activity", "responsible", "deadline", "status", "indicator_values")
        table = self.table(
            [Column(w[key], kinds.get(key, "text")) for key in (*keys, "latest_note", "evidence")],
            [
                [
                    a["id"],
                    a["title"],
                    ", ".join(a["responsible"]),
                    when(a),
                    a["status_text"],
                    "; ".join(f"{k}: {v}" for k, v in a["indicator_values"].items()),
                    note(a),
                    "\n".join(item["text"] for item in a["evidence"]),
                ]
                for a in rows
            ],
        )
        for row, a in zip(table.rows[1:], rows, strict=True):
            _evidence_lines(row.cells[-1].paragraphs[0], a["evidence"])

    def delays(self) -> None:
        """3. What was due by the end of the period and is not completed, with the days late,
        the reason given and what was done about it."""
        w, f, delays = self.w, self.f, self.context["delays"]
        self.heading(f"3. {w['delays']}", 1)
        self.document.add_paragraph(w["delays_intro"])
        if not delays:
            self.document.add_paragraph(w["no_delays"])
            return
        self.table(
            [
                Column(w["id"], "whole"),
                Column(w["activity"]),
                Column(w["responsible"]),
                Column(w["deadline"], "whole"),
                Column(w["status"]),
                Column(w["overdue_days"], "number"),
                Column(w["reason_for_delay"]),
                Column(w["action_taken"]),
            ],
            [
                [
                    d["id"],
                    d["title"],
                    ", ".join(d["responsible"]),
                    f["date"](d["deadline"], "short"),
                    d["status_text"],
                    f["num"](d["days_overdue"]),
                    f"{d['reason']} ({d['reason_given']})" if d["reason"] else "",
                    d["action"] or "",
                ]
                for d in delays
            ],
        )

    def amendments(self) -> None:
        """4. The amendments of the year and the cells each one changed."""
        w, f = self.w, self.f
        self.heading(f"4. {w['amendments']}", 1)
        for a in self.context["amendments"]:
            self.heading(
                f"{w['government_conclusion']} {a['decision']} ({f['date'](a['date'])})", 2
            )
            if a["reason"]:
                self.document.add_paragraph(f"{w['reason']}: {a['reason']}")
            if a["changes"]:
                self.table(
                    [Column(w[key]) for key in ("activity", "cell", "old_value", "new_value")],
                    [
                        [f"{c['activity']} {c['title']}", c["cell"], c["old"], c["new"]]
                        for c in a["changes"]
                    ],
                )
        if not self.context["amendments"]:
            self.document.add_paragraph(w["no_amendments"])

    def funds(self) -> None:
        """5. Indicative funds beside the funds spent (each year's, when the period has
        several), by goal and by measure."""
        document, w, funds = self.document, self.w, self.context["funds"]
        self.heading(f"5. {w['funds_indicative']} / {w['funds_spent']}", 1)
        intro = funds["intro"]
        if funds["not_by_year"]:
            intro += f" {funds['not_by_year_text']}."
        document.add_paragraph(intro)
        years = funds["spent_headers"] if len(funds["years"]) > 1 else []
        for heading, group_word, lines, totals in (
            (w["by_goal"], w["goal"], funds["by_goal"], funds["totals"]),
            (w["by_measure"], w["measure"], funds["by_measure"], []),
        ):
            self.heading(heading, 2)
            if not lines:
                document.add_paragraph(w["none"])
                continue
            rows = [[f"{x['group']}. {x['name']}", *self.amounts(x, years)] for x in lines]
            rows += [[w["total"], *self.amounts(t, years)] for t in totals]
            self.table(
                [
                    Column(group_word),
                    Column(w["currency"], "whole"),
                    Column(w["funds_indicative"], "number"),
                    *(Column(year, "number") for year in years),
                    Column(w["funds_spent"], "number"),
                ],
                rows,
            )

    def amounts(self, line: dict[str, Any], years: Sequence[str]) -> list[str]:
        """A line's currency, indicative amount, spending per year (when `years`) and in all
        (an en dash for none)."""
        currency = line["currency"]

        def amount(value: str | None) -> str:
            return self.f["money"](value, currency) if value is not None else "\N{EN DASH}"

        per_year = [amount(x) for x in line["spent_by_year"]] if years else []
        return [currency, amount(line["indicative"]), *per_year, amount(line["spent"])]

    def evaluation(self) -> None:
        """6. (The final report) a section per evaluation criterion: its figures, its text."""
        criteria = self.context["evaluation"]
        if not criteria:
            return
        self.heading(f"6. {self.w['evaluation']}", 1)
        for number, criterion in enumerate(criteria, start=1):
            self.heading(f"6.{number}. {criterion['title']}", 2)
            self.document.add_paragraph(criterion["intro"])
            for table in criterion["tables"]:
                kinds: list[Kind] = ["number" if a == "right" else "text" for a in table["align"]]
                self.table(
                    [Column(h, k) for h, k in zip(table["header"], kinds, strict=True)],
                    table["rows"],
                )
                self.document.add_paragraph()
            self.narrative(criterion["narrative"])

    def annex(self) -> None:
        """Every activity of the period, on landscape pages (eight columns)."""
        word.landscape_section(self.document)
        number = 7 if self.context["evaluation"] else 6
        self.heading(f"{number}. {self.w['annex_activities']}", 1)
        if self.context["annex"]:
            self.activity_table(self.context["annex"])
        else:
            self.document.add_paragraph(self.w["none"])

    def indicators(self) -> None:
        """The indicators against their targets (on the annex's landscape pages)."""
        w, section = self.w, self.context["indicators"]
        self.heading(w["indicator_section"], 1)
        if section["rows"]:
            self.document.add_paragraph(section["rule"])
            self.table(
                [
                    Column(w["id"], "whole"),
                    *(Column(w[key]) for key in ("indicator", "indicator_baseline")),
                    *(Column(w[key]) for key in ("indicator_series", "indicator_targets")),
                    Column(w["indicator_gap"]),
                    Column(w["status"]),
                ],
                [self.indicator_row(r) for r in section["rows"]],
            )
        if section["without_target_text"]:
            self.document.add_paragraph(f"{section['without_target_text']}.")

    def indicator_row(self, r: dict[str, Any]) -> list[str]:
        """An indicator's row as md and html show it."""
        owner = f"{self.w['measure']} {r['owner']}" if r["measure_level"] else r["owner"]
        unit = (
            f" ({r['unit']}{'; ' + r['direction'] if r['direction'] else ''})" if r["unit"] else ""
        )
        status = r["status"] + (f" ({r['expected']})" if r["expected"] else "")
        return [owner, r["text"] + unit, r["baseline"], r["series"], r["targets"], r["gap"], status]
