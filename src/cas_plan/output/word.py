# ruff: noqa: RUF001  (the width table lists Cyrillic and typographic characters as they are)
"""Word's building blocks for casplan's documents: tables sized to what they hold, fields (PAGE,
TOC), bookmarks, landscape sections, links and fonts, as python-docx leaves them out.

A table's column widths are worked out from its text at the font's own character widths (Arial,
whose widths Liberation Sans shares, so Word and LibreOffice lay a table out alike): a column is
at least as wide as the longest word of its header and as its longest id, date or amount, so
none of them breaks inside ("3.5.1./7", "Comple/ted"); the width left goes to the columns with
the most text. The table's layout is fixed, so no reader widens a column on its own.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table

FONT = "Arial"
TABLE_POINTS = 8.0
A4 = (21.0, 29.7)  # cm
MARGIN = 2.0  # cm, on every side
CELL_MARGIN = 0.12  # cm, left and right inside a cell
WHOLE_AT_MOST = 4.0  # cm: a longer "whole" value (a deadline in words) wraps between words
WORD_AT_MOST = 3.0  # cm: a longer word (a web address) may break rather than widen its column

# Arial's advance widths in thousandths of an em (from Liberation Sans, which shares them),
# each rounded up to one of a few steps; a character not listed counts as a full em.
_STEPS: dict[bool, dict[int, str]] = {
    False: {
        278: " !',./:;I[\\]fijlt|\xa0ÌÍÎÏìíîïІЇіїј‘’‚",
        333: "()-`r·‐“”„",
        389: '"*{}гѓ•',
        500: "J^cksvxyz°çýÿčćšžЈзкстухѕќў",
        556: "#$0123456789?L_abdeghnopqu«»±§àáâãäåèéêëðñòóôõöùúûüþđЃГавенопрчьэяѐёђєћџ–€",
        611: "+<=>FTZ~×ßøŽЌЗКТбдийлцѝ",
        667: "&ABEKPSVXYÀÁÂÃÄÅÈÉÊËÝÞŠЀЁЅЎАБВЕЛРУХЧЬъ",
        722: "CDHNRUwÇÐÑÙÚÛÜČĆĐЄЍЏДИЙНПСЭЯжмы",
        778: "GOQ©®ÒÓÔÕÖØОФЦю",
        833: "MmМЪфшщњ",
        889: "%æЂЋЫ",
        944: "WЖШЩљ",
        1000: "Æ—…",
        1115: "@ЉЊЮ№",
    },
    True: {
        278: " ',./I\\ijl\xa0ÌÍÎÏìíîïІЇіј‘’‚",
        333: "!()-:;[]`ft|·ї‐",
        389: "*r{}•",
        500: '"z°žгзктѓќ“”„',
        556: "#$0123456789J_aceksvxy«»±§àáâãäåçèéêëýÿčćšЈаесухэѐёєѕў–€",
        611: "+<=>?FLTZ^bdghnopqu~×ßðñòóôõöøùúûüþđŽЃЌГКТнопрчяђћџ",
        667: "EPSVXYÈÉÊËÝÞŠЀЅЎЕЗРУХбвдийлцьѝ",
        722: "&ABCDHKNRUÀÁÂÃÄÅÇÐÑÙÚÛÜČĆĐЁЄЍЏАБВДИЙЛНПСЧЬЭЯж",
        778: "GOQw©®ÒÓÔÕÖØОЦмъ",
        833: "MМш",
        889: "%mæЂЋФЪфщыю",
        944: "WЖњ",
        1000: "@ÆЫљ—…",
        1115: "ЉЊШЩЮ№",
    },
}
_WIDTHS: dict[bool, dict[str, int]] = {
    bold: {char: width for width, chars in steps.items() for char in chars}
    for bold, steps in _STEPS.items()
}
_BREAKS = re.compile(r"(?<=-)|[ \t\n]+")  # where a line may break: spaces, after a hyphen

Kind = Literal["text", "whole", "number"]

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # every entry of a package dated alike: same bytes


def text_width(text: str, *, bold: bool = False, points: float = TABLE_POINTS) -> float:
    """The width of one line of `text` in cm, in Arial at `points`."""
    widths = _WIDTHS[bold]
    em = sum(widths.get(char, 1000) for char in text) / 1000
    return em * points * 2.54 / 72


@dataclass(frozen=True)
class Column:
    """A table's column: its header and what its cells hold. `whole` cells (ids, dates) and
    `number` cells (counts, shares, amounts; right-aligned) never break inside; `text` wraps
    between words."""

    header: str
    kind: Kind = "text"
    widest: float = 12.0  # cm: the most the column asks for (it may get more, to fill the width)


def _needed(width: float) -> float:
    """The column width a line of `width` cm needs: the cell's margins, and a little room
    for the reader's rounding."""
    return width * 1.04 + 2 * CELL_MARGIN + 0.06


