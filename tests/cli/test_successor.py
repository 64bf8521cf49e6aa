"""`casplan successor`: the next plan from what the fixture plan did not finish by the end of its
period, validated, with lineage both ways; renumbered by --map; refused whole."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from plans import REPO

FIXTURE = REPO / "tests" / "data" / "readme" / "indicators"


@pytest.fixture
def plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    shutil.copytree(FIXTURE, tmp_path / "fx")
    return Path("fx")


WARNINGS = """\
next/goal-1/measure-1.1.yaml:7:5: warning: measure 1.1: indicator 'Share of managers trained' has no 'targets' (law-2018, art. 19)
next/goal-1/measure-1.1.yaml:30:11: warning: activity 1.1.2: amount 1,500,000.00 RSD has no budget 'classification' (programme and programme activity or project; law-2018)
next/goal-1/measure-1.1.yaml:31:10: warning: set a deadline for 1.1.2 (it is tbd)
next/goal-1/measure-1.1.yaml:42:10: warning: set a deadline for 1.1.3 (it is tbd)
next/goal-2/measure-2.1.yaml:2:5: warning: measure 2.1: no 'funding_source' (law-2018, art. 19)
next/goal-2/measure-2.1.yaml:2:5: warning: measure 2.1: no 'indicators' at measure level (law-2018, art. 19)
next/goal-2/measure-2.1.yaml:2:5: warning: measure 2.1: regulatory, but no 'regulations' to adopt or amend (law-2018, art. 19)
next/goal-2/measure-2.1.yaml:31:10: warning: set a deadline for 2.1.1 (it is tbd)
"""

MEASURE_11 = """\
# yaml-language-server: $schema=../schemas/measure.schema.json
id: '1.1'
title: Training programme for managers
type: information_education
funding_source: Budget of the Republic of Serbia
indicators:
  - text: Share of managers trained
    unit: percent
    baseline:
      value: 38,5
      year: 2018
    source: Training records of the HR Division
activities:
  - id: 1.1.2
    title: Train the managers
    carried_from: 2017-2020/1.1.2
    indicators:
      - Training held
      - text: Managers trained
        unit: count
        baseline:
          value: "30"
          year: 2018
        source: Attendance lists
    responsible:
      units:
        - unit: training-department
    funds:
      amounts:
        - amount: 1500000.00 RSD
    due: tbd
  - id: 1.1.3
    title: Publish the training catalogue
    carried_from: 2017-2020/1.1.3
    indicators:
      - Catalogue published
    responsible:
      units:
        - unit: training-department
    funds:
      no_extra_cost: true
    due: tbd
"""

SUCCESSOR_YAML = """\
# yaml-language-server: $schema=schemas/successor.schema.json
# Written by casplan successor: where this plan's unfinished activities went.
plan: 2021-2025
title: 'Action plan 2021-2025 (to be named: carried over from Indicators fixture (test data, not the real plan))'
as_of: 2020-12-31
carried:
  1.1.2: 1.1.2
  1.1.3: 1.1.3
  2.1.1: 2.1.1
  2.1.2: 2.1.2
