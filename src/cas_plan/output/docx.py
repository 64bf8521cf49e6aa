"""The yearly report as a Word document (python-docx), from the same context as the templates.

Word's own heading styles (Heading 1-3), so that a table of contents can be inserted; A4 pages
with the page number in the footer (a PAGE field); tables whose header row repeats on every page
(`w:tblHeader`) and whose rows do not split (`w:cantSplit`); charts as tables. The same context
gives the same bytes: the document's dates are the date of the state and the zip entries carry
a fixed timestamp.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Sequence
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table

from cas_plan.core.diagnostics import visible
from cas_plan.l10n.formats import jinja_filters

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
TABLE_FONT = Pt(8)
# id, activity, responsible, deadline, status, values, note, evidence: 17 cm in all
ACTIVITY_WIDTHS = (1.2, 2.9, 2.2, 2.1, 2.1, 2.0, 2.5, 2.0)
DELAY_WIDTHS = (1.2, 3.2, 2.6, 2.1, 2.1, 1.6, 4.2)
SUMMARY_WIDTHS = (3.8, *(1.65,) * 8)  # goal, due and the seven statuses


def _field(paragraph: Any, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) in a paragraph: begin, instruction, separate, end."""
    for kind, text in (("begin", None), (None, instruction), ("separate", None), ("end", None)):
        run = paragraph.add_run()
        if kind is None:
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = f" {text} "
            run._r.append(code)
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
            if kind == "separate":
                paragraph.add_run("1")


def _table(
    document: Any,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float] | None = None,
) -> Table:
    """A grid table whose first row repeats on each page and whose rows never split; `widths`
    in cm (the text width of the page is 17 cm), so that dates fit their column."""
    table: Table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.autofit = widths is None
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for values in rows:
        cells = table.add_row().cells  # type: ignore[no-untyped-call]  # not annotated upstream
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
    for index, row in enumerate(table.rows):
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = TABLE_FONT
        properties = row._tr.get_or_add_trPr()
        if index == 0:
            repeat = OxmlElement("w:tblHeader")
            repeat.set(qn("w:val"), "true")
            properties.append(repeat)
        keep = OxmlElement("w:cantSplit")
        keep.set(qn("w:val"), "true")
        properties.append(keep)
        if widths is not None:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Cm(width)
    if widths is not None:  # LibreOffice reads the grid, Word the cells: set both
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Cm(width)
    return table


def _evidence_lines(paragraph: Any, evidence: Sequence[dict[str, Any]]) -> None:
    """The evidence one per line; a piece the context links (`href`: a web address, by
    `model.evidence_link`) is a hyperlink in Word too."""
    for index, item in enumerate(evidence):
        if index:
            paragraph.add_run().add_break()
        if item["href"] is None:
            paragraph.add_run(item["text"]).font.size = TABLE_FONT
        else:
            _hyperlink(paragraph, item["text"], item["href"])


def _hyperlink(paragraph: Any, text: str, address: str) -> None:
    """A w:hyperlink to an external address, blue and underlined, in the table's font size."""
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), paragraph.part.relate_to(address, RT.HYPERLINK, is_external=True))
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    for tag, value in (("w:color", "0563C1"), ("w:sz", str(int(TABLE_FONT.pt * 2)))):
        element = OxmlElement(tag)
        element.set(qn("w:val"), value)
        properties.append(element)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    properties.append(underline)
    words = OxmlElement("w:t")
    words.text = text
    words.set(qn("xml:space"), "preserve")
    run.append(properties)
    run.append(words)
    link.append(run)
    paragraph._p.append(link)


def _language(document: Any, tag: str) -> None:
    """The document's language (spelling, hyphenation): w:lang of the default run properties."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault"))
    properties = run_defaults.find(qn("w:rPr"))
    lang = properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        properties.append(lang)
    lang.set(qn("w:val"), tag)


def _reproducible(data: bytes) -> bytes:
    """The same package with every entry dated FIXED_ZIP_TIME (python-docx stamps the time)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return buffer.getvalue()


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
    report.summary()
    report.charts()
    report.achievements()
    report.delays()
    report.amendments()
    report.funds()
    report.annex()
    buffer = io.BytesIO()
    report.document.save(buffer)
    return _reproducible(buffer.getvalue())


