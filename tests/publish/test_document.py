"""The plan as a document (`publish/document.py`): its rows, merged cells and marks on an amended
fixture and on the bundled plan, and its Markdown and HTML, exactly."""

from __future__ import annotations

import datetime as dt

import pytest
from document_fixture import amended_files, expected_spans

from cas_plan.answers.document import COLUMNS, runs
from cas_plan.core.history import plan_on
from cas_plan.core.views import CELLS
from cas_plan.l10n.script import to_cyrillic
from cas_plan.publish.document import build_document, render, source_words
from plans import REAL_PLAN, load, write_plan


def document_of(root, as_of: str, since: str = "2017-01-01", lang: str = "en"):
    day = dt.date.fromisoformat(as_of)
    plan = plan_on(load(root).plan, day)
    return build_document(plan, day, dt.date.fromisoformat(since), lang)


@pytest.fixture
def amended(tmp_path):
    return write_plan(tmp_path / "plan", amended_files())


def test_the_bundled_plan_has_every_activity_once_with_the_source_s_merged_cells():
    document = document_of(REAL_PLAN, "2018-12-31")
    plan = load(REAL_PLAN).plan
    rows = list(document.rows)
    assert [row.activity_id for row in rows] == [view.id for view in plan.views]
    assert len(rows) == 238 and len(document.goals) == 8
    found = {}
    for row in rows:
        for column, cell in zip(COLUMNS, row.cells, strict=True):
            if cell is not None and column in CELLS:
                found[row.activity_id, column] = cell.rows
    assert found == expected_spans(plan)
    by_id = {row.activity_id: row for row in rows}
    spans = {name: by_id[a].cells[COLUMNS.index(name)] for a, name in [("1.1.1", "funds")]}
    assert spans["funds"].rows == 6  # 1.1.1-1.1.6, as in the source
    assert by_id["1.1.1"].cells[COLUMNS.index("due")].rows == 5  # 1.1.6 says "Continuous" again
    assert by_id["1.1.1"].cells[0].lines == ("1.1. Harmonization of procedures",)
    assert by_id["1.1.1"].cells[0].rows == 6
    assert by_id["3.5.1"].cells[COLUMNS.index("responsible")].rows == 9  # 3.5.1 and 3.5.1.1-8
    assert by_id["7.3.1"].cells[1].lines == (
        "Project 4002 Investments in buildings and facilities within CAS",
    )  # unnumbered
    assert (
        document.goals[0].heading
        == "1. EU INTEGRATION AND STRENGTHENING OF INTERNATIONAL COOPERATION"
    )
    assert document.goal_list[1] == ("2", "Management and development of human resources")
    assert document.notes == () and document.untranslated is None
    assert document.marked == "No amendment of the plan was adopted after 1 January 2017."


def test_every_indicator_is_a_line_of_its_activity_s_cell():
    document = document_of(REAL_PLAN, "2018-12-31")
    views = {view.id: view for view in load(REAL_PLAN).plan.views}
    checked = 0
    for row in document.rows:
        items = views[row.activity_id].activity.indicators
        cell = row.cells[COLUMNS.index("indicators")]
        if items is None:  # continues the cell above
            assert cell is None, row.activity_id
            continue
        assert cell is not None
        texts = [item.text for item in items.items]
        expected = [f"- {text}" if len(texts) > 1 else text for text in texts]
        if not items.items and items.as_written:  # 5.5.4: words, no indicator
            expected = [items.as_written]
        assert list(cell.lines) == expected, row.activity_id
        checked += len(items.items)
    assert checked == 305  # every indicator line of the bundled plan


def test_cells_say_the_source_s_words():
    rows = {row.activity_id: row for row in document_of(REAL_PLAN, "2018-12-31").rows}
    due = COLUMNS.index("due")
    assert rows["2.1.1"].cells[due].lines == ("December 31, 2018",)
    assert rows["3.5.1.6"].cells[due].lines == ("November this year for the next year",)
    assert rows["3.7.1"].cells[due].lines == ("Continuous",)  # "<p>Continuous</p>" extracted
    funds = rows["2.1.3"].cells[COLUMNS.index("funds")].lines
    assert funds == ("40,713.020,00 RSD annually for the entire CAS",)
    assert source_words('<ul style="list-style-type: none"> - A - B </ul>') == "- A - B"