def _words(text: str) -> list[str]:
    return [word for word in _BREAKS.split(text) if word]


def _floor_and_want(column: Column, cells: Sequence[str]) -> tuple[float, float]:
    """The least width a column may have (its header's longest word, its longest whole value,
    its longest word up to WORD_AT_MOST) and the width it would like (its longest line)."""
    header_words = [text_width(word, bold=True) for word in _words(column.header)]
    floor = max(header_words, default=0.0)
    want = floor if column.kind == "number" else text_width(column.header, bold=True)
    for cell in cells:
        lines = [text_width(line) for line in cell.split("\n")]
        longest = max(lines, default=0.0)
        want = max(want, longest)
        if column.kind != "text" and longest <= WHOLE_AT_MOST:
            floor = max(floor, longest)
        else:
            words = [min(text_width(word), WORD_AT_MOST) for word in _words(cell)]
            floor = max(floor, *words, 0.0)
    return _needed(floor), _needed(min(want, column.widest))


def fitted_widths(
    columns: Sequence[Column], rows: Sequence[Sequence[str]], total: float
) -> list[float]:
    """Column widths in cm that add up to `total`: each at least its floor, the rest shared by
    what each column would still like (when all it likes fits, each column gets it and the
    columns not capped by `widest` share the rest); when even the floors do not fit, the
    floors scaled."""
    pairs = [
        _floor_and_want(column, [row[index] for row in rows])
        for index, column in enumerate(columns)
    ]
    floors = [floor for floor, _ in pairs]
    if sum(floors) >= total:
        return [total * floor / sum(floors) for floor in floors]
    wants = [max(want, floor) for floor, want in pairs]
    if sum(wants) <= total:  # the rest to the columns that may take more than they ask for
        growing = [
            want if _needed(column.widest) > want else 0.0
            for column, want in zip(columns, wants, strict=True)
        ]
        share = growing if sum(growing) else wants
        spare = total - sum(wants)
        return [want + spare * part / sum(share) for want, part in zip(wants, share, strict=True)]
    extra = [want - floor for floor, want in zip(floors, wants, strict=True)]
    room = total - sum(floors)
    return [floor + room * more / sum(extra) for floor, more in zip(floors, extra, strict=True)]


# the order WordprocessingML gives the children of a table's and a row's properties
_ORDER = {
    "w:tblPr": (
        "w:tblStyle w:tblpPr w:tblOverlap w:bidiVisual w:tblStyleRowBandSize "
        "w:tblStyleColBandSize w:tblW w:jc w:tblCellSpacing w:tblInd w:tblBorders w:shd "
        "w:tblLayout w:tblCellMar w:tblLook w:tblCaption w:tblDescription"
    ).split(),
    "w:trPr": (
        "w:cnfStyle w:divId w:gridBefore w:gridAfter w:wBefore w:wAfter w:cantSplit "
        "w:trHeight w:tblHeader w:tblCellSpacing w:jc w:hidden"
    ).split(),
}


def _set(element: Any, tag: str, **attributes: str) -> Any:
    """The child `tag` of `element` (made when missing, in the place the schema gives it:
    Word refuses a document whose elements are out of order, LibreOffice ignores them), with
    `attributes` set."""
    child = element.find(qn(tag))
    if child is None:
        child = OxmlElement(tag)
        order = next((o for parent, o in _ORDER.items() if element.tag == qn(parent)), None)
        later = order[order.index(tag) + 1 :] if order and tag in order else []
        following = next((c for c in element if c.tag in {qn(t) for t in later}), None)
        if following is not None:
            following.addprevious(child)
        else:
            element.append(child)
    for name, value in attributes.items():
        child.set(qn(f"w:{name}"), value)
    return child


