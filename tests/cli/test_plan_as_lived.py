"""The plan as lived through 2018, played on a copy of the bundled plan through the CLI: progress
from three units, a Government amendment of 2.1.1 (with --only and with --also), an added and a
cancelled activity, a correction, spending in RSD and EUR, an event date recorded mid-year. Every
step is a commit, as the coordinator's merges are; the progress here is test data, not the real
plan's."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from plans import REAL_PLAN, git

pytestmark = pytest.mark.slow  # plays two years in a git repository

DECISION = "05 br. 021-1234/2018"
MEASURE_2_1 = "plan/goal-2/measure-2.1.yaml"


@pytest.fixture
def repo(tmp_path, monkeypatch):
    root = tmp_path / "plans"
    root.mkdir()
    shutil.copytree(REAL_PLAN, root / "plan")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "the plan as adopted")
    monkeypatch.chdir(root)  # casplan finds plan/ here, as a coordinator runs it
    return root


def run(invoke, *args: str) -> str:
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    return result.output


def commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-qm", message)


def play_2017(invoke, root: Path) -> None:
    run(invoke, "progress", "3.5.1.6", "--status", "completed", "--date", "2017-11-20",
        "--note", "Audit plan for 2018 adopted", "--by", "audit-department")  # fmt: skip
    run(invoke, "progress", "3.8.2", "--status", "completed", "--date", "2017-03-25",
        "--note", "Workshop held", "--by", "tariff-affairs-division",
        "--spent", "12.500,00 EUR", "--spent-source", "IPA 2013")  # fmt: skip
    commit(root, "progress of 2017")
    git(root, "tag", "end-of-2017")


def play_2018(invoke, root: Path, merged: tuple[str, ...]) -> dict[str, str]:
    """The year 2018; `merged` is how the 2.1.1 amendment treats 2.1.2 and 2.1.3."""
    out = {}
    run(invoke, "progress", "2.1.1", "--status", "in_progress", "--date", "2018-03-01",
        "--note", "Working group formed", "--by", "human-resources-division",
        "--spent", "1.200.000,00 RSD")  # fmt: skip
    # the 2017 'completed' of 3.8.2 was a mistake: the workshop was postponed
    out["correction"] = run(
        invoke, "progress", "3.8.2", "--status", "delayed", "--date", "2018-02-01",
        "--note", "Workshop postponed to 2018", "--corrects", "2017-03-25",
        "--by", "tariff-affairs-division",
    )  # fmt: skip
    commit(root, "progress of the first half of 2018")
    out["amend"] = run(
        invoke, "amend", "2.1.1", "--decision", DECISION, "--date", "2018-06-28",
        "--reason", "The Law on customs service is adopted a year later", "--due", "2019-12-31",
        *merged,
    )  # fmt: skip
    run(invoke, "amend", "2.7.3", "--decision", DECISION, "--cancel")
    commit(root, "the Government's conclusion of 28 June 2018")
    events = root / "plan" / "events.yaml"
    events.write_text(
        events.read_text().replace(
            "    as_written: Two years after the project begins\n",
            "    as_written: Two years after the project begins\n"
            "    date: 2018-03-01\n    known_on: 2018-07-15\n",
        )
    )
    commit(root, "the AIS/AES project started on 1 March 2018")
    return out


def test_the_year_with_only(invoke, repo):
    play_2017(invoke, repo)
    report_2017_then = run(invoke, "report", "--year", "2017")
    steps = play_2018(invoke, repo, ("--only",))

    assert steps["amend"].splitlines()[:3] == [
        f"recorded amendment amendment-2018-06-28 ({DECISION}, adopted 2018-06-28), "
        "added to amendments.yaml",
        "effective values change for: 2.1.1",
        "keep the earlier value, now written on them: 2.1.2, 2.1.3",
    ]
    show = run(invoke, "show", "2.1.1").splitlines()
    at = show.index("Amended cells (value, from, until, amendment):")
    assert show[at + 1 : at + 3] == [
        '  due: 2018-12-31 (as written: "December 31, 2018"); as adopted .. 2018-06-28; '
        f"replaced by amendment-2018-06-28 ({DECISION})",
        "  due: 2019-12-31; 2018-06-28 .. now; in force",
    ]

    def due_rows(as_of: str) -> list[tuple[str, str]]:
        data = json.loads(
            run(
                invoke,
                "due",
                "--before",
                "2019-12-31",
                "--as-of",
                as_of,
                "--goal",
                "2",
                "--format",
                "json",
            )
        )
        return [(r["id"], r["deadline"]) for r in data if r["id"].startswith(("2.1.", "2.7."))]

    assert due_rows("2018-05-01") == [
        ("2.1.1", "2018-12-31"),
        ("2.1.2", "2018-12-31"),
        ("2.1.3", "2018-12-31"),
        ("2.7.1", "2019-12-31"),
        ("2.7.2", "2019-12-31"),
        ("2.7.3", "2019-12-31"),
    ]
    assert due_rows("2018-07-01") == [
        ("2.1.2", "2018-12-31"),
        ("2.1.3", "2018-12-31"),
        ("2.1.1", "2019-12-31"),
        ("2.7.1", "2019-12-31"),
        ("2.7.2", "2019-12-31"),  # 2.7.3 was cancelled on 2018-06-28
    ]

    diff = run(invoke, "diff", "HEAD~2", "HEAD~1").splitlines()
    assert diff[:3] == [
        "casplan diff HEAD~2 .. HEAD~1",
        "Amendments recorded (1):",
        f"  * amendment-2018-06-28: {DECISION}, adopted 2018-06-28: The Law on customs service "
        "is adopted a year later",
    ]
    assert "Activities cancelled (1):" in diff
    assert (
        "  * 2.1.1 Participating in the preparation of Draft Law on customs service and "
        'application of the Law on customs service: 2018-12-31 (as written: "December 31, 2018")'
        f" -> 2019-12-31 (by amendment amendment-2018-06-28 ({DECISION}))"
    ) in diff
    assert not any(line.startswith("  * 2.1.2") for line in diff)  # pinned: nothing moved

    correction = run(invoke, "diff", "HEAD~3", "HEAD~2").splitlines()
    assert "Corrections of earlier entries (1):" in correction
    assert (
        "  * 3.8.2 Organizing the first Regional Customs Laboratories Workshop in Belgrade: "
        "corrects the entry of 2017-03-25: 2018-02-01 delayed: Workshop postponed to 2018; "
        "reported by tariff-affairs-division; corrects 2017-03-25"
    ) not in correction  # the `corrects` key is said once, as the kind of change
    assert any(
        line.startswith("  * 3.8.2 ")
        and "corrects the entry of 2017-03-25: 2018-02-01 delayed" in line
        for line in correction
    )
    status_3_8_2 = json.loads(run(invoke, "show", "3.8.2", "--format", "json"))
    assert (status_3_8_2["status"], status_3_8_2["status_date"]) == ("delayed", "2018-02-01")
    assert [p.get("superseded", False) for p in status_3_8_2["progress"]] == [True, False]

    event = run(invoke, "diff", "HEAD~1", "HEAD").splitlines()
    assert event[1:] == [
        "Changes to the plan's other files (1):",
        "  * events.yaml events/ais-aes-project-start: id=ais-aes-project-start, name=Beginning "
        "of the project implementing AIS (ICS)/AES (ECS) (activity 3.1.5), as_written=Two years "
        "after the project begins -> id=ais-aes-project-start, name=Beginning of the project "
        "implementing AIS (ICS)/AES (ECS) (activity 3.1.5), date=2018-03-01, "
        "known_on=2018-07-15, as_written=Two years after the project begins",
    ]
    unresolved_then = json.loads(
        run(invoke, "due", "--before", "2020-12-31", "--as-of", "2018-07-01", "--format", "json")
    )
    dated_later = json.loads(
        run(invoke, "due", "--before", "2020-12-31", "--as-of", "2018-08-01", "--format", "json")
    )
    assert [r["section"] for r in unresolved_then if r["id"] == "3.1.5"] == ["unresolved"]
    assert [(r["section"], r["deadline"]) for r in dated_later if r["id"] == "3.1.5"] == [
        ("due", "2020-03-01")
    ]

    # the 2017 report rebuilt from the final history is the one sent at the end of 2017
    assert run(invoke, "report", "--year", "2017") == report_2017_then.replace(
        git(repo, "rev-parse", "end-of-2017").strip()[:12],
        git(repo, "rev-parse", "HEAD").strip()[:12],
    )


def test_the_amendment_with_also_moves_the_merged_rows(invoke, repo):
    play_2017(invoke, repo)
    steps = play_2018(invoke, repo, ("--also", "2.1.2", "--also", "2.1.3"))
    assert steps["amend"].splitlines()[1] == "effective values change for: 2.1.1, 2.1.2, 2.1.3"
    data = json.loads(
        run(invoke, "due", "--before", "2019-12-31", "--as-of", "2018-07-01", "--format", "json")
    )
    assert [(r["id"], r["deadline"]) for r in data if r["id"].startswith("2.1.")] == [
        ("2.1.1", "2019-12-31"),
        ("2.1.2", "2019-12-31"),
        ("2.1.3", "2019-12-31"),
    ]
    diff = run(invoke, "diff", "HEAD~2", "HEAD~1").splitlines()
    moved = [line for line in diff if line.startswith(("  * 2.1.2 ", "  * 2.1.3 "))]
    assert len(moved) == 2
    assert all("(inherited from 2.1.1; by amendment amendment-2018-06-28" in m for m in moved)


def test_amend_refuses_to_move_a_merged_cell_silently(invoke, repo):
    before = (repo / MEASURE_2_1).read_bytes()
    result = invoke("amend", "2.1.1", "--decision", DECISION, "--date", "2018-06-28", "--due",
                    "2019-12-31")  # fmt: skip
    assert result.exit_code == 2
    assert result.output == (
        "casplan: error: the due of 2.1.1 is continued by 2.1.2, 2.1.3 (a merged cell); say "
        "--only to change it on 2.1.1 alone (the others keep the old value, written on them) or "
        "--also 2.1.2 2.1.3 to change them too; nothing was written\n"
    )
    assert (repo / MEASURE_2_1).read_bytes() == before
    assert not (repo / "plan" / "amendments.yaml").exists()


def test_an_added_activity_states_every_cell(invoke, repo):
    run(invoke, "amend", "2.4.1", "--decision", DECISION, "--date", "2018-06-28", "--title",
        "Drafting a proposal for a new reward system")  # fmt: skip
    measure = repo / MEASURE_2_1
    measure.write_text(
        measure.read_text() + '  - id: "2.1.4"\n    title: Training on the new law\n'
        "    added_by: amendment-2018-06-28\n"
    )
    result = invoke("validate")
    assert result.exit_code == 1
    assert (
        "error: activity 2.1.4 was added by amendment and must state every cell itself; it "
        "leaves out indicators, responsible, funds, due"
    ) in result.output
    measure.write_text(
        measure.read_text()
        + "    indicators: [Training held]\n    responsible: [vocational-centre]\n"
        "    funds: {no_extra_cost: true}\n    due: 2019-06-30\n"
    )
    assert run(invoke, "validate").splitlines()[-1] == (
        "plan: valid: 45 measures, 239 activities; 0 errors, 5 warnings"
    )
    funds = json.loads(run(invoke, "show", "2.1.4", "--format", "json"))["funds"]
    assert funds["amounts"] == []  # it did not take 2.1.3's 40.7M RSD by fill-down
    before = json.loads(run(invoke, "list", "--format", "json", "--as-of", "2018-06-01"))
    assert "2.1.4" not in [r["id"] for r in before]