def test_the_amended_plan_marks_what_changed_since_adoption(amended):
    document = document_of(amended, "2019-12-31")
    rows = {row.activity_id: row for row in document.rows}
    due, responsible = COLUMNS.index("due"), COLUMNS.index("responsible")
    moved = rows["1.1.1"].cells[due]
    assert (moved.old, moved.lines, moved.notes, moved.rows) == (
        ("June 30, 2018",),
        ("December 31, 2018",),
        (1,),
        2,
    )
    own = rows["1.1.2"].cells[responsible]
    assert (own.old, own.lines, own.notes) == (
        ("Human Resources Division, Assistant Director General",),
        ("Training Department",),
        (1,),
    )
    cancelled = rows["1.1.3"]
    assert cancelled.state == "cancelled"
    assert (cancelled.cells[1].label, cancelled.cells[1].struck, cancelled.cells[1].notes) == (
        "cancelled",
        True,
        (2,),
    )
    assert all(cell.struck for cell in cancelled.cells[1:])
    added = rows["1.1.4"]
    assert (added.state, added.cells[1].label, added.cells[1].notes) == ("added", "added", (2,))
    assert all(cell.inserted and cell.old is None for cell in added.cells[1:])
    renamed = rows["2.1.1"].cells[1]
    assert (renamed.old, renamed.lines) == (
        ("2.1.1 Plan the strategy",),
        ("2.1.1 Plan the next strategy",),
    )
    assert [(n.number, n.amendment, n.text) for n in document.notes] == [
        (
            1,
            "a-2018",
            "Government conclusion 05 br. 021-1234/2018 of 15 June 2018: Deadlines revised",
        ),
        (2, "a-2019", "Government conclusion 05 br. 021-99/2019 of 1 March 2019"),
    ]


def test_a_change_starts_a_cell_of_its_own():
    """A row whose cell an amendment changed never joins the cell above, so that the mark
    covers only the rows it changed."""

    class Row:
        def __init__(self, identifier, written_on):
            self.id = identifier
            self.due = type("Cell", (), {"written_on": written_on})()

    views = [Row("1", "1"), Row("2", "1"), Row("3", "1"), Row("4", "4"), Row("5", None)]
    assert runs(views, "due", [False] * 5) == [3, 0, 0, 1, 1]
    assert runs(views, "due", [False, False, True, False, False]) == [2, 0, 1, 1, 1]
    # an added row between: the row after it continues the row above the added one
    views = [Row("1", "1"), Row("2", "2"), Row("3", "1")]
    assert runs(views, "due", [False] * 3) == [1, 1, 1]


def test_as_of_before_an_amendment_shows_the_old_value_unmarked(amended):
    document = document_of(amended, "2018-01-01")
    rows = {row.activity_id: row for row in document.rows}
    moved = rows["1.1.1"].cells[COLUMNS.index("due")]
    assert (moved.lines, moved.old, moved.notes, moved.inserted) == (
        ("June 30, 2018",),
        None,
        (),
        False,
    )
    assert rows["1.1.2"].cells[COLUMNS.index("responsible")] is None  # continues 1.1.1 again
    assert rows["1.1.1"].cells[COLUMNS.index("responsible")].rows == 2
    assert "1.1.4" not in rows and rows["1.1.3"].state == "in_force"
    assert document.notes == ()
    assert document.marked == "No amendment of the plan was adopted after 1 January 2017."


def test_since_leaves_earlier_amendments_unmarked(amended):
    document = document_of(amended, "2019-12-31", since="2018-12-31")
    rows = {row.activity_id: row for row in document.rows}
    assert rows["1.1.1"].cells[COLUMNS.index("due")].old is None
    assert rows["2.1.1"].cells[1].lines == ("2.1.1 Plan the next strategy",)
    assert rows["2.1.1"].cells[1].old is None
    assert [note.amendment for note in document.notes] == ["a-2019"]
    assert rows["1.1.3"].state == "cancelled" and rows["1.1.4"].state == "added"
    # added before `since`: in force, unmarked; cancelled before it: still struck through
    earlier = {
        r.activity_id: r for r in document_of(amended, "2019-12-31", since="2019-06-01").rows
    }
    assert earlier["1.1.4"].state == "in_force" and earlier["1.1.4"].cells[1].label is None
    assert earlier["1.1.3"].state == "cancelled" and earlier["1.1.3"].cells[1].struck


EXPECTED_MD = """\
# Test plan (fixture, not the real plan)

**Consolidated text as in force on 31 December 2019**

Changed by the amendments adopted after 1 January 2017: the earlier text struck through beside the text in force, added activities underlined, cancelled ones struck through, each decision in a numbered note.

## Introduction

The plan's goals:

1. First goal
2. Second goal

## Activities

↑: the cell of the row above continues into this row (one merged cell in the source).

### 1. FIRST GOAL

| Measure | Activities | Indicators | Responsible org. unit/person | Indicative funds, total | Due date |
|---|---|---|---|---|---|
| 1.1. Rules and training | 1.1.1 Write the rules | - Rules adopted<br>- Rules published | Human Resources Division, Assistant Director General | No expenses | ~~June 30, 2018~~ <ins>December 31, 2018</ins>[^1] |
| ↑ | 1.1.2 Train the staff | Training held | ~~Human Resources Division, Assistant Director General~~ <ins>Training Department</ins>[^1] | ↑ | ↑ |
| ↑ | *(cancelled)* ~~1.1.3 Audit the training~~[^2] | ~~Audit report~~ | ~~Audit Department~~ | ~~1,000.50 EUR (2018)~~ | ~~Q2 2019~~ |
| ↑ | *(added)* <ins>1.1.4 Buy the software</ins>[^2] | <ins>Software bought</ins> | <ins>Human Resources Division</ins> | <ins>cannot be established at this time</ins> | <ins>December 2019</ins> |
| 1.2. Audits | 1.2.1 Audit the units |  | Audit Department | No extra cost | continuous |
| ↑ | 1.2.1.1 Audit the divisions | Audit reports made | ↑ | ↑ | ↑ |
| ↑ | 1.2.1.2 Audit the departments | ↑ | ↑ | ↑ | ↑ |

### 2. Second goal

| Measure | Activities | Indicators | Responsible org. unit/person | Indicative funds, total | Due date |
|---|---|---|---|---|---|
| 2.1. Later work | ~~2.1.1 Plan the strategy~~ <ins>2.1.1 Plan the next strategy</ins>[^1] |  | Human Resources Division |  | 2020 |

## Notes

[^1]: Government conclusion 05 br. 021-1234/2018 of 15 June 2018: Deadlines revised
[^2]: Government conclusion 05 br. 021-99/2019 of 1 March 2019
"""


