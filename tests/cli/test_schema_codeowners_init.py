"""Editor schemas agree with the pydantic models; CODEOWNERS and `init` for other plans."""

from __future__ import annotations

import datetime as dt
import json

import jsonschema
import pytest
from pydantic import ValidationError

from cas_plan.core.layout import kind_of as layout_kind
from cas_plan.core.schema import json_schema, plan_unit_ids, schema_texts
from cas_plan.core.yaml_reader import read_yaml_text
from plans import MEASURE_YAML, REAL_PLAN, REPO, minimal_files, write_plan


def as_json(value):
    """What an editor's YAML server sees: dates are text."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def kind_of(relative: str) -> str:
    kind = layout_kind(relative)
    assert kind is not None, relative
    return kind


REAL_UNITS = plan_unit_ids(REAL_PLAN / "organization.yaml")
FIXTURE_UNITS = ["audit-department", "hr-division", "training-department"]  # plans.py


def validator(kind: str, units=REAL_UNITS) -> jsonschema.Draft202012Validator:
    """As an editor validates: with the plan's units, and checking formats (dates)."""
    return jsonschema.Draft202012Validator(
        json_schema(kind, units), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def test_committed_schemas_are_up_to_date():
    for name, text in schema_texts(REAL_UNITS).items():
        assert (REAL_PLAN / "schemas" / name).read_text(encoding="utf-8") == text, name


def test_schemas_accept_every_file_of_the_plan():
    files = sorted(REAL_PLAN.rglob("*.yaml"))
    assert len(files) == 57
    for file in files:
        relative = file.relative_to(REAL_PLAN).as_posix()
        data = read_yaml_text(file.read_text(encoding="utf-8"), relative).data
        errors = list(validator(kind_of(relative)).iter_errors(as_json(data)))
        assert errors == [], (relative, errors[:1])


def test_every_plan_file_names_its_schema():
    for file in REAL_PLAN.rglob("*.yaml"):
        relative = file.relative_to(REAL_PLAN).as_posix()
        first = file.read_text(encoding="utf-8").splitlines()[0]
        target = first.removeprefix("# yaml-language-server: $schema=")
        assert (file.parent / target).resolve() == (
            REAL_PLAN / "schemas" / f"{kind_of(relative)}.schema.json"
        ).resolve(), relative


INVALID_MEASURES = {
    "unknown key": MEASURE_YAML.replace("    title: Train", "    titel: Train"),
    "missing title": MEASURE_YAML.replace("title: First measure\n", ""),
    "wrong type": MEASURE_YAML.replace("title: Write the rules", "title: [a, b]"),
    "bad status": MEASURE_YAML + "    progress:\n      - date: 2018-01-01\n        status: done\n",
    "float amount": MEASURE_YAML.replace(
        "      no_extra_cost: true", "      amounts:\n        - amount: 3.5"
    ),
    "bad unit id": MEASURE_YAML.replace("[hr-division]", "[HR Division]"),
    "bad activity id": MEASURE_YAML.replace('"1.1.2"', '"1.1.x"'),
    "bad procurement": MEASURE_YAML.replace(
        "      no_extra_cost: true",
        "      amounts:\n        - amount: 1 EUR\n          procurement: maybe",
    ),
    "empty activities": 'id: "1.1"\ntitle: M\nactivities: []\n',
    "month 13": MEASURE_YAML.replace("due: 2018-12-31", "due: 2018-13"),
    "February 30 due": MEASURE_YAML.replace("due: 2018-12-31", "due: 2018-02-30"),
    "quarter 5": MEASURE_YAML.replace("due: 2018-12-31", "due: 2018-Q5"),
    "yearly 13": MEASURE_YAML.replace("due: 2018-12-31", "due: yearly 13"),
    "open-ended from an event": MEASURE_YAML.replace("due: 2018-12-31", "due: project-start.."),
    "February 30 progress": MEASURE_YAML
    + "    progress:\n      - date: 2018-02-30\n        status: in_progress\n",
}
# Rejected by validate's checks of the whole plan rather than by the models alone.
INVALID_IN_THE_PLAN = {
    "misspelled unit": MEASURE_YAML.replace("[hr-division]", "[hr-divison]"),
    "misspelled unit in full": MEASURE_YAML.replace(
        "[hr-division]", "\n      units:\n        - unit: hr-divison"
    ),
}
VALID_MEASURES = {
    "short forms": MEASURE_YAML,
    "a good unit in full": MEASURE_YAML.replace(
        "[hr-division]", "\n      units:\n        - unit: training-department"
    ),
    **{
        f"due {when}": MEASURE_YAML.replace("due: 2018-12-31", f"due: {when}")
        for when in (
            "2018-07",
            "2018-Q4",
            "2018",
            "2017-03-28..2017-03-30",
            "2020..",
            "yearly 11",
            "yearly 03-31",
            "2y after project-start",
            "by project-start",
            "project-start..2019",
            "2016-02-29",  # a leap day; outside the period, which only validate knows
        )
    },
}


@pytest.mark.parametrize("name", sorted(INVALID_MEASURES))
def test_schema_and_models_reject_the_same_invalid_files(name):
    from cas_plan.core.model import MeasureFile

    data = read_yaml_text(INVALID_MEASURES[name], "m.yaml").data
    with pytest.raises(ValidationError):
        MeasureFile.model_validate(data)
    assert list(validator("measure", FIXTURE_UNITS).iter_errors(as_json(data))), name


@pytest.mark.parametrize("name", sorted(INVALID_IN_THE_PLAN))
def test_schema_and_validate_reject_the_same_plan_files(name, tmp_path):
    from plans import load

    files = minimal_files()
    files["goal-1/measure-1.1.yaml"] = INVALID_IN_THE_PLAN[name]
    assert load(write_plan(tmp_path / "p", files)).errors
    data = read_yaml_text(INVALID_IN_THE_PLAN[name], "m.yaml").data
    assert list(validator("measure", FIXTURE_UNITS).iter_errors(as_json(data))), name


@pytest.mark.parametrize("name", sorted(VALID_MEASURES))
def test_schema_and_models_accept_the_same_files(name):
    from cas_plan.core.model import MeasureFile

    data = read_yaml_text(VALID_MEASURES[name], "m.yaml").data
    MeasureFile.model_validate(data)
    assert list(validator("measure", FIXTURE_UNITS).iter_errors(as_json(data))) == [], name


def test_a_schema_without_a_format_checker_misses_february_30():
    """Why the validators here pass format_checker: without it, "format" is only a note."""
    data = read_yaml_text(INVALID_MEASURES["February 30 progress"], "m.yaml").data
    plain = jsonschema.Draft202012Validator(json_schema("measure", FIXTURE_UNITS))
    assert list(plain.iter_errors(as_json(data))) == []


def test_schema_command_writes_the_files(invoke, tmp_path):
    result = invoke("schema", "--out", str(tmp_path / "s"))
    assert result.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == sorted(schema_texts())
    schema = json.loads((tmp_path / "s" / "measure.schema.json").read_text())
    assert schema["$defs"]["UnitRole"]["anyOf"][0]["enum"] == sorted(REAL_UNITS)
    assert (
        json.loads((tmp_path / "s" / "measure.schema.json").read_text())["title"] == "MeasureFile"
    )


def test_codeowners_for_the_real_plan(invoke):
    result = invoke("codeowners", "--plan", str(REAL_PLAN), "--out", "-")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[2] == "/plan/ @cas-action-plan/plan-coordinator"
    assert (
        "/plan/goal-6/measure-6.3.yaml @cas-action-plan/plan-coordinator "
        "@cas-action-plan/internal-affairs-department" in lines
    )
    # 3.8 names the Tariff Affairs Division and the Customs Laboratory
    assert (
        "/plan/goal-3/measure-3.8.yaml @cas-action-plan/plan-coordinator "
        "@cas-action-plan/tariff-affairs-division @cas-action-plan/customs-laboratory" in lines
    )
    assert len(lines) == 2 + 1 + 45
    assert result.output == (REPO / ".github" / "CODEOWNERS").read_text(encoding="utf-8")


def test_validate_codeowners_fails_when_out_of_date(invoke, tmp_path):
    files = minimal_files()
    files["organization.yaml"] = files["organization.yaml"].replace(
        "    kind: division\n", '    kind: division\n    review: "@org/hr"\n'
    )
    plan = write_plan(tmp_path / "repo" / "plan", files)
    (tmp_path / "repo" / ".git").mkdir()  # not a repository: the plan's parent is used
    result = invoke("validate", "--plan", str(plan), "--codeowners")
    assert result.exit_code == 1
    assert "CODEOWNERS is missing" in result.output
    assert invoke("codeowners", "--plan", str(plan)).exit_code == 0
    owners = (tmp_path / "repo" / ".github" / "CODEOWNERS").read_text()
    assert "/plan/goal-1/measure-1.1.yaml @org/hr\n" in owners
    assert invoke("validate", "--plan", str(plan), "--codeowners").exit_code == 0
    (plan / "organization.yaml").write_text(
        files["organization.yaml"].replace("@org/hr", "@org/people")
    )
    result = invoke("validate", "--plan", str(plan), "--codeowners")
    assert result.exit_code == 1
    assert result.output.startswith(
        f"{tmp_path}/repo/.github/CODEOWNERS:3:1: error: CODEOWNERS is out of date with the plan\n"
    )


def test_init_then_validate(invoke, tmp_path):
    target = tmp_path / "new-plan"
    result = invoke("init", str(target), "--title", "Action plan of another institution")
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*.yaml")) == [
        "abbreviations.yaml",
        "events.yaml",
        "goal-1/goal.yaml",
        "goal-1/measure-1.1.yaml",
        "organization.yaml",
        "plan.yaml",
    ]
    result = invoke("validate", "--plan", str(target), "--strict")
    assert result.exit_code == 0, result.output
    assert result.output.endswith("valid: 1 measure, 1 activity; 0 errors, 0 warnings\n")
    assert 'title: "Action plan of another institution"' in (target / "plan.yaml").read_text()
    again = invoke("init", str(target))
    assert again.exit_code == 2
    assert (
        again.output == f"casplan: error: '{target}' exists and is not empty; nothing was written\n"
    )


