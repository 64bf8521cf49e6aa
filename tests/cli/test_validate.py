"""`casplan validate`: the real plan passes; each category of problem is one exact line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plans import MEASURE_YAML, REAL_PLAN, REPO, minimal_files, write_plan


def headlines(output: str) -> list[str]:
    return [line for line in output.splitlines() if ": error: " in line or ": warning: " in line]


def test_real_plan_is_valid_with_its_five_uncertain_readings(invoke):
    result = invoke("validate", "--plan", str(REAL_PLAN))
    assert result.exit_code == 0, result.output
    lines = headlines(result.output)
    assert [line.split(": warning: ")[1].split(":")[0] for line in lines] == [
        "uncertain amount of 2.1.3",
        "uncertain due of 3.8.5",
        "uncertain funds of 5.5.4.5",
        "uncertain amount of 5.5.6",
        "uncertain responsible of 6.5.1",
    ]
    assert result.output.splitlines()[-1] == (
        f"{REAL_PLAN}: valid: 45 measures, 238 activities; 0 errors, 5 warnings"
    )


def test_strict_fails_on_the_warnings(invoke):
    result = invoke("validate", "--plan", str(REAL_PLAN), "--strict")
    assert result.exit_code == 1


def test_minimal_fixture_is_valid(invoke, tmp_path):
    plan = write_plan(tmp_path / "p", minimal_files())
    result = invoke("validate", "--plan", str(plan))
    assert result.exit_code == 0, result.output
    assert result.output == f"{plan}: valid: 1 measure, 2 activities; 0 errors, 0 warnings\n"


def broken(tmp_path: Path, measure: str, **extra: str) -> Path:
    files: dict[str, str | bytes] = dict(minimal_files())
    files["goal-1/measure-1.1.yaml"] = measure
    files.update(extra)
    return write_plan(tmp_path / "p", files)


def run_broken(invoke, plan: Path) -> list[str]:
    result = invoke("validate", "--plan", str(plan))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return headlines(result.output)


M = "goal-1/measure-1.1.yaml"


def test_unknown_key_suggests_the_right_one(invoke, tmp_path):
    plan = broken(tmp_path, MEASURE_YAML.replace("    title: Train", "    titel: Train"))
    result = invoke("validate", "--plan", str(plan))
    assert result.exit_code == 1
    assert headlines(result.output) == [
        f"{plan}/{M}:11:5: error: missing key 'title'",
        f"{plan}/{M}:12:5: error: unknown key 'titel'",
    ]
    assert (
        f"{plan}/{M}:12:5: error: unknown key 'titel'\n"
        "  12 |     titel: Train the staff\n"
        "     |     ^\n"
        "  hint: did you mean 'title'?\n"
    ) in result.output


def test_syntax_error_points_at_the_line(invoke, tmp_path):
    plan = broken(tmp_path, 'id: "1.1"\ntitle: [unclosed\nactivities: []\n')
    (line,) = run_broken(invoke, plan)
    assert line.startswith(f"{plan}/{M}:3:")
    assert ": error: YAML syntax: " in line


def test_wrong_type(invoke, tmp_path):
    plan = broken(tmp_path, MEASURE_YAML.replace("    title: Write the rules", "    title: [a, b]"))
    assert run_broken(invoke, plan) == [
        f"{plan}/{M}:5:12: error: 'title' should be text, not a list"
    ]


def test_every_duplicate_key_is_reported(invoke, tmp_path):
    text = MEASURE_YAML.replace(
        "    title: Write the rules\n", "    title: Write the rules\n    title: Again\n"
    )
    text = text.replace("    due: continuous\n", "    due: continuous\n    due: 2018\n")
    plan = broken(tmp_path, text)
    assert run_broken(invoke, plan) == [
        f"{plan}/{M}:6:5: error: duplicate key 'title' (first at line 5)",
        f"{plan}/{M}:16:5: error: duplicate key 'due' (first at line 15)",
    ]


def test_python_tags_are_refused_not_executed(invoke, tmp_path):
    marker = tmp_path / "pwned"
    text = MEASURE_YAML.replace(
        "    due: continuous", f'    due: !!python/object/apply:os.system ["touch {marker}"]'
    )
    plan = broken(tmp_path, text)
    assert run_broken(invoke, plan) == [
        f"{plan}/{M}:14:10: error: YAML tag '!!python/object/apply:os.system' is not allowed "
        "in a plan file (nothing was constructed)"
    ]
    assert not marker.exists()


def test_empty_file(invoke, tmp_path):
    plan = broken(tmp_path, "# nothing here\n")
    assert run_broken(invoke, plan) == [f"{plan}/{M}:1:1: error: the file is empty"]


def test_non_utf8_file(invoke, tmp_path):
    files: dict[str, str | bytes] = dict(minimal_files())
    files[M] = MEASURE_YAML.replace("Train the staff", "Train the st\xe4ff").encode("latin-1")
    plan = write_plan(tmp_path / "p", files)
    assert run_broken(invoke, plan) == [
        f"{plan}/{M}:12:24: error: the file is not UTF-8 text (byte 0xe4)"
    ]


def test_bad_deadline_and_amount_and_status_in_one_run(invoke, tmp_path):
    text = MEASURE_YAML.replace("due: 2018-12-31", "due: 2018-13").replace(
        "      no_extra_cost: true", "      amounts:\n        - amount: 3.5"
    )
    plan = broken(tmp_path, text)
    assert run_broken(invoke, plan) == [
        f"{plan}/{M}:10:19: error: '3.5' is not an amount",
        f"{plan}/{M}:11:10: error: '2018-13': month 13 is not between 01 and 12",
    ]


def test_cross_reference_problems(invoke, tmp_path):
    text = MEASURE_YAML.replace("responsible: [hr-division]", "responsible: [hr-divison]")
    text = text.replace("      no_extra_cost: true", "      see: ['9.9.9']")
    text = text.replace('  - id: "1.1.2"', '  - id: "1.2.2"')
    text = text.replace("due: continuous", "due: 2y after projekt-start")
    plan = broken(tmp_path, text)
    assert run_broken(invoke, plan) == [
        f"{plan}/{M}:7:19: error: unknown unit 'hr-divison'",
        f"{plan}/{M}:9:13: error: funds refer to '9.9.9', which is neither an activity nor a measure of the plan",
        f"{plan}/{M}:11:9: error: '1.2.2' is not numbered as an activity of measure 1.1",
        f"{plan}/{M}:14:10: error: unknown event 'projekt-start' in the deadline",
    ]


def test_duplicate_activity_ids_and_deadline_outside_period(invoke, tmp_path):
    text = MEASURE_YAML.replace('"1.1.2"', '"1.1.1"').replace("2018-12-31", "2021-03-31")
    plan = broken(tmp_path, text)
    assert run_broken(invoke, plan) == [
        f"{plan}/{M}:10:10: error: deadline 2021-03-31 is outside the plan period 2017-01-01..2020-12-31",
        f"{plan}/{M}:11:9: error: duplicate activity id '1.1.1' (also in {plan}/{M})",
    ]


def test_progress_out_of_order_and_unknown_indicator(invoke, tmp_path):
    text = MEASURE_YAML + (
        "    progress:\n"
        "      - date: 2018-05-01\n"
        "        status: in_progress\n"
        "      - date: 2018-03-01\n"
        "        status: delayed\n"
        "        values:\n"
        "          Trainings held: '3'\n"
    )
    plan = broken(tmp_path, text)
    result = invoke("validate", "--plan", str(plan), "--as-of", "2019-01-01")
    assert headlines(result.output) == [
        f"{plan}/{M}:18:15: error: progress entry of 2018-03-01 comes after one of 2018-05-01",
        f"{plan}/{M}:21:11: error: 'Trainings held' is not an indicator of 1.1.2",
    ]
    assert "  hint: did you mean 'Training held'?" in result.output


def test_missing_directory_is_a_usage_error(invoke, tmp_path):
    result = invoke("validate", "--plan", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert (
        result.output == f"casplan: error: plan directory '{tmp_path / 'nowhere'}' does not exist; "
        "pass --plan DIR or set CASPLAN_PLAN\n"
    )


def test_unknown_format_is_a_usage_error(invoke):
    result = invoke("validate", "--plan", str(REAL_PLAN), "--format", "xml")
    assert result.exit_code == 2
    assert result.output == "casplan: error: --format: 'xml' is not one of text, json, github\n"


def test_stray_and_missing_files(invoke, tmp_path):
    files: dict[str, str | bytes] = dict(minimal_files())
    del files["organization.yaml"]
    files["goal-1/measure-1.1.yml"] = MEASURE_YAML
    plan = write_plan(tmp_path / "p", files)
    lines = run_broken(invoke, plan)
    assert f"{plan}/goal-1/measure-1.1.yml:1:1: error: not a plan file name" in lines
    assert f"{plan}/organization.yaml:1:1: error: missing plan file" in lines


def test_json_format(invoke, tmp_path):
    plan = broken(tmp_path, MEASURE_YAML.replace("    title: Train", "    titel: Train"))
    result = invoke("validate", "--plan", str(plan), "--format", "json")
    assert result.exit_code == 1
    problems = json.loads(result.output)
    assert {
        "file": f"{plan}/{M}",
        "line": 12,
        "column": 5,
        "severity": "error",
        "message": "unknown key 'titel'",
        "hint": "did you mean 'title'?",
    } in problems


def test_github_format_escapes_and_is_chosen_by_the_environment(invoke, tmp_path, monkeypatch):
    plan = broken(tmp_path, MEASURE_YAML.replace("    title: Train", "    titel: Train"))
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = invoke("validate", "--plan", str(plan))
    assert result.exit_code == 1
    assert (
        f"::error file={plan}/{M},line=12,col=5,title=casplan validate::unknown key 'titel'"
        "%0Adid you mean 'title'?"
    ) in result.stdout


@pytest.mark.parametrize(
    ("text", "escaped"),
    [("a:b,c", "a%3Ab%2Cc"), ("50%\nnext", "50%25%0Anext")],
)
def test_github_property_escaping(text, escaped):
    from cas_plan.core.diagnostics import Diagnostic
    from cas_plan.output.github import github_annotations as render_github

    line = render_github([Diagnostic(text, 1, 2, text)]).rstrip("\n")
    assert line.startswith(f"::error file={escaped},line=1,col=2,")
    assert line.endswith("::" + text.replace("%", "%25").replace("\n", "%0A"))


def test_strict_says_why_it_failed(invoke):
    result = invoke("validate", "--plan", str(REAL_PLAN), "--strict")
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        f"{REAL_PLAN}: fails --strict: 45 measures, 238 activities; 0 errors, 5 warnings"
    )


def due_cell(as_written: str, when: str, uncertain: str | None = None) -> str:
    cell = f"    due:\n      as_written: {json.dumps(as_written)}\n      when: {when}\n"
    if uncertain:
        cell += f"      uncertain: {uncertain}\n"
    return MEASURE_YAML.replace("    due: 2018-12-31\n", cell)


@pytest.mark.parametrize(
    ("as_written", "when", "read_as"),
    [
        ("December 31, 2018", "2019-12-31", "2018-12-31"),
        ("December 31, 2019.", "2018-12-31", "2019-12-31"),
        ("31.12.2018.", "2018-12-30", "2018-12-31"),
        ("July 2018", "2018-08", "2018-07"),
        ("July 2018", "2018-07-31", "2018-07"),  # a month is not its last day
        ("IV 2018", "2018-Q3", "2018-Q4"),
        ("IV trimester 2018", "2019-Q4", "2018-Q4"),
        ("Fourth trimester of 2020", "2020-Q3", "2020-Q4"),
        ("Second trimester of 2018", "2018-Q4", "2018-Q2"),
        ("2019", "2018", "2019"),
        ("March 28-30, 2017", "2017-03-30", "2017-03-28..2017-03-30"),
        ("2020 and later", "2020-12-31", "2020.."),
        ("Continuous", "2018-12-31", "continuous"),
    ],
)
def test_deadline_disagreeing_with_its_text_is_an_error(
    invoke, tmp_path, as_written, when, read_as
):
    plan = broken(tmp_path, due_cell(as_written, when))
    assert run_broken(invoke, plan) == [
        f"{plan}/{M}:12:13: error: deadline {when} "
        f"does not match the text '{as_written}' (read as {read_as})",
    ]


@pytest.mark.parametrize(
    ("as_written", "when"),
    [
        ("December 31, 2018", "2018-12-31"),
        ("December 14, 2017, end of project", "2017-12-14"),
        ("31.12.2018.", "2018-12-31"),
        ("July 2018", "2018-07"),
        ("IV 2018 (Law on Customs Service) IV 2018 (Penal Code)", "2018-Q4"),
        (
            "IV trimester 2018 *Deadline from the Action Plan for Chapter 23, activity 2.2.10.34.",
            "2018-Q4",
        ),
        ("Fourth trimester of 2020", "2020-Q4"),
        ("2018", "2018"),
        ("March 28-30, 2017", "2017-03-28..2017-03-30"),
        ("2020 and later", "2020.."),
        ("<p>Continuous</p>", "continuous"),
        ("November this year for the next year", "yearly 11"),  # no date in the text to compare
        ("Two years after the project begins", "2y after project-start"),
    ],
)
def test_deadline_agreeing_with_its_text_is_valid(invoke, tmp_path, as_written, when):
    plan = broken(tmp_path, due_cell(as_written, when))
    result = invoke("validate", "--plan", str(plan))
    assert result.exit_code == 0, result.output


def test_a_disagreement_marked_uncertain_is_a_warning(invoke, tmp_path):
    plan = broken(tmp_path, due_cell("December 31, 2018", "2019-12-31", "the board moved it"))
    result = invoke("validate", "--plan", str(plan))
    assert result.exit_code == 0, result.output
    assert headlines(result.output) == [
        f"{plan}/{M}:13:7: warning: uncertain due of 1.1.1: the board moved it",
    ]


def test_a_generated_plan_is_valid(invoke, tmp_path):
    """benchmarks/make_plan.py writes plans that validate (every deadline and funds form, and
    their texts), so the benchmarks time real answers, not refusals."""
    import subprocess
    import sys

    out = tmp_path / "generated"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "make_plan.py"),
            "--scale",
            "3",
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    result = invoke("validate", "--plan", str(out))
    assert result.exit_code == 0, result.output
    assert "; 0 errors, " in result.output.splitlines()[-1]


def test_files_that_look_like_plan_files_are_reported_never_skipped(invoke, tmp_path):
    import shutil

    plan = tmp_path / "plan"
    shutil.copytree(REAL_PLAN, plan)
    (plan / "goal-1" / "measure-1.4.yaml").rename(plan / "goal-1" / "measure-1.4.YAML")
    shutil.copy(plan / "goal-1" / "measure-1.3.yaml", plan / "goal-1" / "measure-1.3.yml")
    (plan / "goal-1" / "notes.yaml").write_text("a: 1\n")
    result = invoke("validate", "--plan", str(plan))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    for name, hint in (
        ("measure-1.3.yml", "  hint: rename it to goal-1/measure-1.3.yaml"),
        ("measure-1.4.YAML", "  hint: rename it to goal-1/measure-1.4.yaml"),
    ):
        at = lines.index(f"{plan}/goal-1/{name}:1:1: error: not a plan file name")
        assert lines[at + 1] == hint
    assert f"{plan}/goal-1/notes.yaml:1:1: error: not a plan file name" in lines
    assert lines[-1] == f"{plan}: INVALID: 44 measures, 233 activities; 3 errors, 5 warnings"


def test_the_plan_is_found_upward_or_the_error_says_how_to_name_it(invoke, tmp_path, monkeypatch):
    import shutil

    shutil.copytree(REAL_PLAN, tmp_path / "repo" / "plan")
    deep = tmp_path / "repo" / "plan" / "goal-3"
    monkeypatch.chdir(deep)
    result = invoke("validate")
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == (
        "..: valid: 45 measures, 238 activities; 0 errors, 5 warnings"
    )
    monkeypatch.chdir(tmp_path)
    result = invoke("validate")
    assert result.exit_code == 2
    assert result.output == (
        f"casplan: error: no plan directory (plan/ with a plan.yaml) in '{tmp_path}' or above it; "
        "pass --plan DIR or set CASPLAN_PLAN\n"
    )