def test_the_markdown_exactly(amended):
    assert render(document_of(amended, "2019-12-31"), "md") == EXPECTED_MD


def test_the_html_marks_and_merges(amended):
    html = render(document_of(amended, "2019-12-31"), "html")
    for fragment in (
        '<html lang="en">',
        "@page { size: A4 landscape;",
        "thead { display: table-header-group; }",
        '<thead><tr><th scope="col">Measure</th><th scope="col">Activities</th>',
        '<tr class="goal" id="goal-1"><th colspan="6" scope="rowgroup">1. FIRST GOAL</th></tr>',
        '<td rowspan="4">1.1. Rules and training</td>',
        '<td rowspan="2"><del>June 30, 2018</del> <ins>December 31, 2018</ins>'
        '<sup class="ref"><a href="#note-1">1</a></sup></td>',
        '<tr id="activity-1.1.3" class="cancelled"><td><em class="label">(cancelled)</em> '
        "<del>1.1.3 Audit the training</del>",
        '<tr id="activity-1.1.4" class="added"><td><em class="label">(added)</em> '
        "<ins>1.1.4 Buy the software</ins>",
        '<td rowspan="3">Audit Department</td>',
        '<li id="note-1" value="1">Government conclusion 05 br. 021-1234/2018 of 15 June 2018: '
        "Deadlines revised</li>",
    ):
        assert fragment in html, fragment
    assert html.count("<tr id=") == 8  # every activity once


def test_serbian_headings_and_what_is_not_translated(amended):
    document = document_of(amended, "2019-12-31", lang="sr")
    assert document.headers == (
        "Mera",
        "Aktivnosti",
        "Pokazatelji",
        "Odgovorna org. jedinica/lice",
        "Procenjena sredstva, ukupno",
        "Rok",
    )
    assert document.in_force == "Prečišćen tekst, na snazi na dan 31. decembar 2019."
    rows = {row.activity_id: row for row in document.rows}
    # the source's words have no translation: a deadline is said in Serbian, other text stays
    moved = rows["1.1.1"].cells[COLUMNS.index("due")]
    assert (moved.old, moved.lines) == (("30. jun 2018.",), ("31. decembar 2018.",))
    assert rows["1.1.1"].cells[1].lines == ("1.1.1 Write the rules",)
    assert document.untranslated == (
        "28 tekstova plana još nema prevod i prikazano je kako ih piše izvorni dokument, "
        "na engleskom."
    )
    assert document.notes[0].text == (
        "Zaključak Vlade 05 br. 021-1234/2018 od 15. jun 2018.: Deadlines revised"
    )
    cyrillic = document_of(amended, "2019-12-31", lang="sr-Cyrl")
    assert cyrillic.headers == tuple(to_cyrillic(header) for header in document.headers)
    assert cyrillic.notes[0].text.startswith(to_cyrillic("Zaključak Vlade ") + "05 br. 021-1234")
    assert rows["1.1.4"].cells[1].label == "dodata"


def test_the_serbian_document_takes_the_plan_s_translations(tmp_path):
    """The titles, indicators and unit names a translator wrote (translations/sr.yaml) replace
    the English; a stale translation (1.1.3: its English changed since) does not, and counts as
    untranslated; Cyrillic is made from the Latin."""
    from plans import translated_files

    plan = load(write_plan(tmp_path / "plan", translated_files())).plan
    as_of = dt.date(2019, 1, 15)
    latin = render(build_document(plan_on(plan, as_of), as_of, as_of, "sr"), "md")
    assert "1.1.1 Usvojiti pravilnik" in latin and "Pravilnik usvojen" in latin
    assert "Sektor za ljudske resurse" in latin and "Adopt the rules" not in latin
    assert "1.1.3 Audit the training" in latin and "Revidirati obuke" not in latin
    cyrillic = render(build_document(plan_on(plan, as_of), as_of, as_of, "sr-Cyrl"), "md")
    assert to_cyrillic("Usvojiti pravilnik") in cyrillic
    english = render(build_document(plan_on(plan, as_of), as_of, as_of, "en"), "md")
    assert "1.1.1 Adopt the rules" in english
