"""`casplan init --title` with hostile titles: the starter plan is valid and the title is kept."""

from __future__ import annotations

import pytest
import yaml

from plans import load

TITLES = [
    "Plan: 2024-2027",
    'Plan\nreview: "@evil/team"',
    "Plan\r\nreview: x",
    "# not a comment",
    "Plan # with a hash",
    "*alias",
    "&anchor",
    "!tag",
    "!!python/object:os.system",
    "- a list?",
    "? a key",
    "'single' and \"double\" quotes",
    "{flow: map}",
    "[flow, list]",
    "|",
    ">",
    "%YAML 1.2",
    "---",
    "...",
    "yes",
    "~",
    "null",
    "0x10",
    "2024-01-01",
    "  padded  ",
    "tab\tinside",
    "Ćirilica: Акциони план",
    "emoji 🇷🇸",
    "line\u2028separator\u2029paragraph\x85next",
    "escape \x1b]0;pwned\x07",
    "\ufeffbom",
    "back\\slash",
    "x" * 500,
]


@pytest.mark.parametrize("title", TITLES)
def test_init_with_a_hostile_title_validates_and_keeps_the_title(invoke, tmp_path, title):
    target = tmp_path / "new"
    result = invoke("init", str(target), "--title", title)
    assert result.exit_code == 0, result.output
    result = invoke("validate", "--plan", str(target), "--strict")
    assert result.exit_code == 0, result.output
    loaded = load(target)
    assert loaded.plan.plan.model.title == title
    assert loaded.plan.plan.model.review is None
    data = yaml.safe_load((target / "plan.yaml").read_text(encoding="utf-8"))
    assert sorted(data) == ["institution", "period", "source", "title"]
    assert data["title"] == title
    # the comments of the starter file are kept
    assert '# review: "@your-org/plan-coordinators"' in (target / "plan.yaml").read_text()


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("", "casplan: error: --title: the plan's title is empty\n"),
        ("  ", "casplan: error: --title: the plan's title is empty\n"),
        (
            "bad \udcff byte",
            "casplan: error: --title: the title is not valid text (bytes that are not UTF-8)\n",
        ),
    ],
)
def test_init_refuses_a_title_that_is_no_text(invoke, tmp_path, title, message):
    result = invoke("init", str(tmp_path / "new"), "--title", title)
    assert result.exit_code == 2
    assert result.output == message
    assert not (tmp_path / "new").exists()
