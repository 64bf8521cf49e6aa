"""progress.insert_entry: the exact bytes of the result for every layout validate accepts
(only added lines, each existing line with its own line end)."""

from __future__ import annotations

import datetime as dt

import pytest

from cas_plan.edit.progress import ProgressError, insert_entry

ENTRY = {"date": dt.date(2018, 5, 1), "status": "in_progress"}
ENTRY_LINES = "- date: 2018-05-01\n{key}status: in_progress\n"


def entry_at(dash: int, end: str = "\n") -> str:
    return (" " * dash + ENTRY_LINES.format(key=" " * (dash + 2))).replace("\n", end)


def test_mixed_line_ends_each_line_keeps_its_own():
    text = (
        'id: "1.1"\r\n'
        "title: First\n"
        "activities:\r\n"
        '  - id: "1.1.1"\r\n'
        "    title: One\n"
        "    progress:\r\n"
        "      - date: 2018-03-01\n"
        "        status: not_started\r\n"
        '  - id: "1.1.2"\n'
        "    title: Two\r\n"
    )
    after = insert_entry(text, ("activities", 0), ENTRY)
    lines = text.splitlines(keepends=True)
    assert after == "".join(lines[:8]) + entry_at(6, "\r\n") + "".join(lines[8:])


def test_a_tab_after_a_colon_is_kept():
    text = 'id: "1.1"\ntitle:\tFirst\nactivities:\n  - id:\t"1.1.1"\n    title:\tOne\n'
    assert insert_entry(text, ("activities", 0), ENTRY) == text + "    progress:\n" + entry_at(6)


def test_a_note_with_line_separator_characters_is_written_escaped_and_read_back():
    from cas_plan.core.yaml_reader import read_yaml_text

    note = "first\x85second\u2028third"
    text = 'id: "1.1"\ntitle: First\nactivities:\n  - id: "1.1.1"\n    title: One\n'
    after = insert_entry(text, ("activities", 0), {**ENTRY, "note": note})
    assert after == text + (
        "    progress:\n"
        "      - date: 2018-05-01\n"
        "        status: in_progress\n"
        '        note: "first\\Nsecond\\Lthird"\n'
    )
    assert read_yaml_text(after, "m").data["activities"][0]["progress"][0]["note"] == note


def test_lists_at_column_zero_take_an_entry_at_column_zero():
    # as benchmarks/make_plan.py writes them
    text = (
        'id: "1.1"\ntitle: First\nactivities:\n- id: "1.1.1"\n  title: One\n'
        "  progress:\n  - date: 2018-03-01\n    status: not_started\n"
        '- id: "1.1.2"\n  title: Two\n  sub_activities:\n  - id: "1.1.2.1"\n    title: Sub\n'
    )
    after = insert_entry(text, ("activities", 0), ENTRY)
    lines = text.splitlines(keepends=True)
    assert after == "".join(lines[:8]) + entry_at(2) + "".join(lines[8:])
    after = insert_entry(text, ("activities", 1), ENTRY)  # a first entry, before sub_activities
    assert after == "".join(lines[:10]) + "  progress:\n" + entry_at(2) + "".join(lines[10:])
    after = insert_entry(text, ("activities", 1, "sub_activities", 0), ENTRY)
    assert after == text + "    progress:\n" + entry_at(4)


def test_entries_indented_like_their_siblings():
    text = (
        'id: "1.1"\ntitle: First\nactivities:\n    -   id: "1.1.1"\n        title: One\n'
        "        progress:\n        -   date: 2018-03-01\n            status: not_started\n"
    )
    after = insert_entry(text, ("activities", 0), ENTRY)
    assert after == text + "        -   date: 2018-05-01\n            status: in_progress\n"


def test_the_entry_goes_before_a_comment_that_belongs_to_the_next_activity():
    text = (
        'id: "1.1"\ntitle: First\nactivities:\n  - id: "1.1.1"\n    title: One\n'
        "    progress:\n      - date: 2018-03-01\n        status: not_started  # kept\n"
        "\n  # the next one\n"
        '  - id: "1.1.2"\n    title: Two\n'
    )
    after = insert_entry(text, ("activities", 0), ENTRY)
    lines = text.splitlines(keepends=True)
    assert after == "".join(lines[:8]) + entry_at(6) + "".join(lines[8:])


def test_a_last_line_without_a_line_end_gets_one():
    text = 'id: "1.1"\r\ntitle: First\r\nactivities:\r\n  - id: "1.1.1"\r\n    title: One'
    after = insert_entry(text, ("activities", 0), ENTRY)
    assert after == text + "\r\n    progress:\r\n" + entry_at(6, "\r\n")


@pytest.mark.parametrize("empty", ["[]", "null", "~"])
def test_an_empty_progress_loses_only_its_empty_value(empty):
    text = f'id: "1.1"\ntitle: First\nactivities:\n  - id: "1.1.1"\n    progress: {empty}  # none\n    title: One\n'
    after = insert_entry(text, ("activities", 0), ENTRY)
    assert after == (
        'id: "1.1"\ntitle: First\nactivities:\n  - id: "1.1.1"\n    progress:  # none\n'
        + entry_at(6)
        + "    title: One\n"
    )


def test_values_and_evidence_nest_like_the_files_lists():
    text = 'id: "1.1"\ntitle: First\nactivities:\n- id: "1.1.1"\n  title: One\n'
    entry = {**ENTRY, "values": {"Training held": "3"}, "evidence": ["https://example.org/a"]}
    assert insert_entry(text, ("activities", 0), entry) == text + (
        "  progress:\n"
        "  - date: 2018-05-01\n"
        "    status: in_progress\n"
        "    values:\n"
        "      Training held: '3'\n"
        "    evidence:\n"
        "    - https://example.org/a\n"
    )


def test_a_flow_style_progress_list_is_refused_with_a_reason():
    text = 'id: "1.1"\ntitle: First\nactivities:\n  - id: "1.1.1"\n    progress: [{date: 2018-03-01, status: not_started}]\n'
    with pytest.raises(ProgressError, match=r"flow list.*add it by hand"):
        insert_entry(text, ("activities", 0), ENTRY)


def test_every_file_of_a_generated_plan_takes_an_entry_with_only_new_lines(tmp_path):
    """benchmarks/make_plan.py writes lists at column 0 and carries progress: every activity of
    every file takes an entry, as the lines of that entry alone."""
    import subprocess
    import sys

    from plans import REPO, load

    out = tmp_path / "generated"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "make_plan.py"),
            "--scale",
            "1",
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    views = load(out).plan.views
    assert len(views) == 238
    for view in views:
        before = (out / view.path.removeprefix(f"{out}/")).read_text(encoding="utf-8")
        after = insert_entry(before, view.pointer, ENTRY)
        old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
        added = len(new) - len(old)
        assert added in (2, 3), view.id  # the entry, and `progress:` for a first one
        at = next(i for i, (a, b) in enumerate(zip([*old, ""], new, strict=False)) if a != b)
        assert new[:at] + new[at + added :] == old, view.id
