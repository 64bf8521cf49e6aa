""" "Did you mean ...?": the one place close matches are found for unknown ids, keys and names."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def close_matches(
    word: str, candidates: Iterable[str], n: int = 3, cutoff: float = 0.6
) -> list[str]:
    """The candidates closest to `word`, best first (difflib's ratio, in a stable order)."""
    return difflib.get_close_matches(word, sorted(set(candidates)), n=n, cutoff=cutoff)


def did_you_mean(
    word: str,
    candidates: Iterable[str],
    *,
    n: int = 3,
    cutoff: float = 0.6,
    quote: str = "'",
) -> str | None:
    """`did you mean 'a' or 'b'?`, or None when nothing is close."""
    close = close_matches(word, candidates, n, cutoff)
    if not close:
        return None
    return "did you mean " + " or ".join(f"{quote}{c}{quote}" for c in close) + "?"
