"""How big what a user's template builds would be, worked out before it is built.

Python builds a string of gigabytes in one step from a small one and a number (`'x'.ljust(n)`,
`'{:>{}}'.format`, `'%*s' % (n, x)`, `'a'.replace('', b)`, `s.join(many)`, the `center`,
`indent`, `wordwrap` or `tojson(indent=n)` filters, `lipsum(n)`): for each of these the size of
the result is reckoned from the arguments (an upper bound, never less than the truth), so the
sandbox refuses it before Python allocates it (`publish.templating`). Every other operation
makes at most a few times what it is given, and what it makes is measured after (`size_of`),
so a value cannot grow past the limit step by step either.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any


class TemplateLimitError(Exception):
    """A user's template went past one of the `TemplateLimits` (or would have: the sizes of
    what it builds are worked out before)."""


_PERCENT = re.compile(
    r"%(?:\((?P<key>[^)]*)\))?[-#0 +]*(?P<width>\*|\d+)?(?:\.(?P<precision>\*|\d+))?"
    r"[hlL]?(?P<kind>[diouxXeEfFgGcrsa%])"
)
_NUMBER = re.compile(r"\d+")
GROWING_FILTERS = frozenset(
    "center indent wordwrap replace join format batch slice urlize tojson sum".split()
)
"""The filters that can build a value past any multiple of what they are given."""
REPR_GROWTH = 10
"""At most how many characters `repr` or `ascii` writes for one (`\\U0001f600`)."""
MARKUP_GROWTH = 6
"""At most how many characters HTML escaping writes for one (`&#34;`)."""


def size_of(value: object) -> int | None:
    """The characters of a string (or bytes), the items of a list, tuple, set or dict; None for
    anything else."""
    if isinstance(value, str | bytes | bytearray | list | tuple | set | frozenset | dict):
        return len(value)
    return None


def text_size(value: object) -> int:
    """The characters of `value` written as text (as `str` writes it), without writing it when
    it is text already."""
    if isinstance(value, str | bytes):
        return len(value)
    return len(str(value))


def _number(value: object) -> int:
    """An int argument (a width, a count) as given; 0 for anything else, which Python refuses
    before it builds anything."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def method_size(
    owner: str | bytes, name: str, args: Sequence[Any], kwargs: Mapping[str, Any]
) -> int | None:
    """The size of `owner.name(*args, **kwargs)` for the methods that can grow a string past
    any multiple of what they are given; None for the others."""
    given = [*args, *kwargs.values()]
    first = given[0] if given else None
    if name in ("ljust", "rjust", "center", "zfill"):
        return max(len(owner), _number(first))
    if name == "expandtabs":
        tab = _number(first) if given else 8
        tabs = owner.count("\t") if isinstance(owner, str) else owner.count(b"\t")
        return len(owner) + tabs * tab
    if name == "replace" and len(given) >= 2:
        return replaced_size(owner, given[0], given[1], given[2] if len(given) > 2 else -1)
    if name == "join" and isinstance(first, list | tuple):
        return sum(text_size(item) for item in first) + len(owner) * max(len(first) - 1, 0)
    if name == "translate" and isinstance(first, Mapping):
        widest = max((text_size(v) for v in first.values() if v is not None), default=1)
        return len(owner) * max(widest, 1)
    if name in ("format", "format_map") and isinstance(owner, str):
        values = [*args, *kwargs.values()]
        if name == "format_map" and args and isinstance(args[0], Mapping):
            values = list(args[0].values())
        return format_size(owner, values)
    return None


def replaced_size(text: object, old: object, new: object, count: object) -> int:
    """The size of `text.replace(old, new, count)`."""
    if not (
        isinstance(text, str | bytes)
        and isinstance(old, type(text))
        and isinstance(new, type(text))
    ):
        return text_size(text)
    found = text.count(old) if old else len(text) + 1  # type: ignore[arg-type]
    limit = _number(count) if isinstance(count, int) and count >= 0 else found
    return len(text) + min(found, limit) * max(len(new) - len(old), 0)


def _digits(text: str) -> int:
    """A number written in a string a spec takes (`'{:{}}'.format(x, '1000000000')`)."""
    return int(text) if len(text) < 20 else 10**20


def format_size(pattern: str, values: Sequence[Any]) -> int:
    """At most how long `pattern.format(...)` of `values` is: its text, and for each field
    the largest value written (as `repr` for !r and !a), widened by the width and precision
    its spec names; a spec that is itself a field is as wide as the largest number given."""
    widest = max((text_size(value) for value in values), default=0)
    numbers = [_number(value) for value in values]
    numbers += [
        _digits(text)
        for value in values
        if isinstance(value, str)
        for text in _NUMBER.findall(value)
    ]
    return _fields_size(pattern, widest, max(numbers, default=0))


