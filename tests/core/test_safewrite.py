"""Writes: racing writers lose no entry, stale temporaries block nothing, links are written
through."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time

import pytest

from cas_plan.core import safewrite
from cas_plan.core.errors import PlanProblems
from cas_plan.edit.progress import ProgressRequest, record_progress
from plans import minimal_files, write_plan

MEASURE = "goal-1/measure-1.1.yaml"


@pytest.fixture
def plan(tmp_path):
    return write_plan(tmp_path / "p", minimal_files())


def entries(plan, activity="1.1.1"):
    from plans import load

    views = {view.id: view for view in load(plan).plan.views}
    return [(e.date.isoformat(), e.note) for e in views[activity].activity.progress]


def test_two_writers_of_one_file_take_turns_and_lose_no_entry(plan, monkeypatch):
    """Both start at once and the first is slow to write: the second waits for the plan's lock,
    reads the file the first wrote, and adds its entry after it. (Before the plan-wide lock the
    second read the old file and was refused, or, without any lock, dropped the first entry.)"""
    from cas_plan.core import journal

    def slow(step: str) -> None:
        if step == "temporaries":
            time.sleep(0.3)

    monkeypatch.setattr(journal, "checkpoint", slow)
    both_started = threading.Barrier(2, timeout=30)
    outcomes: dict[str, str] = {}

    def write(note: str) -> None:
        request = ProgressRequest("1.1.1", dt.date(2018, 5, 1), "in_progress", note=note)
        both_started.wait()
        try:
            record_progress(plan, str(plan), request, dt.date(2019, 1, 1))
            outcomes[note] = "written"
        except PlanProblems as exc:
            outcomes[note] = exc.message

    threads = [threading.Thread(target=write, args=(note,)) for note in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == {"first": "written", "second": "written"}
    assert sorted(entries(plan)) == [("2018-05-01", "first"), ("2018-05-01", "second")]
    assert sorted(p.name for p in (plan / "goal-1").iterdir()) == ["goal.yaml", "measure-1.1.yaml"]


def test_a_stale_temporary_is_not_a_plan_file_and_is_cleaned_by_the_next_write(invoke, plan):
    stale = plan / "goal-1" / ".measure-1.1.yaml.k1ll3d.tmp"
    stale.write_text("id: half a file\nactivities: [")
    result = invoke("validate", "--plan", str(plan))
    assert result.exit_code == 0, result.output
    assert result.output == f"{plan}: valid: 1 measure, 2 activities; 0 errors, 0 warnings\n"
    result = invoke(
        "progress", "1.1.1", "--plan", str(plan), "--status", "in_progress", "--date", "2018-05-01"
    )
    assert result.exit_code == 0, result.output
    assert not stale.exists()
    assert entries(plan) == [("2018-05-01", None)]


def test_a_linked_measure_file_is_written_through_to_its_target(invoke, plan):
    store = plan / ".store"
    store.mkdir()
    (plan / MEASURE).rename(store / "measure-1.1.yaml")
    (plan / MEASURE).symlink_to(os.path.join("..", ".store", "measure-1.1.yaml"))
    result = invoke(
        "progress", "1.1.1", "--plan", str(plan), "--status", "in_progress", "--date", "2018-05-01"
    )
    assert result.exit_code == 0, result.output
    assert (plan / MEASURE).is_symlink()
    assert "status: in_progress" in (store / "measure-1.1.yaml").read_text()
    assert sorted(p.name for p in store.iterdir()) == ["measure-1.1.yaml"]


def test_write_atomically_replaces_a_link_never_its_target(tmp_path):
    """Outputs are checked for links first (core/outputs.py); a link that appears after the
    check is replaced by the file, and what it pointed to is left alone."""
    target = tmp_path / "target.yaml"
    target.write_bytes(b"old\n")
    link = tmp_path / "link.yaml"
    link.symlink_to("target.yaml")
    safewrite.write_atomically(link, b"new\n")
    assert not link.is_symlink() and link.read_bytes() == b"new\n"
    assert target.read_bytes() == b"old\n"