def _document(context: dict[str, Any]) -> Any:
    """An empty A4 document in the report's language, its page number in the footer, dated
    the date of the state."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0))
    section.top_margin = section.bottom_margin = Cm(2.0)
    document.styles["Normal"].font.size = Pt(10)
    _language(document, context["html_lang"])
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(f"{context['w']['page']} ")
    _field(footer, "PAGE")
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
    """The report's sections written into `document`, in order, from the context."""

    def __init__(self, document: Any, context: dict[str, Any]) -> None:
        self.document = document
        self.context = context
        self.w: dict[str, str] = context["w"]
        self.f: dict[str, Callable[..., str]] = jinja_filters(context["lang"])

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
        w, f, plan = self.w, self.f, self.context["plan"]
        self.document.add_heading(self.context["title"], level=0)
        period = f"{f['date'](plan['period_start'])} \N{EN DASH} {f['date'](plan['period_end'])}"
        _table(
            self.document,
            [w["plan"], plan["title"]],
            [[w["period"], period], [w["as_of"], f["date"](self.context["as_of"])]],
        )

    def summary(self) -> None:
        """1. The executive summary, the figures of the year and the summary per goal."""
        w, f, context = self.w, self.f, self.context
        self.document.add_heading(f"1. {w['executive_summary']}", level=1)
        self.narrative(context["narrative"]["executive_summary"])
        self.document.add_paragraph(w["summary_intro"])
        _table(
            self.document,
            [w["status"], w["count"], w["share"]],
            [
                [
                    w[x["key"]],
                    f["num"](x["count"]),
                    "" if x["key"] == "due" else f["pct"](x["percent"]),
                ]
                for x in context["figures"]
            ],
        )
        self.document.add_paragraph()
        keys = context["summary_keys"]

        def counts(stats: dict[str, Any]) -> list[str]:
            return [
                f["num"](stats["counts"][k])
                + ("" if k == "due" else f" ({f['pct'](stats['percents'][k])})")
                for k in keys
            ]

        _table(
            self.document,
            [w["goal"], *(w[k] for k in keys)],
            [
                *([f"{g['id']}. {g['title']}", *counts(g["summary"])] for g in context["goals"]),
                [w["overall"], *counts(context["summary"]["overall"])],
            ],
            SUMMARY_WIDTHS if len(keys) == 8 else None,
        )

    def charts(self) -> None:
        """The charts as tables: completion per goal, the deadlines of the year."""
        w, f, context = self.w, self.f, self.context
        self.document.add_heading(w["completion_per_goal"], level=3)
        _table(
            self.document,
            [w["goal"], w["due"], w["legend_completed_share"], ""],
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
            self.document.add_heading(f"{w['deadlines_of_year']} {context['year']}", level=3)
            legend = {item["tag"]: w[item["word"]] for item in gantt["legend"]}
            _table(
                self.document,
                [w["deadline"], w["activity"], w["status"], w["legend"]],
                [
                    [f["date"](t["date"], "short"), t["label"], w[t["status"]], legend[t["tag"]]]
                    for t in gantt["tasks"]
                ],
            )

    def achievements(self) -> None:
        """2. Each goal's paragraph, each measure's line, paragraph and activities."""
        document, w = self.document, self.w
        document.add_heading(f"2. {w['achievements']}", level=1)
        for goal in self.context["goals"]:
            document.add_heading(f"{w['goal']} {goal['id']}: {goal['title']}", level=2)
            self.narrative(goal["narrative"])
            for measure in goal["measures"]:
                heading = f"{w['measure']} {measure['id']}: {measure['title']}"
                document.add_heading(heading, level=3)
                document.add_paragraph(measure["line"])
                self.paragraphs(measure["narrative"])
                if measure["activities"]:
                    self.activity_table(measure["activities"])
                if measure["not_listed_text"]:
                    document.add_paragraph(measure["not_listed_text"])

    def activity_table(self, rows: Sequence[dict[str, Any]]) -> None:
        w, f = self.w, self.f

        def when(a: dict[str, Any]) -> str:
            return f["date"](a["deadline"], "short") if a["deadline"] else (a["due_words"] or "")

        def note(a: dict[str, Any]) -> str:
            if not a["latest_note"]:
                return ""
            return f"{a['latest_note']} ({f['date'](a['latest_note_date'], 'short')})"

        header = ["id", "activity", "responsible", "deadline", "status", "indicator_values"]
        table = _table(
            self.document,
            [w[key] for key in (*header, "latest_note", "evidence")],
            [
                [
                    a["id"],
                    a["title"],
                    ", ".join(a["responsible"]),
                    when(a),
                    w[a["status"]],
                    "; ".join(f"{k}: {v}" for k, v in a["indicator_values"].items()),
                    note(a),
                    "",
                ]
                for a in rows
            ],
            ACTIVITY_WIDTHS,
        )
        for row, a in zip(table.rows[1:], rows, strict=True):
            _evidence_lines(row.cells[-1].paragraphs[0], a["evidence"])

    def delays(self) -> None:
        """3. The activities overdue on the date of the state, with the reason given."""
        w, f, delays = self.w, self.f, self.context["delays"]
        self.document.add_heading(f"3. {w['delays']}", level=1)
        self.document.add_paragraph(w["delays_intro"])
        if not delays:
            self.document.add_paragraph(w["no_delays"])
            return
        header = ["id", "activity", "responsible", "deadline", "status", "overdue_days"]
        _table(
            self.document,
            [w[key] for key in (*header, "reason_for_delay")],
            [
                [
                    d["id"],
                    d["title"],
                    ", ".join(d["responsible"]),
                    f["date"](d["deadline"], "short"),
                    w[d["status"]],
                    f["num"](d["days_overdue"]),
                    f"{d['reason']} ({d['reason_given']})" if d["reason"] else "",
                ]
                for d in delays
            ],
            DELAY_WIDTHS,
        )

    def amendments(self) -> None:
        """4. The amendments of the year and the cells each one changed."""
        document, w, f = self.document, self.w, self.f
        document.add_heading(f"4. {w['amendments']}", level=1)
        for a in self.context["amendments"]:
            heading = f"{w['government_conclusion']} {a['decision']} ({f['date'](a['date'])})"
            document.add_heading(heading, level=2)
            if a["reason"]:
                document.add_paragraph(f"{w['reason']}: {a['reason']}")
            if a["changes"]:
                _table(
                    document,
                    [w["activity"], w["cell"], w["old_value"], w["new_value"]],
                    [
                        [f"{c['activity']} {c['title']}", c["cell"], c["old"], c["new"]]
                        for c in a["changes"]
                    ],
                )
        if not self.context["amendments"]:
            document.add_paragraph(w["no_amendments"])

    def funds(self) -> None:
        """5. Indicative funds beside the funds spent, by goal and by measure."""
        document, w, funds = self.document, self.w, self.context["funds"]
        document.add_heading(f"5. {w['funds_indicative']} / {w['funds_spent']}", level=1)
        intro = w["funds_year_intro"]
        if funds["not_by_year"]:
            intro += f" {funds['not_by_year_text']}."
        document.add_paragraph(intro)
        for heading, group_word, lines, totals in (
            (w["by_goal"], w["goal"], funds["by_goal"], funds["totals"]),
            (w["by_measure"], w["measure"], funds["by_measure"], []),
        ):
            document.add_heading(heading, level=2)
            if not lines:
                document.add_paragraph(w["none"])
                continue
            rows = [[f"{x['group']}. {x['name']}", *self.amounts(x)] for x in lines]
            rows += [[w["total"], *self.amounts(t)] for t in totals]
            header = [group_word, w["currency"], w["funds_indicative"], w["funds_spent"]]
            _table(document, header, rows)

    def amounts(self, line: dict[str, Any]) -> list[str]:
        """A line's currency, indicative and spent amounts (an en dash for none)."""
        currency = line["currency"]

        def amount(value: str | None) -> str:
            return self.f["money"](value, currency) if value is not None else "\N{EN DASH}"

        return [currency, amount(line["indicative"]), amount(line["spent"])]

    def annex(self) -> None:
        """6. Every activity of the reporting year."""
        self.document.add_heading(f"6. {self.w['annex_activities']}", level=1)
        if self.context["annex"]:
            self.activity_table(self.context["annex"])
        else:
            self.document.add_paragraph(self.w["none"])