def _fields_size(pattern: str, widest: int, largest: int) -> int:
    total = 0
    for literal, field, spec, conversion in string.Formatter().parse(pattern):
        total += len(literal)
        if field is None:
            continue
        spec = spec or ""
        widths = sum(_digits(n) for n in _NUMBER.findall(spec)) + spec.count("{") * largest
        growth = REPR_GROWTH if conversion in ("r", "a") else 1
        total += widest * growth + widths
        if "{" in spec:
            total += _fields_size(spec, widest, largest)
    return total


def percent_size(pattern: str, values: object) -> int:
    """At most how long `pattern % values` is: its text, and for each conversion the value it
    writes (as `repr` for %r and %a), widened by its width and precision (`*` takes them from
    the values)."""
    given = list(values) if isinstance(values, tuple) else [values]
    mapping = values if isinstance(values, Mapping) else None
    widest = max((text_size(value) for value in given), default=0)
    total, position = len(pattern), 0
    for match in _PERCENT.finditer(pattern):
        for part in ("width", "precision"):
            if match.group(part) == "*":
                total += _number(given[position]) if position < len(given) else 0
                position += 1
            elif match.group(part):
                total += int(match.group(part))
        if match.group("kind") == "%":
            continue
        growth = REPR_GROWTH if match.group("kind") in "ra" else 1
        if mapping is not None and match.group("key") is not None:
            total += text_size(mapping.get(match.group("key"), "")) * growth
        else:
            total += (text_size(given[position]) if position < len(given) else widest) * growth
            position += 1
    return total


def filter_size(name: str, arguments: Mapping[str, Any], newline: str) -> int | None:
    """At most how big the filter `name` makes its result from its `arguments` (bound to its
    parameters' names), for the filters that can grow a value past any multiple of what they
    are given; None for the others. `newline`: the environment's line break (`wordwrap`)."""
    value = arguments.get("value", arguments.get("s"))
    if name == "center":
        return max(text_size(value), _number(arguments.get("width")))
    if name == "indent":
        width = arguments.get("width")
        pad = len(width) if isinstance(width, str) else _number(width)
        return text_size(value) * (1 + pad) + pad
    if name == "wordwrap":
        wrap = arguments.get("wrapstring") or newline
        return text_size(value) * (1 + len(wrap)) + len(wrap)
    if name == "replace":
        return replaced_size(
            str(value), arguments.get("old"), arguments.get("new"), arguments.get("count")
        )
    if name == "join" and isinstance(value, list):
        joiner = text_size(arguments.get("d", ""))
        items = sum(text_size(item) for item in value) * MARKUP_GROWTH
        return items + joiner * max(len(value) - 1, 0)
    if name == "format":
        values = arguments.get("kwargs") or arguments.get("args") or ()
        return percent_size(str(value), values)
    if name in ("batch", "slice"):
        count = _number(arguments.get("linecount", arguments.get("slices")))
        return (len(value) if isinstance(value, list) else 0) + count
    if name == "urlize":
        extra = sum(text_size(arguments.get(key) or "") for key in ("target", "rel"))
        return text_size(value) * (3 + MARKUP_GROWTH) + (text_size(value) // 2 + 1) * (80 + extra)
    if name == "tojson":
        return json_size(value, arguments.get("indent"))
    if name == "sum" and isinstance(arguments.get("iterable"), list):
        start = arguments.get("start")
        items = arguments["iterable"]
        return (size_of(start) or 0) + sum(size_of(item) or 0 for item in items)
    return None


def json_size(value: object, indent: object) -> int:
    """The size of `tojson` with `indent`: written once with a tab (a tab in a string is
    written `\\t`, so every tab is indentation), each tab then as wide as the indent."""
    pad = len(indent) if isinstance(indent, str) else _number(indent)
    try:
        text = json.dumps(value, indent="\t", sort_keys=True)
    except (TypeError, ValueError):
        return 0  # the filter refuses it too
    return (len(text) + text.count("\t") * max(pad - 1, 0)) * MARKUP_GROWTH


def lipsum_size(arguments: Mapping[str, Any]) -> int:
    """At most how long `lipsum(n, html, min, max)` is: n paragraphs of at most `max` words of
    at most 13 characters, and the markup."""
    words = _number(arguments.get("max", 100))
    return _number(arguments.get("n", 5)) * (words * 14 + 20)


def materialized(
    items: object, budget: int, measure: Callable[[object], int], unit: str = "characters"
) -> object:
    """An iterable that is not a string, a list or a mapping, as a list, so its size is known
    before a join or a sum walks it (a generator cannot be walked twice); each item measured
    as it comes, and refused once they add up to more than `budget`, before the rest is made."""
    if not isinstance(items, Iterable) or isinstance(items, str | bytes | list | tuple | Mapping):
        return items
    made, total = [], 0
    for item in items:
        total += measure(item)
        if total > budget:
            raise TemplateLimitError(
                f"the items given would make more than {budget} {unit}, over the limit"
            )
        made.append(item)
    return made
