"""The warm path: an unchanged plan's problems are read back without parsing, validating or
checking again, and without importing pydantic or the YAML parser; the plan a command asks for
is the very plan the cold path builds."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from cas_plan.core.loader import Plan, check_plan, directory_listing
from plans import REAL_PLAN, forms_files, minimal_files, report_year_files, write_plan

TODAY = dt.date(2026, 12, 1)


def same(cold: Any, warm: Any, where: str = "plan") -> None:
    """Equal field by field, down to the type of every value and the keys each model stated
    (`model_fields_set`: merged cells depend on it)."""
    assert type(cold) is type(warm), where
    if isinstance(cold, BaseModel):
        assert cold.model_fields_set == warm.model_fields_set, where
        for name in type(cold).model_fields:
            same(getattr(cold, name), getattr(warm, name), f"{where}.{name}")
    elif dataclasses.is_dataclass(cold):
        for field in dataclasses.fields(cold):
            same(getattr(cold, field.name), getattr(warm, field.name), f"{where}.{field.name}")
    elif isinstance(cold, (list, tuple)):
        assert len(cold) == len(warm), where
        for index, (a, b) in enumerate(zip(cold, warm, strict=True)):
            same(a, b, f"{where}[{index}]")
    elif isinstance(cold, dict):
        assert list(cold) == list(warm), where
        for key in cold:
            same(cold[key], warm[key], f"{where}[{key!r}]")
    else:
        assert cold == warm, where


PLANS = {
    "bundled": None,
    "minimal": minimal_files,
    "forms": forms_files,
    "report year": report_year_files,
}


@pytest.mark.parametrize("name", PLANS)
def test_the_warm_plan_is_the_plan_the_cold_path_builds(name, tmp_path):
    files = PLANS[name]
    root = tmp_path / "plan"
    if files is None:
        shutil.copytree(REAL_PLAN, root)
    else:
        write_plan(root, files())
    cold = check_plan(directory_listing(root), str(root), TODAY, use_cache=False)
    filled = check_plan(directory_listing(root), str(root), TODAY)
    warm = check_plan(directory_listing(root), str(root), TODAY)
    assert isinstance(cold.source, Plan) and isinstance(filled.source, Plan)
    assert not isinstance(warm.source, Plan)  # read back: the plan is assembled when asked for
    assert warm.diagnostics == filled.diagnostics == cold.diagnostics
    assert warm.size == cold.size == (len(cold.plan.measures), len(cold.plan.views))
    assert [warm.source_line(d.path, d.line) for d in warm.diagnostics] == [
        cold.source_line(d.path, d.line) for d in cold.diagnostics
    ]
    same(cold.plan, warm.plan)
    assert warm.plan.views and warm.plan.measures[0].model == cold.plan.measures[0].model


def test_another_day_or_a_changed_file_is_checked_again(tmp_path):
    root = write_plan(tmp_path / "plan", report_year_files())
    early = dt.date(2018, 3, 1)  # before some progress entries: each is a problem that day

    def problems(day: dt.date) -> list[str]:
        result = check_plan(directory_listing(root), str(root), day)
        return [d.message for d in result.errors]

    assert problems(early) == problems(early)  # the second from the cache
    assert any("after 2018-03-01" in message for message in problems(early))
    assert problems(TODAY) == []
    measure = root / "goal-1" / "measure-1.1.yaml"
    measure.write_text(measure.read_text().replace('id: "1.1.1"', 'id: "1.2.1"', 1))
    assert problems(TODAY) == ["'1.2.1' is not numbered as an activity of measure 1.1"]


def modules_imported(argv: list[str], env: dict[str, str]) -> tuple[set[str], bytes]:
    """The modules a casplan run imports (python -X importtime), and its standard output."""
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "cas_plan", *argv],
        env=env,
        capture_output=True,
        check=False,
    )
    names = {
        line.rsplit("|", 1)[1].strip()
        for line in run.stderr.decode().splitlines()
        if line.startswith("import time:") and "|" in line
    }
    return names, run.stdout


def test_a_warm_validate_imports_neither_pydantic_nor_the_yaml_parser(tmp_path):
    root = tmp_path / "plan"
    shutil.copytree(REAL_PLAN, root)
    env = {**os.environ, "CASPLAN_CACHE_DIR": str(tmp_path / "cache"), "COLUMNS": "120"}
    env.pop("CASPLAN_NO_CACHE", None)
    heavy = {"pydantic", "yaml", "cas_plan.core.model", "cas_plan.core.checks", "hashlib"}
    cold, cold_out = modules_imported(["validate", "--plan", str(root)], env)
    warm, warm_out = modules_imported(["validate", "--plan", str(root)], env)
    assert heavy - {"hashlib"} <= cold
    assert warm & heavy == set()
    assert warm_out == cold_out and b"5 warnings" in warm_out
    due, _ = modules_imported(["due", "--plan", str(root), "--before", "2018-01-01"], env)
    assert "cas_plan.core.model" in due and "cas_plan.core.checks" not in due
    assert "yaml" not in due  # the plan's models come back from the cache, unparsed


def test_a_warm_run_of_an_edited_plan_parses_only_the_edited_file(tmp_path, monkeypatch):
    from cas_plan.core import loader

    root = write_plan(tmp_path / "plan", forms_files())
    check_plan(directory_listing(root), str(root), TODAY)
    parsed: list[str] = []
    original = loader.read_yaml_bytes
    monkeypatch.setattr(
        loader,
        "read_yaml_bytes",
        lambda raw, shown: parsed.append(Path(shown).name) or original(raw, shown),
    )
    (root / "events.yaml").write_text((root / "events.yaml").read_text() + "\n")
    result = check_plan(directory_listing(root), str(root), TODAY)
    assert parsed == ["events.yaml"] and isinstance(result.source, Plan)
