# ruff: noqa: RUF001  (Cyrillic letters that look like Latin ones are the point of a test)
"""`casplan followup`: per unit, what has no report in a period, before and after an import;
the .eml drafts parsed back with the standard library."""

from __future__ import annotations

import email
import json
import shutil
from email.policy import default
from pathlib import Path

import pytest
from workbooks import GOOD, fill

from cas_plan.collect.read import read_collect_workbook
from plans import REAL_PLAN

AUDIT_BEFORE = """\
Audit Department (audit-department): 16 of 16 without a report in the period; last report: never
  3.1.8    continuous | Training of internal audit officers for FMC and IA in the MoF for passing the exam and obtaining the title of authorized internal auditor in public sector
  3.4.1    continuous | Organizing training and seminars for the business community and other participants in customs procedures
  3.4.2    continuous | Holding presentations in the Serbian Chamber of Commerce
  3.4.3    continuous | Participating in the activities of the Working Group for amending regulations in MoF
  3.5.1    continuous | Systematic and planned audits of the work and business flow in CAS organizational units
  3.5.1.1  continuous | Audit of regularity of customs regulations and procedures
  3.5.1.2  continuous | Audit of financial and material operations
  3.5.1.3  continuous | Audit of customs administrative and offense proceedings and of organizational and human resources affairs
  3.5.1.4  continuous | Audit of other business processes
  3.5.1.5  continuous | Monitoring and reporting on results in order to improve the current work and business methodology, to remove defects, errors and shortcomings
  3.5.1.6  each year by the end of November | Creating the Annual audit plan for the next year
  3.5.1.7  each year by 31 March | Creating the Annual report on the work of internal audit and submitting it to the Central Harmonisation Unit
  3.5.1.8  continuous | Updating and improving current methodological instructions and developing other tools in line with the best international practice
  5.3.2    continuous | Further implementation and alignment with International Standards of Internal Audit in the Audit Department
  5.3.3    continuous | Training in order to improve employee expertise by monitoring international practice, for the purposes of professional development of Internal financial control in the public sector
  5.3.4    continuous | Cooperation with the Central Harmonisation Unit in order to conduct and implement international Internal Audit standards
"""


@pytest.fixture
def plan(tmp_path) -> Path:
    target = tmp_path / "plan"
    shutil.copytree(REAL_PLAN, target)
    organization = target / "organization.yaml"
    text = organization.read_text(encoding="utf-8")
    marker = "  - id: audit-department\n"
    assert marker in text
    organization.write_text(
        text.replace(marker, marker + "    contact: audit@carina.rs\n"), encoding="utf-8"
    )
    return target


def block(output: str, heading: str) -> str:
    """The lines of one unit's block of the table."""
    lines = output.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith(heading))
    end = next(i for i in range(start, len(lines)) if lines[i] == "\n")
    return "".join(lines[start:end])


def followup(invoke, plan, *args):
    result = invoke(
        "followup", "--plan", str(plan), "--period", "2018-Q4", "--as-of", "2019-01-10", *args
    )
    assert result.exit_code == 0, result.output
    return result


def test_followup_before_and_after_an_import(invoke, plan, tmp_path):
    before = followup(invoke, plan)
    assert before.stdout.startswith(
        "Follow-up of 1 October – 31 December 2018, as of 10 January 2019\n\n"
    )
    assert block(before.stdout, "Audit Department") == AUDIT_BEFORE
    assert before.stdout.endswith(
        "\nTotal: 177 of 177 activities without a report in the period, at 20 of 20 "
        "organizational units\n"
    )

    out = tmp_path / "out"
    out.mkdir()
    result = invoke(
        "collect",
        "--plan",
        str(plan),
        "--period",
        "2018-Q4",
        "--out",
        str(out),
        "--unit",
        "audit-department",
    )
    assert result.exit_code == 0, result.output
    fill(out / "audit-department.xlsx", GOOD)
    result = invoke("import", "--plan", str(plan), str(out / "audit-department.xlsx"))
    assert result.exit_code == 0, result.output

    after = followup(invoke, plan)
    expected = (
        AUDIT_BEFORE.replace(
            "16 of 16 without a report in the period; last report: never",
            "14 of 16 without a report in the period; last report: 20 December 2018",
        )
        .replace(
            "  3.5.1.1  continuous | Audit of regularity of customs regulations and procedures\n",
            "",
        )
        .replace(
            "  3.5.1.6  each year by the end of November | Creating the Annual audit plan for the next year\n",
            "",
        )
    )
    assert block(after.stdout, "Audit Department") == expected
    assert after.stdout.endswith(
        "\nTotal: 175 of 177 activities without a report in the period, at 20 of 20 "
        "organizational units\n"
    )
    # before the entries' dates, the period had no report yet
    earlier = invoke(
        "followup", "--plan", str(plan), "--period", "2018-Q4", "--as-of", "2018-11-01"
    )
    assert "Audit Department (audit-department): 16 of 16" in earlier.stdout

    record = json.loads(followup(invoke, plan, "--format", "json").stdout)
    audit = next(unit for unit in record["units"] if unit["id"] == "audit-department")
    assert {
        key: audit[key] for key in ("contact", "activities", "without_report", "last_report")
    } == {
        "contact": "audit@carina.rs",
        "activities": 16,
        "without_report": 14,
        "last_report": "2018-12-20",
    }
    assert record["totals"] == {
        "activities": 177, "without_report": 175, "units": 20, "units_without_report": 20,
    }  # fmt: skip

    csv_lines = followup(invoke, plan, "--format", "csv").stdout.splitlines()
    assert csv_lines[0] == "unit,unit_name,last_report,id,title,deadline,status"
    assert "audit-department,Audit Department,2018-12-20,3.1.8," in "\n".join(csv_lines)

    md = followup(invoke, plan, "--format", "md").stdout
    assert md.startswith(
        "# Follow-up of 1 October – 31 December 2018\n\nState as of 10 January 2019.\n\n## "
    )
    assert (
        "- **5.3.4** Cooperation with the Central Harmonisation Unit in order to conduct and "
        "implement international Internal Audit standards (deadline: continuous)\n"
    ) in md