def _whole_run(paragraph: Any, text: str) -> Any:
    """A run that no line breaks inside: spaces as no-break spaces, hyphens as Word's
    no-break hyphens (the character U+2011 is missing from most fonts)."""
    parts = text.replace(" ", "\N{NO-BREAK SPACE}").split("-")
    run = paragraph.add_run(parts[0])
    for part in parts[1:]:
        run._r.append(OxmlElement("w:noBreakHyphen"))
        words = OxmlElement("w:t")
        words.set(qn("xml:space"), "preserve")
        words.text = part
        run._r.append(words)
    return run


def _fill(cell: Any, text: str, column: Column, *, header: bool = False) -> None:
    """A cell's text in the table's font; a header in bold, breaking between its words."""
    paragraph = cell.paragraphs[0]
    whole = column.kind != "text" and text_width(text) <= WHOLE_AT_MOST and "\n" not in text
    run = _whole_run(paragraph, text) if whole and not header else paragraph.add_run(text)
    run.bold = header or None
    run.font.size = Pt(TABLE_POINTS)
    if column.kind == "number":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def add_table(
    document: Any,
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    total: float,
    *,
    header: bool = True,
) -> Table:
    """A grid table `total` cm wide, its widths fitted (`fitted_widths`); the header row in
    bold repeats on each page, and no row splits over two pages."""
    widths = fitted_widths(columns, rows, total)
    table: Table = document.add_table(rows=0, cols=len(columns))
    table.style = "Table Grid"
    table.autofit = False  # a fixed layout: the widths below, in Word and LibreOffice alike
    properties = table._tbl.tblPr
    _set(properties, "w:tblW", w=str(round(total * 567)), type="dxa")
    margins = _set(properties, "w:tblCellMar")
    for side in ("left", "right"):
        _set(margins, f"w:{side}", w=str(round(CELL_MARGIN * 567)), type="dxa")
    if header:
        cells = table.add_row().cells  # type: ignore[no-untyped-call]  # not annotated upstream
        for cell, column in zip(cells, columns, strict=True):
            _fill(cell, column.header, column, header=True)
        _set(table.rows[0]._tr.get_or_add_trPr(), "w:tblHeader", val="true")
    for values in rows:
        cells = table.add_row().cells  # type: ignore[no-untyped-call]
        for cell, text, column in zip(cells, values, columns, strict=True):
            _fill(cell, text, column)
    for row in table.rows:
        _set(row._tr.get_or_add_trPr(), "w:cantSplit", val="true")
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)
    for column, width in zip(table.columns, widths, strict=True):  # LibreOffice reads the grid
        column.width = Cm(width)
    return table


def field(paragraph: Any, instruction: str, shown: str = "") -> None:
    """A Word field in a paragraph (`PAGE`, `TOC \\o "1-2"`): begin, instruction, separate,
    the result shown until the reader updates it, end."""
    begin_field(paragraph, instruction)
    if shown:
        paragraph.add_run(shown)
    end_field(paragraph)


def begin_field(paragraph: Any, instruction: str) -> None:
    """A field's beginning, up to where its result starts (a result may run over paragraphs)."""
    for kind in ("begin", None, "separate"):
        run = paragraph.add_run()
        if kind is None:
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = f" {instruction} "
            run._r.append(code)
        else:
            _set(run._r, "w:fldChar", fldCharType=kind)


def end_field(paragraph: Any) -> None:
    _set(paragraph.add_run()._r, "w:fldChar", fldCharType="end")


def bookmark(paragraph: Any, name: str, number: int) -> None:
    """A bookmark around the paragraph's text (a table of contents links to it)."""
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(number))
    properties = paragraph._p.pPr
    if properties is not None:
        properties.addnext(start)
    else:
        paragraph._p.insert(0, start)
    paragraph._p.append(end)


