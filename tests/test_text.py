"""Plain text helpers of the tool's own English words."""

from __future__ import annotations

import pytest

from cas_plan.output.text import counted


@pytest.mark.parametrize(
    ("count", "word", "words", "text"),
    [
        (1, "activity", None, "1 activity"),
        (2, "activity", None, "2 activities"),
        (0, "indicator", None, "0 indicators"),
        (3, "day", None, "3 days"),
        (1, "child", "children", "1 child"),
        (2, "child", "children", "2 children"),
    ],
)
def test_counted(count: int, word: str, words: str | None, text: str) -> None:
    assert counted(count, word, words) == text
