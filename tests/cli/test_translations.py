# ruff: noqa: RUF001  (Serbian Cyrillic text, as printed)
"""The plan's text in Serbian (translations/sr.yaml, a test fixture): what validate says of a
stale translation, the report (md, html, docx), the site, the workbooks and the follow-up in sr
and sr-Cyrl with the plan's text translated and the count of what is still in English; `casplan
translations` and its workbook read back by `casplan import`, with its refusals cell by cell."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cas_plan.core.loader import directory_listing, load_plan
from cas_plan.core.translations import TextKey, text_digest
from cas_plan.l10n.plan_text import in_language, plan_text
from plans import SR_FRESH, SR_TEXTS, english_digest, translated_files, write_plan

docx = pytest.importorskip("docx")

STALE_LINE = (
    "translations/sr.yaml:44:15: warning: stale translation of the title of activity 1.1.3: "
    "the English changed since it was translated"
)


@pytest.fixture
def plan(tmp_path) -> Path:
    return write_plan(tmp_path / "plan", translated_files())


def run(invoke, *args: str, code: int = 0):
    result = invoke(*args)
    assert result.exit_code == code, result.output
    return result


def loaded(plan: Path):
    return load_plan(directory_listing(plan), str(plan), None, False).plan


# --- the file and validate -------------------------------------------------------------------


def test_the_digest_is_the_first_twelve_hex_digits_of_sha256():
    assert text_digest("First goal") == "d9c54d454efa" == english_digest("First goal")


def test_validate_reports_the_stale_translation_and_strict_fails(invoke, plan):
    result = run(invoke, "validate", "--plan", str(plan))
    lines = result.stdout.splitlines()
    assert f"{plan}/{STALE_LINE}" in lines
    at = lines.index(f"{plan}/{STALE_LINE}")
    assert lines[at + 1 : at + 4] == [
        "  44 |       digest: 297676dbcbcb",
        "     |               ^",
        "  hint: translate the English again and set digest: 642f54fa147c (casplan translations "
        "lists what to translate)",
    ]
    strict = run(invoke, "validate", "--plan", str(plan), "--strict", code=1)
    assert strict.stdout.splitlines()[-1] == (
        f"{plan}: fails --strict: 3 measures, 9 activities; 0 errors, 2 warnings"
    )


def test_a_translations_file_of_another_name_is_refused(invoke, plan):
    (plan / "translations" / "sr-Cyrl.yaml").write_text("plan: {}\n", encoding="utf-8")
    result = run(invoke, "validate", "--plan", str(plan), code=1)
    assert f"{plan}/translations/sr-Cyrl.yaml:1:1: error: not a plan file name" in result.stdout
    assert (
        "  hint: the plan's text in Serbian is translations/sr.yaml, in Latin script (Cyrillic "
        "is made from it)" in result.stdout
    )


# --- the plan in the reader's language -------------------------------------------------------


def test_plan_text_and_the_plan_in_a_language(plan):
    english = loaded(plan)
    title = TextKey("activity", "1.1.1", "title")
    assert plan_text(english, title, "en") == "Adopt the rules"
    assert plan_text(english, title, "sr") == "Usvojiti pravilnik"
    assert plan_text(english, title, "sr-Cyrl") == "Усвојити правилник"
    stale = TextKey("activity", "1.1.3", "title")
    assert plan_text(english, stale, "sr-Cyrl") == "Audit the training"  # English stays Latin
    shown = in_language(english, "sr-Cyrl")
    assert (shown.untranslated, shown.total) == (SR_TEXTS - SR_FRESH, SR_TEXTS) == (11, 24)
    assert shown.note() == {"untranslated": 11, "total": 24, "text": "11 од 24"}
    assert in_language(english, "en").note() is None
    views = {view.id: view for view in shown.plan.views}
    assert views["1.1.1"].title == "Усвојити правилник"
    assert views["1.1.1"].indicator_texts == ["Правилник усвојен"]
    assert views["1.1.1"].entries[0].values == {"Правилник усвојен": "yes"}  # the value's name
    assert views["1.1.6"].indicator_texts == ["Trainings held"]  # filled down from 1.1.4
    assert shown.plan.units["hr-division"].name == "Сектор за људске ресурсе"
    assert shown.plan.events is not None
    assert shown.plan.events.model.events[0].name == "Почетак пројекта"
    assert [v.id for v in shown.plan.views] == [v.id for v in english.views]


# --- the report ------------------------------------------------------------------------------


def report(invoke, plan, *args):
    return run(invoke, "report", "--plan", str(plan), "--year", "2018", *args)


def test_serbian_report_md_with_the_plans_text_and_the_untranslated_count(invoke, plan):
    text = report(invoke, plan, "--lang", "sr").stdout
    lines = text.splitlines()
    assert lines[2:11] == [
        "| | |",
        "|---|---|",
        "| Plan | Probni plan (primer, ne pravi plan) |",
        "| Period sprovođenja plana | 1. januar 2017. – 31. decembar 2020. |",
        "| Izveštajni period | 1. januar – 31. decembar 2018. |",
        "| Stanje na dan | 31. decembar 2018. |",
        "| Rok za dostavljanje Vladi | 30. april 2019. |",
        "| Izrađeno na osnovu | plana koji nije u git repozitorijumu, casplan 0.1.0 |",
        "| Tekstovi plana koji još nisu prevedeni na srpski (prikazani na engleskom) | 11 od 24 |",
    ]
    for line in (
        "### Cilj 1: Prvi cilj",
        "#### Mera 1.1: Pravila i obuka",
        "| 1.1.1 | Usvojiti pravilnik | Sektor za ljudske resurse | 31.12.2018. | Realizovano | "
        "Pravilnik usvojen: yes | Adopted by the board (01.11.2018.) | "
        "<https://example.org/rules.pdf>; doc: br. 148-01-123/2018 |",
        # stale: shown in English
        "| 1.1.3 | Audit the training | Odeljenje za reviziju | 30.06.2018. | U toku |  | "
        "Auditors appointed late (20.04.2018.) |  |",
        "### Cilj 3: Third goal",
        "| 2.1.1 Zaposliti revizore | Rok | mart 2018. | septembar 2018. |",
        "| 1. Prvi cilj | EUR | 1.000,50 EUR | 800,25 EUR |",
    ):
        assert line in lines, line
    cyrillic = report(invoke, plan, "--lang", "sr-Cyrl").stdout.splitlines()
    assert (
        "| Текстови плана који још нису преведени на српски (приказани на енглеском) | 11 од 24 |"
        in cyrillic
    )
    assert "### Циљ 1: Први циљ" in cyrillic
    assert (
        "| 1.1.2 | Обучити предаваче | Одељење за обуку | 31.03.2018. | Реализовано са "
        "закашњењем (40 дана) |  | Trained in May (10.05.2018.) |  |"
    ) in cyrillic
    english = report(invoke, plan).stdout
    assert "Tekstovi" not in english and "not yet translated" not in english
    assert "| 1.1.1 | Adopt the rules | Human Resources Division |" in english


def test_serbian_report_html_and_docx(invoke, plan, tmp_path):
    html = report(invoke, plan, "--lang", "sr", "--format", "html").stdout
    assert (
        "<tr><td>Tekstovi plana koji još nisu prevedeni na srpski (prikazani na engleskom)</td>"
        "<td>11 od 24</td></tr>"
    ) in html
    assert (
        "<title>Izveštaj o sprovođenju Akcionog plana za 2018. godinu: Probni plan (primer, ne pravi plan)</title>"
        in html
    )
    out = tmp_path / "sr.docx"
    report(invoke, plan, "--lang", "sr-Cyrl", "--format", "docx", "--out", str(out))
    document = docx.Document(str(out))
    cover = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert cover[0] == ["План", "Пробни план (пример, не прави план)"]
    assert cover[-1] == [
        "Текстови плана који још нису преведени на српски (приказани на енглеском)",
        "11 од 24",
    ]
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert headings[:3] == ["Циљ 1: Први циљ", "Циљ 2: Други циљ", "Циљ 3: Third goal"]


# --- the site, the workbooks, the follow-up --------------------------------------------------


@pytest.mark.slow  # builds a whole site
def test_serbian_site_page(invoke, plan, tmp_path):
    out = tmp_path / "site"
    run(
        invoke,
        "site",
        "--plan",
        str(plan),
        "--out",
        str(out),
        "--lang",
        "sr",
        "--as-of",
        "2018-12-31",
    )
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "<h1>Probni plan (primer, ne pravi plan)</h1>" in home
    assert (
        "<dt>Tekstovi plana koji još nisu prevedeni na srpski (prikazani na engleskom)</dt>"
        "<dd>11 od 24</dd>"
    ) in home
    activity = (out / "activities" / "1.1.1.html").read_text(encoding="utf-8")
    assert '<h1><span class="id">1.1.1</span> Usvojiti pravilnik</h1>' in activity
    files = [p for p in out.rglob("*") if p.is_file()]
    assert [p.name for p in files if "Adopt the rules" in p.read_text("utf-8", "replace")] == []
    yearly = (out / "reports" / "2018.html").read_text(encoding="utf-8")
    assert "<td>11 od 24</td>" in yearly and "Usvojiti pravilnik" in yearly


def test_serbian_workbook_shows_the_translation_and_imports(invoke, plan, tmp_path):
    out = tmp_path / "collect"
    run(invoke, "collect", "--plan", str(plan), "--period", "2018-Q4", "--out", str(out),
        "--unit", "hr-division", "--lang", "sr")  # fmt: skip
    wb = load_workbook(out / "hr-division.xlsx")
    rows = [row[:4] for row in wb["Aktivnosti"].iter_rows(min_row=2, values_only=True)]
    assert rows == [
        ("1.1.1", "Usvojiti pravilnik", "1. Pravilnik usvojen", "31. decembar 2018."),
        ("1.1.4", "Keep the staff trained", "1. Trainings held", "kontinuirano"),
        ("1.1.5", "Keep the manual current", "1. Trainings held", "kontinuirano"),
        ("1.1.6", "Nabaviti softver", "1. Trainings held", "decembar 2017."),
    ]
    assert wb["Uputstvo"]["A1"].value == "Izveštaj o napretku: Sektor za ljudske resurse"
    # the workbook is recognised by the English plan: a row of it imports
    ws = wb["Aktivnosti"]
    ws["H5"], ws["I5"], ws["J5"] = "Realizovano", dt.datetime(2018, 12, 20), "Softver nabavljen"
    wb.save(out / "hr-division.xlsx")
    result = run(invoke, "import", "--plan", str(plan), "--dry-run", str(out / "hr-division.xlsx"))
    assert result.stdout.splitlines()[:2] == [
        "hr-division.xlsx: 1 row to add",
        f"{plan}/goal-1/measure-1.1.yaml: would add a progress entry to 1.1.6:",
    ]


def test_serbian_followup_and_its_drafts(invoke, plan, tmp_path):
    result = run(invoke, "followup", "--plan", str(plan), "--period", "2018-Q4", "--as-of",
                 "2019-01-10", "--lang", "sr", "--eml", str(tmp_path / "eml"))  # fmt: skip
    assert result.stdout.splitlines()[2:6] == [
        "Sektor za ljudske resurse (hr-division): 3 od 4 bez izveštaja u periodu; poslednji "
        "izveštaj: 1. novembar 2018.",
        "  1.1.4  kontinuirano | Keep the staff trained",
        "  1.1.5  kontinuirano | Keep the manual current",
        "  1.1.6  decembar 2017. | Nabaviti softver",  # overdue since 2017: asked again
    ]
    message = email.message_from_bytes(
        (tmp_path / "eml" / "hr-division.eml").read_bytes(), policy=email.policy.default
    )
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert "Sektor za ljudske resurse" in text and "Probni plan (primer, ne pravi plan)" in text
    attached = next(message.iter_attachments())
    wb = load_workbook(io.BytesIO(attached.get_content()))
    assert wb["Aktivnosti"]["B2"].value == "Usvojiti pravilnik"
    records = json.loads(
        run(
            invoke,
            "followup",
            "--plan",
            str(plan),
            "--period",
            "2018-Q4",
            "--as-of",
            "2019-01-10",
            "--lang",
            "sr",
            "--format",
            "json",
        ).stdout
    )
    assert "Human Resources Division" in json.dumps(records)  # records keep the plan's English


# --- casplan translations and its workbook ---------------------------------------------------


def test_the_list_of_texts_to_translate(invoke, plan):
    result = run(invoke, "translations", "--plan", str(plan), "--lang", "sr")
    assert result.stdout == (
        "translations/sr.yaml: 13 of the plan's 24 texts translated; 11 to translate (1 stale)\n"
        "new: indicator 1 of activity 1.1.2: Trainers trained\n"
        "stale: the title of activity 1.1.3: Audit the training\n"
        "new: indicator 1 of activity 1.1.3: Audit report\n"
        "new: the title of activity 1.1.4: Keep the staff trained\n"
        "new: indicator 1 of activity 1.1.4: Trainings held\n"
        "new: the title of activity 1.1.5: Keep the manual current\n"
        "new: the title of measure 2.1: Audit capacity\n"
        "new: the title of activity 2.1.2: Build the audit lab\n"
        "new: the title of goal 3: Third goal\n"
        "new: the title of measure 3.1: Later work\n"
        "new: the title of activity 3.1.1: Plan the next strategy\n"
    )
    for lang, said in (
        ("sr-Cyrl", "casplan: error: --lang sr-Cyrl: the plan is translated into sr (Latin "
         "script); sr-Cyrl is made from it, and the plan itself is in English\n"),
        ("en", "casplan: error: --lang en: the plan is translated into sr (Latin script); "
         "sr-Cyrl is made from it, and the plan itself is in English\n"),
    ):  # fmt: skip
        refused = run(invoke, "translations", "--plan", str(plan), "--lang", lang, code=2)
        assert refused.stderr == said
    refused = run(invoke, "translations", "--plan", str(plan), "--format", "xlsx", code=2)
    assert (
        refused.stderr == "casplan: error: --format xlsx: give the file to write with --out FILE\n"
    )


def make_workbook(invoke, plan: Path, out: Path) -> Path:
    result = run(invoke, "translations", "--plan", str(plan), "--format", "xlsx", "--out", str(out))
    assert result.stdout == (
        f"wrote {out}\n"
        "translations/sr.yaml: 13 of the plan's 24 texts translated; 11 to translate (1 stale)\n"
    )
    return out


def make_workbook_of(invoke, plan: Path, out: Path) -> Path:
    run(invoke, "translations", "--plan", str(plan), "--format", "xlsx", "--out", str(out))
    return out


def fill(path: Path, cells: dict[str, object]) -> Path:
    wb = load_workbook(path)
    ws = wb["Tekstovi"]
    for ref, value in cells.items():
        ws[ref] = value
    wb.save(path)
    return path


def test_the_workbook_as_made(invoke, plan, tmp_path):
    path = make_workbook(invoke, plan, tmp_path / "sr.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["Uputstvo", "Tekstovi", "casplan"]
    assert wb["casplan"].sheet_state == "hidden"
    ws = wb["Tekstovi"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[:4] == [
        (
            "Broj",
            "Koji tekst",
            "Engleski",
            "Kontrolni zbir",
            "Sadašnji prevod",
            "Srpski (latinica)",
        ),
        ("1.1.2", "Aktivnost: pokazatelj 1", "Trainers trained", "a5096bc45db7", None, None),
        (
            "1.1.3",
            "Aktivnost: naziv",
            "Audit the training",
            "642f54fa147c",
            "Revidirati obuke",
            None,
        ),
        ("1.1.3", "Aktivnost: pokazatelj 1", "Audit report", "2da03d1ee356", None, None),
    ]
    assert rows[9][:3] == ("3", "Cilj: naziv", "Third goal")
    assert len(rows) == 12
    assert ws.protection.sheet
    assert [ws.cell(2, c).protection.locked for c in range(1, 7)] == [True] * 5 + [False]
    assert wb["Uputstvo"]["A1"].value == "Prevod plana: Test plan (fixture, not the real plan)"


def test_round_trip_write_fill_import_validate(invoke, plan, tmp_path):
    path = fill(make_workbook(invoke, plan, tmp_path / "sr.xlsx"), {
        "F2": "Predavači obučeni",
        "F3": "Revidirati obuku",
        "F10": "Treći cilj",
        "F11": "  Kasniji   rad ",  # spaces as typed: one line, single spaces
    })  # fmt: skip
    result = run(invoke, "import", "--plan", str(plan), str(path))
    assert result.stdout == (
        "sr.xlsx: 4 translations to write\n"
        f"{plan}/translations/sr.yaml: wrote 4 translations:\n"
        '+  "3":\n'
        "+    title:\n"
        "+      text: Treći cilj\n"
        "+      digest: 329394a8ca61\n"
        '+  "3.1":\n'
        "+    title:\n"
        "+      text: Kasniji rad\n"
        "+      digest: 4d90c142e1de\n"
        "+    indicators:\n"
        "+      1:\n"
        "+        text: Predavači obučeni\n"
        "+        digest: a5096bc45db7\n"
        "-      text: Revidirati obuke\n"
        "-      digest: 297676dbcbcb\n"
        "+      text: Revidirati obuku\n"
        "+      digest: 642f54fa147c\n"
    )
    written = (plan / "translations" / "sr.yaml").read_text(encoding="utf-8")
    assert written.startswith("# The plan's text in Serbian (test fixture, not the real plan's).\n")
    validated = run(invoke, "validate", "--plan", str(plan))
    assert "stale" not in validated.stdout
    listed = run(invoke, "translations", "--plan", str(plan))
    assert listed.stdout.splitlines()[0] == (
        "translations/sr.yaml: 17 of the plan's 24 texts translated; 7 to translate (0 stale)"
    )
    md = report(invoke, plan, "--lang", "sr").stdout
    assert (
        "| Tekstovi plana koji još nisu prevedeni na srpski (prikazani na engleskom) | 7 od 24 |"
        in md
    )
    assert "### Cilj 3: Treći cilj" in md
    again = run(invoke, "import", "--plan", str(plan), str(path))
    assert again.stdout == "sr.xlsx: 4 translations already recorded, nothing to write\n"


def test_a_new_translations_file_is_made_with_its_schema_line(invoke, tmp_path):
    files = translated_files()
    del files["translations/sr.yaml"]
    plan = write_plan(tmp_path / "plan", files)
    path = fill(make_workbook_of(invoke, plan, tmp_path / "sr.xlsx"), {"F2": "Probni plan"})
    dry = run(invoke, "import", "--plan", str(plan), "--dry-run", str(path))
    assert dry.stdout.splitlines()[1] == f"{plan}/translations/sr.yaml: would write 1 translation:"
    assert not (plan / "translations").exists()  # nothing made on a dry run
    run(invoke, "import", "--plan", str(plan), str(path))
    assert (plan / "translations" / "sr.yaml").read_text(encoding="utf-8") == (
        "# yaml-language-server: $schema=../schemas/translations.schema.json\n"
        "# The plan's text in Serbian, in Latin script; Cyrillic is made from it. Each text keeps\n"
        "# the digest of the English it translates (casplan translations, casplan import).\n"
        "plan:\n"
        "  title:\n"
        "    text: Probni plan\n"
        "    digest: 9dd10ce8e03c\n"
    )
    assert "0 errors, 1 warning" in run(invoke, "validate", "--plan", str(plan)).stdout


def test_refusals_cell_by_cell_and_nothing_written(invoke, plan, tmp_path):
    path = make_workbook(invoke, plan, tmp_path / "sr.xlsx")
    wb = load_workbook(path)
    ws = wb["Tekstovi"]
    ws["F2"] = "=C2"  # a formula
    ws["D4"], ws["F4"] = "000000000000", "Izveštaj o reviziji"  # a changed digest
    ws["F5"] = "Одржавати обученост"  # Cyrillic
    ws["A6"], ws["F6"] = "1.1.9", "Nešto"  # a changed id
    ws["F7"] = "Održati obuke"  # fine: nothing is written all the same
    wb.save(path)
    # the English of 2.1 changes after the workbook was made: its row is stale
    measure = plan / "goal-2" / "measure-2.1.yaml"
    measure.write_text(
        measure.read_text(encoding="utf-8").replace("title: Audit capacity", "title: Audit power"),
        encoding="utf-8",
    )
    fill(path, {"F8": "Revizorski kapacitet"})
    before = (plan / "translations" / "sr.yaml").read_bytes()
    result = run(invoke, "import", "--plan", str(plan), str(path), code=1)
    assert result.stderr == (
        "sr.xlsx:Tekstovi!F2: is a formula ('=C2'); write the translation as text\n"
        "sr.xlsx:Tekstovi!D4: the digest is '000000000000', not '2da03d1ee356' as the workbook "
        "was made; do not change it\n"
        "sr.xlsx:Tekstovi!F5: is in Cyrillic; write Serbian in Latin script (Cyrillic is made "
        "from it)\n"
        "sr.xlsx:Tekstovi!A6: '1.1.9' 'Aktivnost: pokazatelj 1' is not a text this workbook "
        "was made with; do not change the id and text columns\n"
        "sr.xlsx:Tekstovi!A8: the English of the title of measure 2.1 changed since the "
        "workbook was made; make a new workbook (casplan translations --format xlsx)\n"
        "casplan: error: 5 problems; nothing was written\n"
    )
    assert (plan / "translations" / "sr.yaml").read_bytes() == before


def test_a_workbook_of_another_plan_or_moved_columns(invoke, plan, tmp_path):
    path = make_workbook(invoke, plan, tmp_path / "sr.xlsx")
    wb = load_workbook(path)
    wb["Tekstovi"]["C1"] = "English text"
    wb.save(path)
    result = run(invoke, "import", "--plan", str(plan), str(path), code=1)
    assert result.stderr.splitlines()[0] == (
        "sr.xlsx:Tekstovi!C1: the header is 'English text', not 'Engleski'; do not insert, "
        "remove or move columns"
    )
    other = plan.parent / "other"
    write_plan(other, {**translated_files(), "plan.yaml": translated_files()["plan.yaml"].replace(
        "Test plan (fixture", "Another plan (fixture")})  # fmt: skip
    path = make_workbook(invoke, plan, tmp_path / "sr2.xlsx")
    result = run(invoke, "import", "--plan", str(other), str(path), code=1)
    assert result.stderr.splitlines()[0] == (
        "sr2.xlsx: made from another plan ('Test plan (fixture, not the real plan)'), not "
        "'Another plan (fixture, not the real plan)'"
    )


def test_the_bundled_plan_has_no_translations():
    from plans import REAL_PLAN

    assert not (REAL_PLAN / "translations").exists()


def test_diff_says_what_changed_in_the_translations(invoke, tmp_path, monkeypatch):
    import subprocess

    root = tmp_path / "repo"
    plan = write_plan(root / "plan", translated_files())

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-C", str(root), "-c", "user.name=Test", "-c", "user.email=t@example.org",
             *args],
            check=True, capture_output=True,
        )  # fmt: skip

    git("init", "-q", "-b", "main")
    git("add", ".")
    git("commit", "-qm", "plan")
    sr = plan / "translations" / "sr.yaml"
    sr.write_text(
        sr.read_text(encoding="utf-8").replace("text: Prvi cilj", "text: Prvi cilj plana"),
        encoding="utf-8",
    )
    monkeypatch.chdir(root)
    result = run(invoke, "diff", "HEAD")
    assert result.stdout.splitlines()[1:] == [
        "Changes to the plan's other files (1):",
        "  * translations/sr.yaml goals/1/title: Prvi cilj [d9c54d454efa] -> Prvi cilj plana "
        "[d9c54d454efa]",
    ]