def hyperlink(
    paragraph: Any, text: str, *, address: str | None = None, anchor: str | None = None
) -> None:
    """A link to a web address (blue, underlined) or to a bookmark of the document."""
    link = OxmlElement("w:hyperlink")
    if address is not None:
        link.set(qn("r:id"), paragraph.part.relate_to(address, RT.HYPERLINK, is_external=True))
    if anchor is not None:
        link.set(qn("w:anchor"), anchor)
        link.set(qn("w:history"), "1")
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    if address is not None:
        _set(properties, "w:color", val="0563C1")
        _set(properties, "w:sz", val=str(round(TABLE_POINTS * 2)))
        _set(properties, "w:u", val="single")
    words = OxmlElement("w:t")
    words.text = text
    words.set(qn("xml:space"), "preserve")
    run.append(properties)
    run.append(words)
    link.append(run)
    paragraph._p.append(link)


def table_of_contents(
    anchor: Any, entries: Sequence[tuple[str, int, str]], levels: int, width: float
) -> None:
    """After the paragraph `anchor`: a TOC field over the headings of levels 1 to `levels`,
    holding as its result the headings `entries` (text, level, bookmark) linked to their
    bookmarks. Word updates the field when the document opens (`update_fields_on_open`) and
    adds the page numbers; LibreOffice shows the result as it is."""
    document = anchor.part.document
    styles = [_toc_style(document, level, width) for level in range(1, levels + 1)]
    paragraphs = []
    for index, (text, level, name) in enumerate(entries or [("", 1, "")]):
        paragraph = document.add_paragraph(style=styles[level - 1])
        if index == 0:
            begin_field(paragraph, f'TOC \\o "1-{levels}" \\h \\z \\u')
        if name:
            hyperlink(paragraph, text, anchor=name)
        paragraphs.append(paragraph)
    end_field(paragraphs[-1])
    for paragraph in reversed(paragraphs):
        anchor._p.addnext(paragraph._p)


def _toc_style(document: Any, level: int, width: float) -> Any:
    """Word's built-in "toc N" style: indented by level, the page number at the right margin
    after a dotted leader."""
    name = f"toc {level}"
    if name in [style.name for style in document.styles]:
        return document.styles[name]
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.element.set(qn("w:styleId"), f"TOC{level}")
    style.base_style = document.styles["Normal"]
    style.paragraph_format.left_indent = Cm(0.5 * (level - 1))
    style.paragraph_format.space_after = Pt(2)
    style.paragraph_format.tab_stops.add_tab_stop(
        Cm(width), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
    )
    return style


def update_fields_on_open(document: Any) -> None:
    """Ask Word to update the fields (the table of contents) when it opens the document."""
    _set(document.settings.element, "w:updateFields", val="true")


def page_setup(section: Any, *, landscape: bool = False) -> None:
    """A4, portrait or landscape, MARGIN on every side."""
    short, long = A4
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (
        (Cm(long), Cm(short)) if landscape else (Cm(short), Cm(long))
    )
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(MARGIN))


def text_width_of(section: Any) -> float:
    """The width in cm between a section's margins."""
    return float(section.page_width.cm - section.left_margin.cm - section.right_margin.cm)


def landscape_section(document: Any) -> Any:
    """A new section on a new page, A4 landscape; its footer is the one before it."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    page_setup(section, landscape=True)
    return section


def use_font(document: Any, tag: str) -> None:
    """Every style in FONT (theme fonts taken out: Word and LibreOffice would pick their own,
    and the tables' widths are measured in FONT) and in the language `tag` (spelling,
    hyphenation)."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    properties = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    elements = [properties]
    elements += [style.element.find(qn("w:rPr")) for style in document.styles]
    for element in elements:
        fonts = element.find(qn("w:rFonts")) if element is not None else None
        if fonts is None:
            continue
        for name in list(fonts.attrib):
            if name.endswith("Theme"):
                del fonts.attrib[name]
        for script in ("ascii", "hAnsi", "cs", "eastAsia"):
            fonts.set(qn(f"w:{script}"), FONT)
    _set(properties, "w:rFonts", ascii=FONT, hAnsi=FONT, cs=FONT, eastAsia=FONT)
    _set(properties, "w:lang", val=tag)


def reproducible(data: bytes) -> bytes:
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
