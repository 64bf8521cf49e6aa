"""Table workbooks: typed cells read back with openpyxl, header and filter, plan text that can
never become a formula, control characters made visible, byte-identical output, amounts read
back exactly as Decimal."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from cas_plan.collect.cells import cell_decimal, format_places, read_rows
from cas_plan.output.xlsx import (
    MAX_CELL_TEXT,
    Column,
    Sheet,
    sheet_title,
    visible_text,
    write_workbook,
)

COLUMNS = [
    Column("ID", "id"),
    Column("Activity", "text"),
    Column("Deadline", "date"),
    Column("Amount", "decimal"),
    Column("Currency", "currency"),
    Column("Indicators", "integer"),
    Column("Done", "bool"),
]
ROWS: list[list[object | None]] = [
    ["3.10", "Improve the risk analysis", date(2018, 6, 30), Decimal("1234.5"), "RSD", 3, True],
    ["3.10.1", "Train staff", None, Decimal("0.125"), "EUR", None, False],
]


def table(rows: list[list[object | None]] | None = None, **kwargs: object) -> bytes:
    return write_workbook([Sheet("Due", COLUMNS, ROWS if rows is None else rows)], **kwargs)  # type: ignore[arg-type]


def sheet_xml(data: bytes, number: int = 1) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(f"xl/worksheets/sheet{number}.xml").decode("utf-8")


def test_cells_have_the_types_of_their_columns() -> None:
    ws = load_workbook(io.BytesIO(table()))["Due"]
    assert [c.value for c in ws[1]] == [c.header for c in COLUMNS]
    assert ws["A2"].value == "3.10" and ws["A2"].data_type == "s"
    assert ws["A3"].value == "3.10.1" and ws["A3"].data_type == "s"
    assert ws["C2"].is_date and ws["C2"].value == datetime(2018, 6, 30)
    assert ws["C2"].number_format == "yyyy-mm-dd"
    assert ws["C3"].value is None
    assert ws["D2"].data_type == "n" and ws["D2"].value == 1234.5
    assert ws["D2"].number_format == "#,##0.00"
    assert ws["D3"].value == 0.125 and ws["D3"].number_format == "#,##0.000"
    assert ws["E2"].value == "RSD" and ws["E2"].data_type == "s"
    assert ws["F2"].value == 3 and ws["F2"].data_type == "n" and ws["F2"].number_format == "0"
    assert ws["G2"].value is True and ws["G2"].data_type == "b"


def test_an_id_that_looks_like_a_number_stays_text() -> None:
    ws = load_workbook(io.BytesIO(table([["3.10", "x", None, None, None, 10, None]])))["Due"]
    assert ws["A2"].value == "3.10"
    assert '<c r="A2" s="2" t="inlineStr"><is><t>3.10</t></is></c>' in sheet_xml(table())


def test_header_is_bold_frozen_and_filtered() -> None:
    ws = load_workbook(io.BytesIO(table()))["Due"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:G3"
    assert all(cell.font.bold for cell in ws[1])
    assert not ws["A2"].font.bold


def test_an_empty_table_still_has_its_header_and_filter() -> None:
    ws = load_workbook(io.BytesIO(table([])))["Due"]
    assert [c.value for c in ws[1]] == [c.header for c in COLUMNS]
    assert ws.auto_filter.ref == "A1:G1"
    assert ws.max_row == 1


def test_widths_fit_the_content_and_long_text_wraps() -> None:
    long_title = "word " * 40
    ws = load_workbook(io.BytesIO(table([["1.1", long_title, None, None, "RSD", None, None]])))[
        "Due"
    ]
    assert ws.column_dimensions["A"].width == 6  # the minimum: "1.1" and "ID" are narrow
    assert ws.column_dimensions["B"].width == 60  # capped
    assert ws.column_dimensions["C"].width == 12  # a date, 10 characters, and room
    assert ws["B2"].alignment.wrap_text is True
    assert ws.row_dimensions[2].height == 60  # 200 characters over 59 a line: 4 lines
    short = load_workbook(io.BytesIO(table()))["Due"]
    assert short["B2"].alignment.wrap_text is not True
    assert short.column_dimensions["B"].width == len("Improve the risk analysis") + 2
    assert short.column_dimensions["D"].width == len("1,234.50") + 2


def test_a_forced_width_is_kept() -> None:
    data = write_workbook([Sheet("T", [Column("Note", "text", width=33)], [["x"]])])
    assert load_workbook(io.BytesIO(data))["T"].column_dimensions["A"].width == 33


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://evil","x")',
        "=1+1",
        "+1+1",
        "-1+1",
        "@SUM(A1:A2)",
        "\t=1+1",
        "=cmd|' /C calc'!A0",
    ],
)
def test_plan_text_never_becomes_a_formula(text: str) -> None:
    data = table([[text, text, None, None, text, None, None]])
    ws = load_workbook(io.BytesIO(data))["Due"]
    for ref in ("A2", "B2", "E2"):
        assert ws[ref].value == text
        assert ws[ref].data_type == "s"
    xml = sheet_xml(data)
    assert "<f>" not in xml and "<f " not in xml


def test_a_leading_carriage_return_stays_text_as_a_line_break() -> None:
    data = table([["\r=1+1", "a\r\nb\rc", None, None, None, None, None]])
    ws = load_workbook(io.BytesIO(data))["Due"]
    assert ws["A2"].value == "\n=1+1" and ws["A2"].data_type == "s"
    assert ws["B2"].value == "a\nb\nc"
    assert "<f>" not in sheet_xml(data)


def test_headers_and_sheet_names_are_text_too() -> None:
    data = write_workbook([Sheet("=SUM(1)", [Column("=1+1", "text")], [])])
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["=SUM(1)"]
    assert wb["=SUM(1)"]["A1"].value == "=1+1"
    assert "<f>" not in sheet_xml(data)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x1b[31mred", "\\x1b[31mred"),
        ("nul\x00here", "nul\\x00here"),
        ("bell\x07 vt\x0b ff\x0c", "bell\\x07 vt\\x0b ff\\x0c"),
        ("c1\x85\x9f", "c1\\x85\\x9f"),
        ("byte \udcff", "byte \\xff"),
        ("lone \ud800", "lone \\ud800"),
        ("not a char \ufffe", "not a char \\ufffe"),
        ("tab\tand line\nstay", "tab\tand line\nstay"),
        ("ćirilica ЋИР", "ćirilica ЋИР"),
    ],
)
def test_control_characters_are_made_visible(text: str, shown: str) -> None:
    assert visible_text(text) == shown
    ws = load_workbook(io.BytesIO(table([["1", text, None, None, text, None, None]])))["Due"]
    assert ws["B2"].value == shown
    assert ws["E2"].value == shown


def test_text_past_excels_limit_is_cut_visibly() -> None:
    shown = visible_text("x" * 40000)
    assert len(shown) == MAX_CELL_TEXT
    assert shown.endswith(" [...]")


def test_the_same_input_gives_the_same_bytes() -> None:
    first, second = table(), table()
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        core = archive.read("docProps/core.xml").decode()
        stamps = {info.date_time for info in archive.infolist()}
    # openpyxl versions differ in where they declare the namespaces: match the element's text
    assert re.search(r'<dcterms:created [^>]*xsi:type="dcterms:W3CDTF">2017-01-01T00:00:00Z', core)
    assert re.search(r'<dcterms:modified [^>]*xsi:type="dcterms:W3CDTF">2017-01-01T00:00:00Z', core)
    assert stamps == {(2017, 1, 1, 0, 0, 0)}


def test_a_given_time_is_written() -> None:
    data = table(when=datetime(2018, 7, 2, 9, 30))
    assert data != table()
    assert data == table(when=datetime(2018, 7, 2, 9, 30))
    wb = load_workbook(io.BytesIO(data))
    assert wb.properties.created == datetime(2018, 7, 2, 9, 30)
    assert wb.properties.modified == datetime(2018, 7, 2, 9, 30)


def test_title_and_metadata_are_document_properties() -> None:
    data = table(title="Due =1+1", metadata={"casplan.commit": "5e8dc72", "casplan.x": "a\x1b"})
    wb = load_workbook(io.BytesIO(data))
    assert wb.properties.title == "Due =1+1"
    assert wb.properties.creator == "casplan"
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    assert props == {"casplan.commit": "5e8dc72", "casplan.x": "a\\x1b"}


def test_several_sheets_get_unique_valid_names() -> None:
    columns = [Column("ID", "id")]
    sheets = [Sheet(name, columns, [["1"]]) for name in ("Due: 2018/Q1", "Due: 2018/Q1", "")]
    assert load_workbook(io.BytesIO(write_workbook(sheets))).sheetnames == [
        "Due_ 2018_Q1",
        "Due_ 2018_Q1 (2)",
        "Sheet",
    ]


@pytest.mark.parametrize(
    ("name", "taken", "expected"),
    [
        ("a[b]c:d*e?f/g\\h", [], "a_b_c_d_e_f_g_h"),
        ("x" * 40, [], "x" * 31),
        ("x" * 40, ["x" * 31], "x" * 27 + " (2)"),
        ("'quoted'", [], "quoted"),
        ("History", [], "History_"),
        ("due", ["Due"], "due (2)"),
        ("  ", [], "Sheet"),
        ("line\nbreak\x1b", [], "line break_x1b"),  # a backslash is forbidden too
    ],
)
def test_sheet_title(name: str, taken: list[str], expected: str) -> None:
    assert sheet_title(name, taken) == expected


def test_wrong_types_are_refused() -> None:
    with pytest.raises(TypeError, match="a decimal column holds Decimal, not float"):
        table([["1", "x", None, 0.1, None, None, None]])
    with pytest.raises(TypeError, match=r"a date column holds datetime\.date, not str"):
        table([["1", "x", "2018-06-30", None, None, None, None]])
    with pytest.raises(TypeError, match="an integer column holds int, not bool"):
        table([["1", "x", None, None, None, True, None]])
    with pytest.raises(ValueError, match="an amount is a finite number, not NaN"):
        table([["1", "x", None, Decimal("NaN"), None, None, None]])
    with pytest.raises(ValueError, match="row 2 has 2 cells for 7 columns"):
        table([["1", "x"]])


def test_read_rows_gives_each_value_with_its_reference(tmp_path: Path) -> None:
    path = tmp_path / "due.xlsx"
    path.write_bytes(table())
    rows = read_rows(path, "Due")
    assert [row.number for row in rows] == [1, 2, 3]
    assert [(c.ref, c.value) for c in rows[1].cells] == [
        ("A2", "3.10"),
        ("B2", "Improve the risk analysis"),
        ("C2", datetime(2018, 6, 30)),
        ("D2", 1234.5),
        ("E2", "RSD"),
        ("F2", 3),
        ("G2", True),
    ]
    assert rows[1].cells[3].number_format == "#,##0.00"
    assert not rows[1].is_empty()
    assert read_rows(path.read_bytes(), "Due") == rows
    with pytest.raises(KeyError):
        read_rows(path, "Other")


@pytest.mark.parametrize(
    ("value", "number_format", "expected"),
    [
        (0.1 + 0.2, "#,##0.00", "0.30"),
        (0.1 + 0.2, "General", "0.3"),
        (0.30000000000000004, "0.00", "0.30"),
        (1234.5, "#,##0.00", "1234.50"),
        (1234.56, "#,##0.00", "1234.56"),
        (2.675, "#,##0.00", "2.68"),  # as shown: the double is 2.67499..., the typed text 2.675
        (12.345, "0.00", "12.35"),
        (1.005, "#,##0.000", "1.005"),
        (1e15 + 0.3, "#,##0.00", "1000000000000000.00"),  # 15 digits, as Excel keeps
        (1000.0, "General", "1000"),
        (7, "#,##0.00", "7.00"),
        (7, "General", "7"),
        (Decimal("0.125"), "0.00", "0.13"),
        (-0.005, "0.00", "-0.01"),
        (99.995, '#,##0.00" RSD";[Red]-#,##0.00" RSD"', "100.00"),
        (3.0, "0", "3"),
    ],
)
def test_cell_decimal_gives_what_the_cell_shows(
    value: float | int | Decimal, number_format: str, expected: str
) -> None:
    assert str(cell_decimal(value, number_format)) == expected


def test_cell_decimal_refuses_bool_and_infinity() -> None:
    with pytest.raises(TypeError):
        cell_decimal(True, "General")
    with pytest.raises(ArithmeticError):
        cell_decimal(float("inf"), "General")


@pytest.mark.parametrize(
    ("number_format", "places"),
    [
        ("#,##0.00", 2),
        ("0.000", 3),
        ("0", 0),
        ("#,##0", 0),
        ("General", None),
        ("@", None),
        ('0.0"x.00"', 1),
        ("#,##0.00;[Red]-#,##0.000", 2),
        ("yyyy-mm-dd", None),
    ],
)
def test_format_places(number_format: str, places: int | None) -> None:
    assert format_places(number_format) == places


@settings(max_examples=200, deadline=None)
@given(
    st.decimals(
        min_value=Decimal("-999999999999.99"),
        max_value=Decimal("999999999999.99"),
        places=2,
        allow_nan=False,
        allow_infinity=False,
    )
)
def test_an_amount_with_two_places_reads_back_exactly(amount: Decimal) -> None:
    data = write_workbook([Sheet("T", [Column("Amount", "decimal")], [[amount]])])
    cell = read_rows(data, "T")[1].cells[0]
    assert isinstance(cell.value, int | float)
    assert cell_decimal(cell.value, cell.number_format) == amount
    assert str(cell_decimal(cell.value, cell.number_format)) == str(
        amount.quantize(Decimal("0.01"))
    )


SOFFICE = shutil.which("soffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_libreoffice_reads_the_values_back(tmp_path: Path) -> None:
    rows: list[list[object | None]] = [
        [
            "3.10",
            '=HYPERLINK("http://evil","x")',
            date(2018, 6, 30),
            Decimal("1234.5"),
            "RSD",
            3,
            True,
        ],
        ["3.10.1", "@SUM(A1)", None, Decimal("0.1"), "EUR", None, False],
    ]
    (tmp_path / "due.xlsx").write_bytes(table(rows))
    subprocess.run(
        [
            str(SOFFICE),
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "csv",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "due.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert (tmp_path / "due.csv").read_text(encoding="utf-8").splitlines() == [
        "ID,Activity,Deadline,Amount,Currency,Indicators,Done",
        '3.10,"=HYPERLINK(""http://evil"",""x"")",2018-06-30,1234.5,RSD,3,TRUE',
        "3.10.1,@SUM(A1),,0.1,EUR,,FALSE",
    ]


def test_text_wider_than_a_forced_width_wraps() -> None:
    data = write_workbook(
        [Sheet("T", [Column("Note", "text", width=10)], [["a longer note"], ["short"]])]
    )
    ws = load_workbook(io.BytesIO(data))["T"]
    assert ws["A2"].alignment.wrap_text is True
    assert ws["A3"].alignment.wrap_text is not True
    assert ws.row_dimensions[2].height == 30
