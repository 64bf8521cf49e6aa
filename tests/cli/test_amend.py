"""`casplan amend NEW-ID --add`: an activity a decision adds, every cell stated, recorded through
the plan's one transaction."""

from __future__ import annotations

import pytest

from plans import minimal_files, write_plan

ADD = (
    "--add", "--decision", "05 br. 7/2018", "--date", "2018-06-28", "--reason", "A new law",
    "--title", "Publish the rules", "--indicator", "Rules published", "--indicator",
    "Staff informed", "--responsible", "hr-division:Head of Division", "--responsible",
    "audit-department", "--funds", "1.200.000,00 RSD", "--funds-source", "Budget", "--due",
    "2019-06-30",
)  # fmt: skip
ADDED_ROW = """\
  - id: "1.1.3"
    title: Publish the rules
    indicators:
      - Rules published
      - Staff informed
    responsible:
      units:
        - unit: hr-division
          role: Head of Division
        - unit: audit-department
    funds:
      amounts:
        - amount: 1200000.00 RSD
          source: Budget
    due:
      when: 2019-06-30
    added_by: amendment-2018-06-28
"""


@pytest.fixture
def plan(tmp_path):
    return write_plan(tmp_path / "p", minimal_files())


def test_add_an_activity_with_every_cell(invoke, plan):
    result = invoke("amend", "1.1.3", "--plan", str(plan), *ADD)
    assert result.exit_code == 0, result.output
    measure = f"{plan}/goal-1/measure-1.1.yaml"
    assert result.stdout == (
        "recorded amendment amendment-2018-06-28 (05 br. 7/2018, adopted 2018-06-28), added to "
        "amendments.yaml\n"
        "added activity 1.1.3\n"
        f"{measure}:\n"
        + "".join(f"+{line}\n" for line in ADDED_ROW.splitlines())
        + f"{plan}/amendments.yaml:\n"
        "+# yaml-language-server: $schema=schemas/amendments.schema.json\n"
        "+amendments:\n"
        "+  - id: amendment-2018-06-28\n"
        "+    date: 2018-06-28\n"
        "+    decision: 05 br. 7/2018\n"
        "+    reason: A new law\n"
    )
    assert (plan / "goal-1" / "measure-1.1.yaml").read_text() == (
        minimal_files()["goal-1/measure-1.1.yaml"] + ADDED_ROW
    )
    assert invoke("validate", "--plan", str(plan)).exit_code == 0
    show = invoke("show", "1.1.3", "--plan", str(plan)).output
    assert "Added by amendment amendment-2018-06-28" in show
    # the plan before the decision has no such activity
    before = invoke("list", "--plan", str(plan), "--as-of", "2018-06-27", "--format", "json")
    assert '"1.1.3"' not in before.output


def test_add_between_rows_keeps_id_order_and_passes_no_cell_down(invoke, plan):
    result = invoke("amend", "1.1.2", "--plan", str(plan), *ADD)
    assert result.exit_code == 2
    assert result.output == (
        "casplan: error: --add: 1.1.2 is already an activity; give the new one's id; "
        "nothing was written\n"
    )
    text = minimal_files()["goal-1/measure-1.1.yaml"].replace('"1.1.2"', '"1.1.5"')
    write_plan(plan, {"goal-1/measure-1.1.yaml": text})
    result = invoke("amend", "1.1.4", "--plan", str(plan), *ADD)
    assert result.exit_code == 0, result.output
    ids = [
        line.split('"')[1]
        for line in (plan / "goal-1" / "measure-1.1.yaml").read_text().splitlines()
        if line.startswith("  - id:")
    ]
    assert ids == ["1.1.1", "1.1.4", "1.1.5"]
    # 1.1.5 still continues 1.1.1's responsible, not the added row's
    show = invoke("show", "1.1.5", "--plan", str(plan)).output
    assert "Responsible (inherited from 1.1.1):" in show


def test_add_a_sub_activity_to_an_existing_decision(invoke, plan):
    assert invoke("amend", "1.1.3", "--plan", str(plan), *ADD).exit_code == 0
    result = invoke(
        "amend", "1.1.3.1", "--add", "--plan", str(plan), "--decision", "05 br. 7/2018",
        "--title", "Print them", "--indicator", "Printed", "--responsible", "hr-division",
        "--funds", "no-extra-cost", "--due", "2019-Q2",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:3] == [
        "recorded amendment amendment-2018-06-28 (05 br. 7/2018, adopted 2018-06-28)",
        "added activity 1.1.3.1",
        f"{plan}/goal-1/measure-1.1.yaml:",
    ]
    assert (
        (plan / "goal-1" / "measure-1.1.yaml")
        .read_text()
        .endswith(
            "    added_by: amendment-2018-06-28\n"
            "    sub_activities:\n"
            '      - id: "1.1.3.1"\n'
            "        title: Print them\n"
            "        indicators:\n"
            "          - Printed\n"
            "        responsible:\n"
            "          units:\n"
            "            - unit: hr-division\n"
            "        funds:\n"
            "          no_extra_cost: true\n"
            "        due:\n"
            "          when: 2019-Q2\n"
            "        added_by: amendment-2018-06-28\n"
        )
    )
    assert invoke("validate", "--plan", str(plan)).exit_code == 0


def test_add_dry_run_writes_nothing(invoke, plan):
    before = (plan / "goal-1" / "measure-1.1.yaml").read_bytes()
    result = invoke("amend", "1.1.3", "--plan", str(plan), *ADD, "--dry-run")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1] == "would add activity 1.1.3"
    assert (plan / "goal-1" / "measure-1.1.yaml").read_bytes() == before
    assert not (plan / "amendments.yaml").exists()