def test_init_into_a_file_is_a_usage_error(invoke, tmp_path):
    target = tmp_path / "plan.txt"
    target.write_text("not a directory\n")
    result = invoke("init", str(target))
    assert result.exit_code == 2
    assert result.output == (
        f"casplan: error: '{target}' is a file, not a directory; nothing was written\n"
    )
    assert target.read_text() == "not a directory\n"


def test_init_on_a_full_disk_leaves_nothing_behind(invoke, tmp_path, monkeypatch):
    import errno

    from cas_plan.edit import init as scaffold

    real = scaffold.write_atomically
    calls = []

    def third_fails(path, data, *args):
        calls.append(path)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, data, *args)

    monkeypatch.setattr(scaffold, "write_atomically", third_fails)
    (tmp_path / "empty").mkdir()
    for target in (tmp_path / "new-plan", tmp_path / "empty"):
        calls.clear()
        result = invoke("init", str(target))
        assert result.exit_code == 4, result.output
        assert result.output.startswith("casplan: error: cannot write '")
        assert result.output.endswith(": no space left on the device\n")
        assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]  # no staging left
        if target.name == "new-plan":
            assert not target.exists()
        else:
            assert list(target.iterdir()) == []


def test_init_makes_a_directory_like_mkdir_does(invoke, tmp_path):
    target = tmp_path / "new-plan"
    assert invoke("init", str(target)).exit_code == 0
    (tmp_path / "made").mkdir()
    assert target.stat().st_mode == (tmp_path / "made").stat().st_mode


def test_schema_for_a_missing_plan_creates_no_directory(invoke, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("schema", "--plan", "no/such/plan")
    assert result.exit_code == 2
    assert result.output == "casplan: error: plan directory 'no/such/plan' does not exist\n"
    assert list(tmp_path.iterdir()) == []


def test_schema_of_a_plan_whose_units_do_not_load_is_refused(invoke, tmp_path):
    files = minimal_files()
    files["organization.yaml"] = "units: oops\n"
    plan = write_plan(tmp_path / "p", files)
    result = invoke("schema", "--plan", str(plan))
    assert result.exit_code == 1
    assert result.output == (
        f"casplan: error: {plan}/organization.yaml does not load; fix it first "
        "(see 'casplan validate'): the schemas list its units\n"
    )
    assert not (plan / "schemas").exists()
