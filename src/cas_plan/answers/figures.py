"""Shares of a count, one rule everywhere (the report, the site): a share is of the activities
counted, cancelled ones left out (`SHARE_RULE`, stated in words by the report), in whole
percents that add up to exactly 100 when shown together (the largest-remainder method); none at
all (shown as an en dash) when there is nothing to share.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

NOT_SHARED = frozenset({"cancelled"})
"""Counted and shown, but left out of the denominator of the shares."""
SHARE_RULE = "share_rule"
"""The phrasebook's sentence that states the rule."""


def largest_remainder(parts: Sequence[int], total: int = 100) -> list[int] | None:
    """Whole shares of `total` in proportion to `parts`, adding up to exactly `total`: each
    part's quota rounded down, the units left over going to the largest remainders (the
    earlier part first on a tie); None when the parts add up to nothing."""
    whole = sum(parts)
    if whole <= 0:
        return None
    floors = [part * total // whole for part in parts]
    remainders = [part * total % whole for part in parts]
    left = total - sum(floors)
    for index in sorted(range(len(parts)), key=lambda i: (-remainders[i], i))[:left]:
        floors[index] += 1
    return floors


def shares(counts: Mapping[str, int]) -> dict[str, int | None]:
    """The share of each count in percent (`SHARE_RULE`): those in NOT_SHARED have none."""
    shared = [key for key in counts if key not in NOT_SHARED]
    values = largest_remainder([counts[key] for key in shared])
    out: dict[str, int | None] = {key: None for key in counts}
    if values is not None:
        out.update(zip(shared, values, strict=True))
    return out


def share_of(part: int, whole: int) -> int | None:
    """One share on its own (the completed share of what counts), by the same rule: the part
    and the rest add up to 100."""
    values = largest_remainder([part, whole - part])
    return None if values is None else values[0]
