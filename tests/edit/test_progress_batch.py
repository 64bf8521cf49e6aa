"""progress.insert_entries: several entries of one file from one reading give exactly the
bytes that inserting them one by one gives (what `import` writes did not change when it began
to change each file once)."""

from __future__ import annotations

import datetime as dt
import functools

import pytest

from cas_plan.edit.progress import insert_entries, insert_entry

FIRST = {"date": dt.date(2018, 5, 1), "status": "in_progress"}
SECOND = {"date": dt.date(2018, 6, 1), "status": "completed", "note": "done"}
MEASURE = {"date": dt.date(2018, 6, 30), "values": {"Share": "40%"}}

NESTED = (
    'id: "1.1"\ntitle: First\nactivities:\n- id: "1.1.1"\n  title: One\n'
    "  progress:\n  - date: 2018-03-01\n    status: not_started\n"
    '- id: "1.1.2"\n  title: Two\n  sub_activities:\n  - id: "1.1.2.1"\n    title: Sub'
)
EMPTY = (
    'id: "1.1"\r\ntitle: First\r\nactivities:\r\n  - id: "1.1.1"\r\n    title: One\r\n'
    "    progress: []  # none yet\r\n"
    '  - id: "1.1.2"\r\n    title: Two\r\n    progress: null\r\n'
)
SUB = ("activities", 1, "sub_activities", 0)


def one_by_one(text: str, entries: list[tuple[tuple[str | int, ...], dict]]) -> str:
    return functools.reduce(lambda done, item: insert_entry(done, *item), entries, text)


@pytest.mark.parametrize(
    "text,entries",
    [
        # two activities of one file, one with a list, one with none (before sub_activities)
        (NESTED, [(("activities", 0), FIRST), (("activities", 1), FIRST)]),
        # the same activity twice, a first entry: one `progress:` key, the entries in order
        (NESTED, [(("activities", 1), FIRST), (("activities", 1), SECOND)]),
        # a sub-activity at the end of a file without a last line end, and its parent
        (NESTED, [(SUB, SECOND), (("activities", 1), FIRST), (SUB, FIRST)]),
        # the measure's own entry and the last activity's both end the file: deeper first
        (NESTED, [((), MEASURE), (SUB, FIRST)]),
        (NESTED, [(SUB, FIRST), ((), MEASURE)]),
        # `progress: []` (a comment after it) and `progress: null` lose their empty values
        (
            EMPTY,
            [(("activities", 1), FIRST), (("activities", 0), FIRST), (("activities", 0), SECOND)],
        ),
    ],
)
def test_entries_at_once_are_the_entries_one_by_one(text, entries):
    assert insert_entries(text, entries) == one_by_one(text, entries)


def test_the_exact_bytes_of_two_entries_of_one_activity():
    entries = [(("activities", 1), FIRST), (("activities", 1), SECOND)]
    assert insert_entries(NESTED, entries) == NESTED.replace(
        "  sub_activities:",
        "  progress:\n"
        "  - date: 2018-05-01\n    status: in_progress\n"
        "  - date: 2018-06-01\n    status: completed\n    note: done\n"
        "  sub_activities:",
    )


def test_every_activity_of_every_file_of_a_generated_plan_at_once(tmp_path):
    """benchmarks/make_plan.py's plan (lists at column 0, progress carried): an entry for every
    activity of a file, at once, is the bytes of the entries one by one."""
    import subprocess
    import sys

    from plans import REPO, load

    out = tmp_path / "generated"
    script = str(REPO / "benchmarks" / "make_plan.py")
    command = [sys.executable, script, "--scale", "1", "--out", str(out)]
    subprocess.run(command, check=True, capture_output=True)
    files: dict[str, list[tuple[tuple[str | int, ...], dict]]] = {}
    for view in load(out).plan.views:
        files.setdefault(view.path, []).append((view.pointer, FIRST))
    assert len(files) == 45
    for path, entries in files.items():
        before = (out / path.removeprefix(f"{out}/")).read_text(encoding="utf-8")
        assert insert_entries(before, entries) == one_by_one(before, entries), path
