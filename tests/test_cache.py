"""The caches: never stale, invalidated exactly by file changes, robust to damage and to
concurrent runs, and off with --no-cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cas_plan import cache, loader
from conftest import minimal_files, write_plan


@pytest.fixture
def plan(tmp_path):
    return write_plan(tmp_path / "p", minimal_files())


@pytest.fixture
def parses(monkeypatch):
    """Records which files were parsed (not taken from the cache)."""
    seen: list[str] = []
    original = loader.read_yaml_bytes

    def counting(raw: bytes, shown: str):
        seen.append(Path(shown).name)
        return original(raw, shown)

    monkeypatch.setattr(loader, "read_yaml_bytes", counting)
    return seen


def cache_files() -> list[Path]:
    return sorted(p for p in cache.cache_dir().rglob("*") if p.is_file())


def test_parse_cache_reuses_unchanged_files_and_reparses_exactly_the_changed_one(plan, parses):
    loader.load_plan(plan)
    assert sorted(parses) == [
        "events.yaml",
        "goal.yaml",
        "measure-1.1.yaml",
        "organization.yaml",
        "plan.yaml",
    ]
    parses.clear()
    loader.load_plan(plan)
    assert parses == []
    measure = plan / "goal-1" / "measure-1.1.yaml"
    measure.write_text(measure.read_text().replace("Write the rules", "Write the new rules"))
    result = loader.load_plan(plan)
    assert parses == ["measure-1.1.yaml"]
    assert result.plan.measures[0].model.activities[0].title == "Write the new rules"


def test_problems_found_by_the_reader_come_back_from_the_cache(invoke, plan):
    measure = plan / "goal-1" / "measure-1.1.yaml"
    measure.write_text(
        measure.read_text().replace(
            "    title: Train the staff\n", "    title: Train the staff\n    title: Again\n"
        )
    )
    first = invoke("validate", "--plan", str(plan), "--no-cache")
    parsed_once = invoke("validate", "--plan", str(plan), "--format", "json")
    from_cache = invoke("validate", "--plan", str(plan), "--format", "json")
    assert first.exit_code == parsed_once.exit_code == from_cache.exit_code == 1
    assert parsed_once.stdout == from_cache.stdout
    assert "duplicate key 'title' (first at line 12)" in from_cache.stdout


def test_damaged_foreign_or_unsafe_cache_files_are_ignored(plan, parses):
    loader.load_plan(plan)
    (cache_file,) = [p for p in cache_files() if p.name.startswith("plan-")]
    good = cache_file.read_bytes()
    for damaged in (
        b"garbage",
        good[:-10],
        good.replace(cache.FORMAT, b"1 casplan 0.0.0 python 2.7\n"),
        good[:-1] + bytes([good[-1] ^ 1]),
    ):
        cache_file.write_bytes(damaged)
        parses.clear()
        result = loader.load_plan(plan)
        assert len(parses) == 5 and not result.diagnostics
    cache_file.write_bytes(good)
    os.chmod(cache_file, 0o666)  # writable by others: not trusted
    parses.clear()
    loader.load_plan(plan)
    assert len(parses) == 5


def test_the_unpickler_builds_only_plain_data():
    import pickle

    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    with pytest.raises(pickle.UnpicklingError, match=r"posix\.system is not allowed"):
        cache._PlainUnpickler(__import__("io").BytesIO(pickle.dumps(Evil()))).load()


def test_no_cache_writes_and_reads_nothing(invoke, plan, monkeypatch):
    assert invoke("validate", "--plan", str(plan), "--no-cache").exit_code == 0
    assert (
        invoke(
            "due", "--plan", str(plan), "--before", "2018-12-31", "--format", "json", "--no-cache"
        ).exit_code
        == 0
    )
    assert cache_files() == []
    monkeypatch.setenv("CASPLAN_NO_CACHE", "1")
    assert invoke("list", "--plan", str(plan), "--format", "json").exit_code == 0
    assert cache_files() == []


def test_results_are_replayed_and_follow_every_change(invoke, plan):
    args = (
        "due",
        "--plan",
        str(plan),
        "--before",
        "2018-12-31",
        "--format",
        "json",
        "--as-of",
        "2018-06-01",
    )
    first = invoke(*args)
    assert [r["id"] for r in json.loads(first.stdout)] == ["1.1.1"]
    results = [p for p in cache_files() if p.parent.name == "results"]
    assert len(results) == 1
    assert invoke(*args).stdout == first.stdout
    # a different question is a different answer
    later = invoke(
        "due",
        "--plan",
        str(plan),
        "--before",
        "2018-12-31",
        "--format",
        "json",
        "--as-of",
        "2019-06-01",
    )
    assert json.loads(later.stdout)[0]["overdue"] is True
    # any change of any file is seen at once
    measure = plan / "goal-1" / "measure-1.1.yaml"
    measure.write_text(measure.read_text().replace("due: 2018-12-31", "due: 2018-10-31"))
    changed = invoke(*args)
    assert json.loads(changed.stdout)[0]["deadline"] == "2018-10-31"
    (plan / "goal-1" / "stray.yaml").write_text("a: 1\n")
    broken = invoke(*args)
    assert broken.exit_code == 1  # a new file that is not a plan file breaks the plan


def test_a_replayed_validation_keeps_its_exit_code(invoke, plan):
    measure = plan / "goal-1" / "measure-1.1.yaml"
    measure.write_text(measure.read_text().replace("title: First measure", "titel: First"))
    first, second = (invoke("validate", "--plan", str(plan)) for _ in range(2))
    assert first.exit_code == second.exit_code == 1
    assert first.output == second.output


def test_concurrent_runs_leave_a_sound_cache(plan, tmp_path):
    env = {**os.environ, "CASPLAN_CACHE_DIR": str(cache.cache_dir())}
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "cas_plan", "validate", "--plan", str(plan)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(4)
    ]
    outputs = [run.communicate(timeout=60) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0, 0]
    assert len({out for out, _ in outputs}) == 1
    assert not [p for p in cache.cache_dir().rglob(".*") if p.is_file()]  # no temporary left
    parse_cache = cache.ParseCache(plan)
    assert len(parse_cache.entries) == 5
