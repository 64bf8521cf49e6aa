"""The parse cache: never stale, invalidated exactly by file changes and by versions, robust to
damage, to other users' files and to concurrent runs, and off with --no-cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cas_plan.core import loader
from cas_plan.core import parse_cache as cache
from plans import minimal_files, write_plan


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


EVERY_FILE = ["events.yaml", "goal.yaml", "measure-1.1.yaml", "organization.yaml", "plan.yaml"]


def load(plan: Path) -> loader.LoadResult:
    return loader.load_plan(loader.directory_listing(plan), str(plan))


def cache_files() -> list[Path]:
    return sorted(p for p in cache.cache_dir().rglob("*") if p.is_file())


def test_parse_cache_reuses_unchanged_files_and_reparses_exactly_the_changed_one(plan, parses):
    load(plan)
    assert sorted(parses) == EVERY_FILE
    parses.clear()
    load(plan)
    assert parses == []
    measure = plan / "goal-1" / "measure-1.1.yaml"
    measure.write_text(measure.read_text().replace("Write the rules", "Write the new rules"))
    result = load(plan)
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
    assert json.loads(from_cache.stdout) == [
        {
            "file": f"{plan}/goal-1/measure-1.1.yaml",
            "line": 13,
            "column": 5,
            "severity": "error",
            "message": "duplicate key 'title' (first at line 12)",
            "hint": "keep one of the two; YAML would silently drop the other",
        }
    ]


def test_damaged_foreign_or_unsafe_cache_files_are_ignored(plan, parses):
    load(plan)
    (cache_file,) = [p for p in cache_files() if p.name.startswith("plan-")]
    good = cache_file.read_bytes()
    for damaged in (
        b"garbage",
        good[:-10],
        good.replace(cache.MAGIC, b"casplan parse cache 1\n"),
        good[:-1] + bytes([good[-1] ^ 1]),
    ):
        cache_file.write_bytes(damaged)
        parses.clear()
        result = load(plan)
        assert sorted(parses) == EVERY_FILE and not result.diagnostics
    cache_file.write_bytes(good)
    os.chmod(cache_file, 0o666)  # writable by others: not trusted
    parses.clear()
    load(plan)
    assert sorted(parses) == EVERY_FILE


def test_the_unpickler_builds_only_plain_data():
    import pickle

    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    with pytest.raises(pickle.UnpicklingError, match=r"posix\.system is not allowed"):
        cache._PlainUnpickler(__import__("io").BytesIO(pickle.dumps(Evil()))).load()


def test_no_cache_writes_and_reads_nothing(invoke, plan, monkeypatch):
    validated = invoke("validate", "--plan", str(plan), "--no-cache")
    assert (validated.exit_code, validated.output) == (
        0,
        f"{plan}: valid: 1 measure, 2 activities; 0 errors, 0 warnings\n",
    )
    due = invoke(
        "due", "--plan", str(plan), "--before", "2018-12-31", "--format", "json", "--no-cache"
    )
    assert due.exit_code == 0
    assert [(row["id"], row["deadline"]) for row in json.loads(due.stdout)] == [
        ("1.1.1", "2018-12-31")
    ]
    assert cache_files() == []
    monkeypatch.setenv("CASPLAN_NO_CACHE", "1")
    listed = invoke("list", "--plan", str(plan), "--format", "json")
    assert listed.exit_code == 0
    assert [row["id"] for row in json.loads(listed.stdout)] == ["1.1.1", "1.1.2"]
    assert cache_files() == []


def test_an_entry_is_keyed_by_the_versions_and_records_its_own_key(plan, parses, monkeypatch):
    load(plan)
    parses.clear()
    with monkeypatch.context() as patched:
        patched.setattr(cache, "versions", lambda: b"another PyYAML")
        load(plan)
    assert sorted(parses) == EVERY_FILE  # an upgrade of anything that shapes parsing is a miss
    load(plan)
    stored = cache.ParseCache(plan)
    keys = {cache.file_key(path.read_bytes()): path.name for path in plan.rglob("*.yaml")}
    assert sorted(keys.values()) == EVERY_FILE and set(stored.entries) == set(keys)
    key, blob = next(iter(stored.entries.items()))
    other = next(k for k in stored.entries if k != key)
    stored.used = {k: blob if k == other else v for k, v in stored.entries.items()}
    stored.changed = True  # an entry filed under another file's key
    stored.save()
    parses.clear()
    load(plan)
    assert parses == [keys[other]]  # the misfiled entry is refused, that file parsed again


def test_the_versions_name_the_source_of_core_and_the_libraries(monkeypatch):
    """A change to the code that reads and checks a plan (another helper adding a model field)
    is a new key: the cache never hands back a plan an older casplan built."""
    before = cache.versions()
    assert len(before) == 32 and before == cache.versions()
    model = Path(cache.__file__).with_name("model.py")
    source = model.read_bytes()
    real_read = Path.read_bytes

    def changed(self: Path) -> bytes:
        data = real_read(self)
        return data + b"\n# a new field\n" if self == model else data

    monkeypatch.setattr(Path, "read_bytes", changed)
    cache.versions.cache_clear()
    try:
        assert cache.versions() != before
    finally:
        monkeypatch.undo()
        cache.versions.cache_clear()
    assert cache.versions() == before and model.read_bytes() == source


def test_the_model_unpickler_builds_only_core_value_classes():
    import pickle

    from cas_plan.core.model import Deadline

    due = Deadline.model_validate({"when": "2018-Q4", "as_written": "IV 2018"})
    assert cache.model_load(cache.dump(due)) == due
    for refused in (
        pickle.dumps(Path("x")),
        b"\x80\x05ccas_plan.core.safewrite\nwrite_atomically\n.",
    ):
        with pytest.raises(pickle.UnpicklingError, match="is not allowed in the cache"):
            cache.model_load(refused)


def test_a_cache_directory_of_ours_that_others_can_read_is_closed(
    plan, parses, tmp_path, monkeypatch
):
    shared = tmp_path / "open-cache"
    shared.mkdir()
    os.chmod(shared, 0o777)
    monkeypatch.setenv("CASPLAN_CACHE_DIR", str(shared))
    load(plan)
    assert shared.stat().st_mode & 0o777 == 0o700
    parses.clear()
    load(plan)
    assert parses == []  # used, once closed


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a directory away takes root")
def test_someone_elses_cache_directory_is_not_used(plan, parses, tmp_path, monkeypatch):
    theirs = tmp_path / "their-cache"
    theirs.mkdir(mode=0o700)
    os.chown(theirs, 65534, 65534)
    monkeypatch.setenv("CASPLAN_CACHE_DIR", str(theirs))
    load(plan)
    parses.clear()
    load(plan)
    assert sorted(parses) == EVERY_FILE and list(theirs.iterdir()) == []


def test_a_linked_cache_directory_is_not_used(plan, parses, tmp_path, monkeypatch):
    real = tmp_path / "real-cache"
    real.mkdir(mode=0o700)
    link = tmp_path / "linked-cache"
    link.symlink_to(real)
    monkeypatch.setenv("CASPLAN_CACHE_DIR", str(link))
    load(plan)
    parses.clear()
    load(plan)
    assert sorted(parses) == EVERY_FILE and list(real.iterdir()) == []


def test_a_linked_or_fifo_cache_file_is_never_opened(plan, parses, tmp_path):
    load(plan)
    (cache_file,) = cache_files()
    target = tmp_path / "elsewhere"
    target.write_bytes(cache_file.read_bytes())
    cache_file.unlink()
    cache_file.symlink_to(target)
    parses.clear()
    load(plan)
    assert sorted(parses) == EVERY_FILE
    cache_file.unlink()
    os.mkfifo(cache_file)
    parses.clear()
    load(plan)  # would block forever if the FIFO were opened for reading
    assert sorted(parses) == EVERY_FILE


def test_at_most_max_plans_caches_are_kept(tmp_path, monkeypatch, parses):
    assert cache.MAX_PLANS == 32
    monkeypatch.setattr(cache, "MAX_PLANS", 2)
    plans = {name: write_plan(tmp_path / name, minimal_files()) for name in "abc"}
    for name in "abc":
        load(plans[name])
        os.utime(cache.ParseCache(plans[name]).path, (1000 + ord(name), 1000 + ord(name)))
    assert cache_files() == sorted(cache.ParseCache(plans[name]).path for name in "bc")
    parses.clear()
    load(plans["c"])
    assert parses == []  # kept
    load(plans["a"])
    assert sorted(parses) == EVERY_FILE  # the oldest was dropped


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
    assert (
        outputs
        == [(f"{plan}: valid: 1 measure, 2 activities; 0 errors, 0 warnings\n".encode(), b"")] * 4
    )
    assert not [p for p in cache.cache_dir().rglob(".*") if p.is_file()]  # no temporary left
    assert len(cache.ParseCache(plan).entries) == 6  # five files and the checked plan