def test_eml_drafts_parse_back(invoke, plan, tmp_path):
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    result = followup(invoke, plan, "--eml", str(drafts))
    assert f"wrote {drafts}/audit-department.eml (to audit@carina.rs)\n" in result.stderr
    assert (
        f"wrote {drafts}/customs-laboratory.eml\n"
        "casplan: warning: customs-laboratory has no contact in organization.yaml; "
        "the draft has no To\n"
    ) in result.stderr
    assert len(list(drafts.iterdir())) == 20  # Belgrade Customs Office too (issue 20)

    message = email.message_from_bytes(
        (drafts / "audit-department.eml").read_bytes(), policy=default
    )
    assert message["To"] == "audit@carina.rs"
    assert message["Subject"] == (
        "Progress report for 1 October – 31 December 2018: Audit Department"
    )
    assert message["X-Unsent"] == "1"
    assert message["Date"] is None and message["From"] is None
    body = (
        message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    )  # RFC 5322 lines end in CRLF
    assert (
        "- 3.5.1.6 Creating the Annual audit plan for the next year (deadline: each year by the end of November)\n"
        in body
    )
    assert "Please fill in the attached workbook audit-department.xlsx" in body
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "audit-department.xlsx"
    assert attachment.get_content_type() == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    read = read_collect_workbook(attachment.get_content(), "audit-department.xlsx")
    assert read.problems == []
    assert read.meta is not None and read.meta.unit_id == "audit-department"
    assert "3.5.1.7" in read.activity_ids  # overdue before: in the list and the workbook alike

    no_contact = email.message_from_bytes(
        (drafts / "customs-laboratory.eml").read_bytes(), policy=default
    )
    assert no_contact["To"] is None


def test_followup_in_cyrillic_drafts_and_workbooks_included(invoke, plan, tmp_path):
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    result = followup(invoke, plan, "--lang", "sr-Cyrl", "--eml", str(drafts))
    assert result.stdout.startswith(
        "Праћење извештавања за 1. октобар – 31. децембар 2018., стање на дан 10. јануар 2019.\n\n"
    )
    assert block(result.stdout, "Audit Department").splitlines()[:2] == [
        "Audit Department (audit-department): 16 од 16 без извештаја у периоду; "
        "последњи извештај: никад",
        "  3.1.8    континуирано | Training of internal audit officers for FMC and IA in the MoF "
        "for passing the exam and obtaining the title of authorized internal auditor in public "
        "sector",
    ]
    assert result.stdout.endswith(
        "\nУкупно: 177 од 177 активности без извештаја у периоду, у 20 од 20 организационих "
        "јединица\n"
    )
    message = email.message_from_bytes(
        (drafts / "audit-department.eml").read_bytes(), policy=default
    )
    assert message["Subject"] == (
        "Извештај о напретку за 1. октобар – 31. децембар 2018.: Audit Department"
    )
    body = message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    assert body.startswith("Поштоване колегинице и колеге,\n\nза извештај о напретку у ")
    assert (
        "- 3.5.1.6 Creating the Annual audit plan for the next year (рок: новембар сваке године)\n"
    ) in body
    assert body.endswith("\nВаш последњи извештај: још ниједан.\n")
    (attachment,) = list(message.iter_attachments())
    read = read_collect_workbook(attachment.get_content(), "audit-department.xlsx")
    assert read.problems == [] and read.meta is not None
    assert read.meta.lang == "sr-Cyrl"
    assert read.meta.status_labels["completed"] == "Реализовано"
    md = followup(invoke, plan, "--lang", "sr", "--format", "md").stdout
    assert md.startswith(
        "# Praćenje izveštavanja za 1. oktobar – 31. decembar 2018.\n\n"
        "Stanje na dan 10. januar 2019.\n\n## "
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--period", "Q4"),
            "--period: 'Q4' is not a period; write 2018, 2018-H1, 2018-Q4, 2018-07 or 2018-01-01..2018-06-30",
        ),
        (
            ("--period", "2018", "--format", "xlsx"),
            "--format: 'xlsx' is not one of table, md, json, csv",
        ),
        (("--period", "2018", "--eml", "no/such/dir"), "--eml: directory 'no/such' does not exist"),
    ],
)
def test_followup_bad_values(invoke, plan, args, message):
    result = invoke("followup", "--plan", str(plan), *args)
    assert result.exit_code == 2
    assert result.stderr == f"casplan: error: {message}\n"


def test_a_bad_contact_is_a_plan_problem(invoke, plan):
    organization = plan / "organization.yaml"
    text = organization.read_text(encoding="utf-8")
    organization.write_text(
        text.replace("audit@carina.rs", "Audit <audit@carina.rs>"), encoding="utf-8"
    )
    result = invoke("validate", "--plan", str(plan))
    assert result.exit_code == 1
    assert (
        "'Audit <audit@carina.rs>' is not one plain e-mail address: it has a display name; "
        "write the address alone, like name@carina.rs"
    ) in result.output