"""


def test_successor_from_the_end_of_the_period(invoke, plan):
    result = invoke("successor", "--plan", "fx", "--period", "2021..2025", "--out", "next")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "wrote next: the 2021-2025 plan, 4 activities carried over as of 2020-12-31\n"
        "wrote fx/successor.yaml: where each carried activity went\n"
        "next: 8 warnings: what is still to fill in\n" + WARNINGS
    )
    new = Path("next")
    assert sorted(p.as_posix() for p in new.rglob("*.yaml")) == [
        "next/events.yaml",
        "next/goal-1/goal.yaml",
        "next/goal-1/measure-1.1.yaml",
        "next/goal-2/goal.yaml",
        "next/goal-2/measure-2.1.yaml",
        "next/organization.yaml",
        "next/plan.yaml",
    ]
    assert (new / "goal-1/measure-1.1.yaml").read_text(encoding="utf-8") == MEASURE_11
    assert (new / "organization.yaml").read_bytes() == (plan / "organization.yaml").read_bytes()
    assert (new / "events.yaml").read_text(encoding="utf-8").splitlines()[1:] == [
        "events:",
        "  - id: accession",  # 2.1.2 is due by accession: its deadline and event still matter
        "    name: Accession to the EU",
    ]
    assert (plan / "successor.yaml").read_text(encoding="utf-8") == SUCCESSOR_YAML
    validated = invoke("validate", "--plan", "next")
    assert validated.exit_code == 0
    headlines = [line for line in validated.output.splitlines() if ": warning: " in line]
    assert "\n".join(headlines) + "\n" == WARNINGS
    assert validated.output.splitlines()[-1] == (
        "next: valid: 2 measures, 4 activities; 0 errors, 8 warnings"
    )
    assert invoke("validate", "--plan", "fx").exit_code == 0


def test_lineage_both_ways(invoke, plan):
    invoke("successor", "--plan", "fx", "--period", "2021..2025", "--out", "next")
    old = invoke("show", "1.1.2", "--plan", "fx", "--as-of", "2020-12-31").output
    new = invoke("show", "1.1.2", "--plan", "next").output
    assert "Status: in progress (since 2018-12-15)\nCarried over to 2021-2025/1.1.2\n" in old
    assert "Status: not reported\nCarried over from 2017-2020/1.1.2\n" in new
    assert "Due (stated on 1.1.2): to be determined\n" in new
    assert "Indicative funds (stated on 1.1.2):\n    1,500,000.00 RSD\n" in new
    done = invoke("show", "1.1.1", "--plan", "fx").output
    assert "Carried over" not in done  # completed in 2018: not carried


def test_carried_to_answers_for_the_final_report(invoke, plan):
    from cas_plan.core.lineage import carried_to
    from plans import load

    invoke(
        "successor", "--plan", "fx", "--period", "2021..2025", "--out", "next", "--map", "2.1=3.1"
    )
    old = load(plan).plan
    assert [carried_to(old, a) for a in ("1.1.1", "1.1.2", "2.1.1", "2.1.3")] == [
        None,
        "2021-2025/1.1.2",
        "2021-2025/3.1.1",
        None,
    ]


def test_map_renumbers_measures_and_activities(invoke, plan, tmp_path):
    (tmp_path / "map.yaml").write_text('"2.1": "3.1"\n"1.1.3": "1.2.1"\n', encoding="utf-8")
    result = invoke(
        "successor", "--plan", "fx", "--period", "2021..2025", "--out", "next",
        "--map-file", "map.yaml", "--as-of", "2019-12-31",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (plan / "successor.yaml").read_text(encoding="utf-8").splitlines()[-4:] == [
        "  1.1.2: 1.1.2",
        "  1.1.3: 1.2.1",
        "  2.1.1: 3.1.1",
        "  2.1.2: 3.1.2",
    ]
    assert (Path("next") / "goal-3/goal.yaml").read_text(encoding="utf-8").splitlines()[1:] == [
        'id: "3"',
        "title: Modern systems",
    ]
    moved = (Path("next") / "goal-1/measure-1.2.yaml").read_text(encoding="utf-8")
    assert moved.splitlines()[1:6] == [
        "id: '1.2'",
        "title: Training programme for managers",  # a title to edit; the Law's fields stay in 1.1
        "activities:",
        "  - id: 1.2.1",
        "    title: Publish the training catalogue",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--period", "2025..2021"],
            "--period: '2025..2021' is not YEAR..YEAR (e.g. 2021..2025)",
        ),
        (
            ["--period", "2021..2025", "--map", "9.9=1.1"],
            "--map: '9.9' is neither a measure nor an activity of the plan",
        ),
        (
            ["--period", "2021..2025", "--map", "2.1=1.1.1"],
            "--map: 2.1=1.1.1: '1.1.1' is not the id of a new measure",
        ),
        (
            ["--period", "2021..2025", "--map", "2.1"],
            "--map: '2.1' is not OLD=NEW (e.g. 2.6=1.3 or 2.6.1=1.3.2)",
        ),
        (
            ["--period", "2021..2025", "--map", "1.1.2=1.1.5", "--map", "1.1.3=1.1.5"],
            "--map: two activities would be 1.1.5",
        ),
    ],
)
def test_refusals_write_nothing(invoke, plan, args, message):
    result = invoke("successor", "--plan", "fx", "--out", "next", *args)
    assert result.exit_code == 2
    assert result.output == f"casplan: error: {message}; nothing was written\n"
    assert not Path("next").exists()
    assert not (plan / "successor.yaml").exists()


def test_a_folder_in_use_or_a_second_successor_is_refused(invoke, plan):
    Path("full").mkdir()
    Path("full/notes.txt").write_text("mine\n", encoding="utf-8")
    taken = invoke("successor", "--plan", "fx", "--period", "2021..2025", "--out", "full")
    assert taken.output == "casplan: error: 'full' exists and is not empty; nothing was written\n"
    assert not (plan / "successor.yaml").exists()
    inside = invoke("successor", "--plan", "fx", "--period", "2021..2025", "--out", "fx/next")
    assert inside.output == (
        "casplan: error: --out: 'fx/next' is inside the plan directory 'fx', which only the "
        "plan's own commands write; choose a path outside it; nothing was written\n"
    )
    assert (
        invoke("successor", "--plan", "fx", "--period", "2021..2025", "--out", "a").exit_code == 0
    )
    again = invoke("successor", "--plan", "fx", "--period", "2021..2025", "--out", "b")
    assert again.exit_code == 2
    assert again.output == (
        "casplan: error: the plan in 'fx' already has a successor (successor.yaml); remove it "
        "first to make another; nothing was written\n"
    )
    assert not Path("b").exists()


def test_the_new_directory_goes_when_the_old_plan_refuses(invoke, plan, monkeypatch):
    from cas_plan.edit import transaction

    def refuse(self, **_: object) -> None:
        raise transaction.EditRefused("the successor would leave the plan invalid")

    monkeypatch.setattr(transaction.PlanEdit, "finish", refuse)
    result = invoke("successor", "--plan", "fx", "--period", "2021..2025", "--out", "next")
    assert result.exit_code == 1
    assert result.output == (
        "casplan: error: the successor would leave the plan invalid; nothing was written\n"
    )
    assert not Path("next").exists()
    assert not (plan / "successor.yaml").exists()


def test_the_bundled_plan_carries_over_whole(invoke, tmp_path, monkeypatch):
    """Merged cells, references between funds cells, sub-activities, events: every one of the
    bundled plan's 238 activities (none is reported completed) lands in a valid plan."""
    from plans import REAL_PLAN

    monkeypatch.chdir(tmp_path)
    shutil.copytree(REAL_PLAN, "plan")
    result = invoke("successor", "--plan", "plan", "--period", "2021..2025", "--out", "next")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:3] == [
        "wrote next: the 2021-2025 plan, 238 activities carried over as of 2020-12-31",
        "wrote plan/successor.yaml: where each carried activity went",
        "next: 239 warnings: what is still to fill in",
    ]
    validated = invoke("validate", "--plan", "next")
    assert validated.output.splitlines()[-1] == (
        "next: valid: 45 measures, 238 activities; 0 errors, 239 warnings"
    )
    tbd = [line for line in validated.output.splitlines() if line.endswith("(it is tbd)")]
    assert len(tbd) == 74  # the others are continuous, yearly or wait for an event
